import { Link } from 'react-router';
import type { Identity } from '../session.ts';
import { ProblemMessage } from './problem-message.tsx';

interface NotPermittedProps {
  title: string;
  /** Who may, in a sentence: "Only an admin manages user accounts." */
  who: string;
  identity: Identity;
}

/**
 * A page the signed-in actor may not use, opened by its address. The server refuses the calls
 * anyway; this says so before any is made, and names the roles the actor holds.
 */
export function NotPermitted({ title, who, identity }: NotPermittedProps) {
  const roles = identity.roles.length === 0 ? 'no roles' : identity.roles.join(', ');
  return (
    <section>
      <h1>{title}</h1>
      <ProblemMessage title="Not permitted.">
        {who} You are signed in as {identity.username ?? identity.id}, holding {roles}.
      </ProblemMessage>
      <p>
        <Link to="/">Go to the release list</Link>.
      </p>
    </section>
  );
}

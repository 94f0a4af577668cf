import { useEffect, useState } from 'react';
import { SIGNING_ROLES } from '../../../core/access/roles.ts';
import { type Eligibility, errorMessage } from '../../api-client.ts';
import { useSession } from '../../session.ts';
import { ProblemMessage } from '../problem-message.tsx';

interface EligibilityPanelProps {
  username: string;
  /** Bumped when roles or training changed. */
  generation: number;
}

/** For every signing role, whether the person may sign now and, if not, the server's reason. */
export function EligibilityPanel({ username, generation }: EligibilityPanelProps) {
  const { client } = useSession();
  const [answers, setAnswers] = useState<Array<[string, Eligibility]> | null>(null);
  const [error, setError] = useState<string | null>(null);

  // biome-ignore lint/correctness/useExhaustiveDependencies: generation asks again
  useEffect(() => {
    const abort = new AbortController();
    Promise.all(
      SIGNING_ROLES.map(async (role) => {
        const answer = await client.eligibility(username, role, abort.signal);
        return [role, answer] as [string, Eligibility];
      }),
    ).then(
      (next) => {
        // The roles the person holds first: those are the answers an admin came for.
        const held = (answer: Eligibility) => (answer.code === 'ROLE_NOT_HELD' ? 1 : 0);
        setAnswers(next.sort((a, b) => held(a[1]) - held(b[1])));
        setError(null);
      },
      (caught: unknown) => {
        if (!abort.signal.aborted) setError(errorMessage(caught));
      },
    );
    return () => abort.abort();
  }, [client, username, generation]);

  return (
    <section aria-labelledby="eligibility-heading" className="panel">
      <h2 id="eligibility-heading">May sign now</h2>
      {error && <ProblemMessage title="Eligibility could not be checked.">{error}</ProblemMessage>}
      {answers === null ? (
        !error && <p className="muted">Checking…</p>
      ) : (
        <ul className="eligibility-list">
          {answers.map(([role, answer]) => (
            <li
              key={role}
              className="eligibility-item"
              data-role={role}
              data-eligible={answer.eligible}
            >
              <span className="role-name">{role}</span> <EligibilityBadge answer={answer} />
              {/* Not holding a role needs no explanation; missing training or a disabled account does. */}
              {answer.code !== undefined && answer.code !== 'ROLE_NOT_HELD' && (
                <span className="status-reason">{answer.reason}</span>
              )}
            </li>
          ))}
        </ul>
      )}
    </section>
  );
}

function EligibilityBadge({ answer }: { answer: Eligibility }) {
  if (answer.eligible) return <span className="badge badge-approved">may sign</span>;
  if (answer.code === 'ROLE_NOT_HELD')
    return <span className="badge badge-draft">role not held</span>;
  return <span className="badge badge-rejected">may not sign</span>;
}

import { type FormEvent, useId, useState } from 'react';
import { ROLES } from '../../../core/access/roles.ts';
import { errorMessage, type User } from '../../api-client.ts';
import { useSession } from '../../session.ts';
import { ProblemMessage } from '../problem-message.tsx';

interface RolesPanelProps {
  user: User;
  onChanged: (user: User) => void;
}

/**
 * The roles an account holds, with Revoke on each and Grant for the others. Nobody changes the
 * roles on their own account (the server refuses and audits it): there, the panel says so instead.
 */
export function RolesPanel({ user, onChanged }: RolesPanelProps) {
  const { client, identity } = useSession();
  const grantId = useId();
  const own = user.username === identity.username;
  const grantable = ROLES.filter((role) => !user.roles.includes(role));
  const [role, setRole] = useState('');
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const [done, setDone] = useState<string | null>(null);

  async function change(action: 'grant' | 'revoke', which: string) {
    setBusy(true);
    setError(null);
    setDone(null);
    try {
      const result =
        action === 'grant'
          ? await client.grantRole(user.username, which)
          : await client.revokeRole(user.username, which);
      setDone(`${action === 'grant' ? 'Granted' : 'Revoked'} ${which}.`);
      setRole('');
      onChanged(result.user);
    } catch (caught) {
      setError(errorMessage(caught));
    } finally {
      setBusy(false);
    }
  }

  function grant(event: FormEvent<HTMLFormElement>) {
    event.preventDefault();
    if (!role) {
      setError('Choose the role to grant.');
      return;
    }
    void change('grant', role);
  }

  const disabled = user.disabledAt !== null;
  return (
    <section aria-labelledby="roles-heading" className="panel">
      <h2 id="roles-heading">Roles</h2>
      {own && (
        <p className="notice" data-testid="own-roles-note">
          This is your own account. Nobody grants or revokes a role on their own account: ask
          another admin.
        </p>
      )}
      {error && <ProblemMessage title="The role was not changed.">{error}</ProblemMessage>}
      {done && (
        <p className="notice notice-success" role="status">
          {done}
        </p>
      )}
      {user.roles.length === 0 ? (
        <p className="muted">No roles: the account can sign in and read, nothing more.</p>
      ) : (
        <ul className="role-list">
          {user.roles.map((held) => (
            <li key={held} className="role-item" data-role={held}>
              <span className="role-name">{held}</span>
              {!own && (
                <button
                  type="button"
                  className="button button-small"
                  disabled={busy}
                  aria-label={`Revoke ${held} from ${user.username}`}
                  onClick={() => void change('revoke', held)}
                >
                  Revoke
                </button>
              )}
            </li>
          ))}
        </ul>
      )}
      {!own && !disabled && grantable.length > 0 && (
        <form onSubmit={grant} className="inline-form">
          <label htmlFor={grantId}>Grant a role</label>
          <select id={grantId} value={role} onChange={(event) => setRole(event.target.value)}>
            <option value="">Choose a role</option>
            {grantable.map((choice) => (
              <option key={choice} value={choice}>
                {choice}
              </option>
            ))}
          </select>
          <button type="submit" className="button" disabled={busy}>
            Grant
          </button>
        </form>
      )}
    </section>
  );
}

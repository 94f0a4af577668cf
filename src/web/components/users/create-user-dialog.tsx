import { type FormEvent, useId, useState } from 'react';
import { ROLES } from '../../../core/access/roles.ts';
import { errorMessage, type User } from '../../api-client.ts';
import { useSession } from '../../session.ts';
import { ModalDialog } from '../modal-dialog.tsx';
import { ProblemMessage } from '../problem-message.tsx';

interface CreateUserDialogProps {
  onClose: () => void;
  onCreated: (user: User) => void;
}

/** An admin creates an account: username, printed name, initial password, roles. */
export function CreateUserDialog({ onClose, onCreated }: CreateUserDialogProps) {
  const { client } = useSession();
  const ids = { username: useId(), fullName: useId(), password: useId() };
  const [username, setUsername] = useState('');
  const [fullName, setFullName] = useState('');
  const [password, setPassword] = useState('');
  const [roles, setRoles] = useState<string[]>([]);
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | null>(null);

  async function submit(event: FormEvent<HTMLFormElement>) {
    event.preventDefault();
    setBusy(true);
    setError(null);
    try {
      onCreated(await client.createUser({ username: username.trim(), fullName, password, roles }));
    } catch (caught) {
      setError(errorMessage(caught));
    } finally {
      setBusy(false);
    }
  }

  function toggle(role: string, on: boolean) {
    setRoles((current) => (on ? [...current, role] : current.filter((held) => held !== role)));
  }

  return (
    <ModalDialog title="Create a user" onClose={onClose}>
      <form onSubmit={submit} noValidate className="stacked-form">
        {error && <ProblemMessage title="The account was not created.">{error}</ProblemMessage>}
        <label htmlFor={ids.username}>Username</label>
        <input
          id={ids.username}
          type="text"
          autoComplete="off"
          spellCheck={false}
          value={username}
          onChange={(event) => setUsername(event.target.value)}
          aria-describedby={`${ids.username}-hint`}
          // biome-ignore lint/a11y/noAutofocus: the dialog opens to ask for exactly this
          autoFocus
        />
        <p className="hint" id={`${ids.username}-hint`}>
          3–64 lowercase letters, digits, “.”, “_” or “-”. Never reused: accounts are disabled, not
          deleted.
        </p>
        <label htmlFor={ids.fullName}>Full name (printed on signatures)</label>
        <input
          id={ids.fullName}
          type="text"
          autoComplete="off"
          value={fullName}
          onChange={(event) => setFullName(event.target.value)}
        />
        <label htmlFor={ids.password}>Initial password</label>
        <input
          id={ids.password}
          type="password"
          autoComplete="new-password"
          value={password}
          onChange={(event) => setPassword(event.target.value)}
          aria-describedby={`${ids.password}-hint`}
        />
        <p className="hint" id={`${ids.password}-hint`}>
          At least 12 characters. Give it to the person privately.
        </p>
        <fieldset>
          <legend>Roles</legend>
          <div className="role-choices">
            {ROLES.map((role) => (
              <label key={role} className="choice">
                <input
                  type="checkbox"
                  checked={roles.includes(role)}
                  onChange={(event) => toggle(role, event.target.checked)}
                />
                {role}
              </label>
            ))}
          </div>
        </fieldset>
        <div className="modal-actions">
          <button type="button" className="button" onClick={onClose}>
            Cancel
          </button>
          <button type="submit" className="button button-primary" disabled={busy}>
            {busy ? 'Creating…' : 'Create user'}
          </button>
        </div>
      </form>
    </ModalDialog>
  );
}

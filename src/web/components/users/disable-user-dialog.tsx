import { useState } from 'react';
import { errorMessage, type User } from '../../api-client.ts';
import { useSession } from '../../session.ts';
import { ModalDialog } from '../modal-dialog.tsx';
import { ProblemMessage } from '../problem-message.tsx';

interface DisableUserDialogProps {
  user: User;
  onClose: () => void;
  onDisabled: (user: User) => void;
}

/** Confirms disabling an account: it can no longer sign in or sign, and stays on record. */
export function DisableUserDialog({ user, onClose, onDisabled }: DisableUserDialogProps) {
  const { client } = useSession();
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | null>(null);

  async function disable() {
    setBusy(true);
    setError(null);
    try {
      onDisabled(await client.disableUser(user.username));
    } catch (caught) {
      setError(errorMessage(caught));
    } finally {
      setBusy(false);
    }
  }

  return (
    <ModalDialog title={`Disable ${user.username}?`} onClose={onClose}>
      {error && <ProblemMessage title="The account was not disabled.">{error}</ProblemMessage>}
      <p>
        {user.fullName} will no longer be able to sign in or sign, and their sessions end at once.
        The account stays on record, with everything it signed, and its username is never reused.
        There is no way to enable it again.
      </p>
      <div className="modal-actions">
        <button type="button" className="button" onClick={onClose}>
          Cancel
        </button>
        <button type="button" className="button button-danger" disabled={busy} onClick={disable}>
          {busy ? 'Disabling…' : 'Disable account'}
        </button>
      </div>
    </ModalDialog>
  );
}

import { type FormEvent, useId, useRef, useState } from 'react';
import { errorMessage, type Signature } from '../../api-client.ts';
import { useSession } from '../../session.ts';
import { ModalDialog } from '../modal-dialog.tsx';
import { ProblemMessage } from '../problem-message.tsx';
import { PasswordAgain } from './password-again.tsx';
import { SignatureFacts } from './signature-facts.tsx';

interface WithdrawDialogProps {
  /** The approval being withdrawn: the signed-in person's own. */
  approval: Signature;
  onClose: () => void;
  onWithdrawn: (withdrawal: Signature) => void;
}

/**
 * Withdraws one's own approval. A withdrawal is itself a signed record (the approval is never
 * edited), so it asks for the reason and the password again, like signing, and shows the record.
 */
export function WithdrawDialog({ approval, onClose, onWithdrawn }: WithdrawDialogProps) {
  const { client } = useSession();
  const reasonId = useId();
  const password = useRef<HTMLInputElement>(null);
  const [reason, setReason] = useState('');
  const [secret, setSecret] = useState('');
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const [withdrawn, setWithdrawn] = useState<Signature | null>(null);

  async function submit(event: FormEvent<HTMLFormElement>) {
    event.preventDefault();
    setBusy(true);
    setError(null);
    try {
      const withdrawal = await client.withdraw(approval.id, {
        meaning: reason.trim(),
        password: secret,
      });
      setWithdrawn(withdrawal);
      onWithdrawn(withdrawal);
    } catch (caught) {
      setError(errorMessage(caught));
      setSecret('');
      password.current?.focus();
    } finally {
      setBusy(false);
    }
  }

  return (
    <ModalDialog title={`Withdraw your ${approval.role} approval`} onClose={onClose}>
      {withdrawn ? (
        <div className="signed" data-signature={withdrawn.id}>
          <p className="notice notice-success" role="status">
            Withdrawn. The approval no longer counts; this is the withdrawal Dossier recorded.
          </p>
          <SignatureFacts signature={withdrawn} />
          <div className="modal-actions">
            <button type="button" className="button button-primary" onClick={onClose}>
              Done
            </button>
          </div>
        </div>
      ) : (
        <form onSubmit={submit} noValidate className="stacked-form">
          <h3 className="summary-heading">The approval you withdraw</h3>
          <SignatureFacts signature={approval} />
          {error && <ProblemMessage title="The withdrawal was refused.">{error}</ProblemMessage>}
          <label htmlFor={reasonId}>Why you withdraw it</label>
          <input
            id={reasonId}
            type="text"
            value={reason}
            onChange={(event) => setReason(event.target.value)}
            required
          />
          <PasswordAgain purpose="to withdraw" value={secret} onChange={setSecret} ref={password} />
          <p className="hint">
            The withdrawal is a new signature naming {approval.id}; the approval stays on record,
            marked withdrawn, and the gates stop counting it.
          </p>
          <div className="modal-actions">
            <button type="button" className="button" onClick={onClose}>
              Cancel
            </button>
            <button type="submit" className="button button-danger" disabled={busy}>
              {busy ? 'Withdrawing…' : 'Withdraw approval'}
            </button>
          </div>
        </form>
      )}
    </ModalDialog>
  );
}

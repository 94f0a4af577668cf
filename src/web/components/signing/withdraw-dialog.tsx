import { type FormEvent, useId, useState } from 'react';
import type { Signature } from '../../api-client.ts';
import { useSession } from '../../session.ts';
import { ModalDialog } from '../modal-dialog.tsx';
import { ProblemMessage } from '../problem-message.tsx';
import { PasswordAgain } from './password-again.tsx';
import { SignatureFacts } from './signature-facts.tsx';
import { useSignedAct } from './use-signed-act.ts';

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
  const [reason, setReason] = useState('');
  const act = useSignedAct(onWithdrawn);
  const withdrawn = act.recorded;

  async function submit(event: FormEvent<HTMLFormElement>) {
    event.preventDefault();
    await act.run((password) => client.withdraw(approval.id, { meaning: reason.trim(), password }));
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
          {act.error && (
            <ProblemMessage title="The withdrawal was refused.">{act.error}</ProblemMessage>
          )}
          <label htmlFor={reasonId}>Why you withdraw it</label>
          <input
            id={reasonId}
            type="text"
            value={reason}
            onChange={(event) => setReason(event.target.value)}
            required
          />
          <PasswordAgain
            purpose="to withdraw"
            value={act.secret}
            onChange={act.setSecret}
            ref={act.password}
          />
          <p className="hint">
            The withdrawal is a new signature naming {approval.id}; the approval stays on record,
            marked withdrawn, and the gates stop counting it.
          </p>
          <div className="modal-actions">
            <button type="button" className="button" onClick={onClose}>
              Cancel
            </button>
            <button type="submit" className="button button-danger" disabled={act.busy}>
              {act.busy ? 'Withdrawing…' : 'Withdraw approval'}
            </button>
          </div>
        </form>
      )}
    </ModalDialog>
  );
}

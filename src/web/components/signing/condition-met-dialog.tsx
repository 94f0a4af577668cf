import { type FormEvent, useId, useState } from 'react';
import { type Evidence, errorMessage, type Signature } from '../../api-client.ts';
import { useSession } from '../../session.ts';
import { ModalDialog } from '../modal-dialog.tsx';
import { ProblemMessage } from '../problem-message.tsx';
import { Timestamp } from '../timestamp.tsx';

interface ConditionMetDialogProps {
  approval: Signature & { condition: NonNullable<Signature['condition']> };
  /** The release's evidence: the condition is met by one of these files. */
  evidence: Evidence[];
  onClose: () => void;
  onMet: () => void;
}

/** Marks a conditional approval's condition met, naming the evidence that shows it. */
export function ConditionMetDialog({
  approval,
  evidence,
  onClose,
  onMet,
}: ConditionMetDialogProps) {
  const { client } = useSession();
  const evidenceId = useId();
  // Newest first: the file that meets a condition is usually the one attached last.
  const choices = [...evidence].sort((a, b) => b.submittedAt.localeCompare(a.submittedAt));
  const [chosen, setChosen] = useState(choices[0]?.id ?? '');
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | null>(null);

  async function submit(event: FormEvent<HTMLFormElement>) {
    event.preventDefault();
    if (!chosen) {
      setError('Attach the evidence that shows the condition is met to the release first.');
      return;
    }
    setBusy(true);
    setError(null);
    try {
      await client.meetCondition(approval.id, chosen);
      onMet();
      onClose();
    } catch (caught) {
      setError(errorMessage(caught));
    } finally {
      setBusy(false);
    }
  }

  const { condition } = approval;
  return (
    <ModalDialog title="Mark the condition met" onClose={onClose}>
      <form onSubmit={submit} noValidate className="stacked-form">
        <dl className="record">
          <div className="record-field">
            <dt>Condition</dt>
            <dd>{condition.text}</dd>
          </div>
          <div className="record-field">
            <dt>Of the approval</dt>
            <dd>
              {approval.role} by {approval.signer.fullName} ({approval.signer.username})
            </dd>
          </div>
          <div className="record-field">
            <dt>Owner</dt>
            <dd>{condition.owner}</dd>
          </div>
          <div className="record-field">
            <dt>Deadline</dt>
            <dd>
              <Timestamp iso={condition.deadline} />
            </dd>
          </div>
        </dl>
        {error && <ProblemMessage title="This was refused.">{error}</ProblemMessage>}
        <label htmlFor={evidenceId}>Evidence that shows it is met</label>
        {choices.length === 0 ? (
          <p className="hint" id={evidenceId}>
            This release has no evidence yet: attach the file that shows the condition is met, then
            come back.
          </p>
        ) : (
          <select
            id={evidenceId}
            value={chosen}
            onChange={(event) => setChosen(event.target.value)}
          >
            {choices.map((item) => (
              <option key={item.id} value={item.id}>
                {item.kind} · {item.name} · {item.id}
              </option>
            ))}
          </select>
        )}
        <p className="hint">
          Once marked, the approval counts without a deadline. This is recorded in the audit log
          with your name.
        </p>
        <div className="modal-actions">
          <button type="button" className="button" onClick={onClose}>
            Cancel
          </button>
          <button
            type="submit"
            className="button button-primary"
            disabled={busy || choices.length === 0}
          >
            {busy ? 'Recording…' : 'Mark condition met'}
          </button>
        </div>
      </form>
    </ModalDialog>
  );
}

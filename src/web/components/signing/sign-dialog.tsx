import { type FormEvent, useId, useState } from 'react';
import type { Signature, SigningView } from '../../api-client.ts';
import { useSession } from '../../session.ts';
import { ModalDialog } from '../modal-dialog.tsx';
import { ProblemMessage } from '../problem-message.tsx';
import { PasswordAgain } from './password-again.tsx';
import { SignatureFacts } from './signature-facts.tsx';
import { useSignedAct } from './use-signed-act.ts';

interface SignDialogProps {
  releaseTag: string;
  role: string;
  /** What a signature covers now, as the server put it. */
  view: SigningView;
  onClose: () => void;
  onSigned: (signature: Signature) => void;
}

/**
 * Signs one approval: shows exactly what the signature covers (the server's own lines), asks for
 * the meaning and the password again (re-authentication at the moment of signing), then shows
 * the signature the server recorded. A refusal shows the server's reason and changes nothing.
 */
export function SignDialog({ releaseTag, role, view, onClose, onSigned }: SignDialogProps) {
  const { client, identity } = useSession();
  const ids = { meaning: useId(), condition: useId(), deadline: useId() };
  const [meaning, setMeaning] = useState(`${role} review complete`);
  const [condition, setCondition] = useState('');
  const [deadline, setDeadline] = useState('');
  const act = useSignedAct(onSigned);
  const signed = act.recorded;

  async function submit(event: FormEvent<HTMLFormElement>) {
    event.preventDefault();
    if (condition.trim() && !deadline) {
      act.setError('A condition needs a deadline.');
      return;
    }
    await act.run((password) =>
      client.sign(releaseTag, {
        role,
        meaning: meaning.trim(),
        password,
        ...(condition.trim()
          ? {
              condition: {
                text: condition.trim(),
                owner: identity.username ?? '',
                deadline: new Date(`${deadline}T23:59:59Z`).toISOString(),
              },
            }
          : {}),
      }),
    );
  }

  return (
    <ModalDialog title={`Sign as ${role}`} onClose={onClose} className="sign-dialog">
      {signed ? (
        <div className="signed" data-signature={signed.id}>
          <p className="notice notice-success" role="status">
            Signed. This is the signature Dossier recorded.
          </p>
          <SignatureFacts signature={signed} />
          <div className="modal-actions">
            <button type="button" className="button button-primary" onClick={onClose}>
              Done
            </button>
          </div>
        </div>
      ) : (
        <form onSubmit={submit} noValidate className="stacked-form">
          <h3 className="summary-heading">You are signing</h3>
          <ul className="signed-lines" aria-label="What this signature covers">
            {view.lines.map((line) => (
              <li key={line}>
                <code className="signed-line">{line}</code>
              </li>
            ))}
          </ul>
          {act.error && (
            <ProblemMessage title="The signature was refused.">{act.error}</ProblemMessage>
          )}
          <label htmlFor={ids.meaning}>Meaning of this signature</label>
          <input
            id={ids.meaning}
            type="text"
            value={meaning}
            onChange={(event) => setMeaning(event.target.value)}
            required
          />
          <PasswordAgain
            purpose="to sign"
            value={act.secret}
            onChange={act.setSecret}
            ref={act.password}
          />
          <details className="condition">
            <summary className="disclosure">Approve with a condition (optional)</summary>
            <label htmlFor={ids.condition}>Condition</label>
            <input
              id={ids.condition}
              type="text"
              value={condition}
              onChange={(event) => setCondition(event.target.value)}
            />
            <label htmlFor={ids.deadline}>Condition deadline (end of day, UTC)</label>
            <input
              id={ids.deadline}
              type="date"
              value={deadline}
              onChange={(event) => setDeadline(event.target.value)}
            />
          </details>
          <p className="hint">
            Signing as {identity.fullName ?? identity.username} ({identity.username}). Your
            signature will be bound to content hash <code>{view.contentHash}</code>; if the evidence
            or the policy changes, it no longer counts.
          </p>
          <div className="modal-actions">
            <button type="button" className="button" onClick={onClose}>
              Cancel
            </button>
            <button type="submit" className="button button-primary" disabled={act.busy}>
              {act.busy ? 'Signing…' : 'Sign'}
            </button>
          </div>
        </form>
      )}
    </ModalDialog>
  );
}

import { type FormEvent, useId, useRef, useState } from 'react';
import { errorMessage, type Signature, type SigningView } from '../../api-client.ts';
import { useSession } from '../../session.ts';
import { ModalDialog } from '../modal-dialog.tsx';
import { ProblemMessage } from '../problem-message.tsx';
import { PasswordAgain } from './password-again.tsx';
import { SignatureFacts } from './signature-facts.tsx';

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
  const password = useRef<HTMLInputElement>(null);
  const [meaning, setMeaning] = useState(`${role} review complete`);
  const [secret, setSecret] = useState('');
  const [condition, setCondition] = useState('');
  const [deadline, setDeadline] = useState('');
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const [signed, setSigned] = useState<Signature | null>(null);

  async function submit(event: FormEvent<HTMLFormElement>) {
    event.preventDefault();
    if (condition.trim() && !deadline) {
      setError('A condition needs a deadline.');
      return;
    }
    setBusy(true);
    setError(null);
    try {
      const signature = await client.sign(releaseTag, {
        role,
        meaning: meaning.trim(),
        password: secret,
        ...(condition.trim()
          ? {
              condition: {
                text: condition.trim(),
                owner: identity.username ?? '',
                deadline: new Date(`${deadline}T23:59:59Z`).toISOString(),
              },
            }
          : {}),
      });
      setSigned(signature);
      onSigned(signature);
    } catch (caught) {
      setError(errorMessage(caught));
      setSecret('');
      password.current?.focus();
    } finally {
      setBusy(false);
    }
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
          {error && <ProblemMessage title="The signature was refused.">{error}</ProblemMessage>}
          <label htmlFor={ids.meaning}>Meaning of this signature</label>
          <input
            id={ids.meaning}
            type="text"
            value={meaning}
            onChange={(event) => setMeaning(event.target.value)}
            required
          />
          <PasswordAgain purpose="to sign" value={secret} onChange={setSecret} ref={password} />
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
            <button type="submit" className="button button-primary" disabled={busy}>
              {busy ? 'Signing…' : 'Sign'}
            </button>
          </div>
        </form>
      )}
    </ModalDialog>
  );
}

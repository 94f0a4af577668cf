import { type FormEvent, useId, useState } from 'react';
import { type Exception, errorMessage } from '../../api-client.ts';
import { useSession } from '../../session.ts';
import { ModalDialog } from '../modal-dialog.tsx';
import { ProblemMessage } from '../problem-message.tsx';

interface RequestExceptionDialogProps {
  ruleId: string;
  /** Why the rule did not pass, as the gate said. */
  reason: string;
  releaseTag: string;
  service: string;
  environment: string;
  onClose: () => void;
  onRequested: (exception: Exception) => void;
}

/** A date `days` from today, as the yyyy-mm-dd a date input takes. */
function daysFromToday(days: number): string {
  return new Date(Date.now() + days * 86_400_000).toISOString().slice(0, 10);
}

/**
 * Asks for an exception to the one requirement that did not pass: why, what compensates for it,
 * until when, and for this release or every release of the service. It counts once approved.
 */
export function RequestExceptionDialog(props: RequestExceptionDialogProps) {
  const { ruleId, releaseTag, service, environment, onClose, onRequested } = props;
  const { client } = useSession();
  const ids = { reason: useId(), control: useId(), expires: useId(), env: useId() };
  const [scope, setScope] = useState<'release' | 'service'>('release');
  const [onlyHere, setOnlyHere] = useState(true);
  const [reason, setReason] = useState('');
  const [control, setControl] = useState('');
  const [expires, setExpires] = useState(daysFromToday(30));
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | null>(null);

  async function submit(event: FormEvent<HTMLFormElement>) {
    event.preventDefault();
    if (!expires) {
      setError('Choose the day the exception expires.');
      return;
    }
    setBusy(true);
    setError(null);
    try {
      const exception = await client.requestException({
        ruleId,
        ...(scope === 'release' ? { release: releaseTag } : { service }),
        ...(onlyHere ? { environment } : {}),
        reason: reason.trim(),
        compensatingControl: control.trim(),
        // The end of the chosen day, UTC: an exception runs through its last day.
        expiresAt: new Date(`${expires}T23:59:59Z`).toISOString(),
      });
      onRequested(exception);
    } catch (caught) {
      setError(errorMessage(caught));
    } finally {
      setBusy(false);
    }
  }

  return (
    <ModalDialog title={`Request an exception to ${ruleId}`} onClose={onClose}>
      <form onSubmit={submit} noValidate className="stacked-form">
        <p className="hint">
          The gate said: <q>{props.reason}</q>. An exception counts only once another person with an
          approver role approves it, and stops counting at its expiry.
        </p>
        {error && <ProblemMessage title="The request was refused.">{error}</ProblemMessage>}
        <fieldset>
          <legend>Applies to</legend>
          <label className="choice">
            <input
              type="radio"
              name="scope"
              checked={scope === 'release'}
              onChange={() => setScope('release')}
            />
            this release ({releaseTag})
          </label>
          <label className="choice">
            <input
              type="radio"
              name="scope"
              checked={scope === 'service'}
              onChange={() => setScope('service')}
            />
            every release of {service}
          </label>
          <label className="choice" htmlFor={ids.env}>
            <input
              id={ids.env}
              type="checkbox"
              checked={onlyHere}
              onChange={(event) => setOnlyHere(event.target.checked)}
            />
            only in {environment}
          </label>
        </fieldset>
        <label htmlFor={ids.reason}>Reason</label>
        <textarea
          id={ids.reason}
          rows={3}
          value={reason}
          onChange={(event) => setReason(event.target.value)}
          // biome-ignore lint/a11y/noAutofocus: the dialog opens to ask for exactly this
          autoFocus
        />
        <label htmlFor={ids.control}>Compensating control</label>
        <textarea
          id={ids.control}
          rows={2}
          value={control}
          onChange={(event) => setControl(event.target.value)}
        />
        <label htmlFor={ids.expires}>Expires (end of day, UTC)</label>
        <input
          id={ids.expires}
          type="date"
          value={expires}
          onChange={(event) => setExpires(event.target.value)}
        />
        <div className="modal-actions">
          <button type="button" className="button" onClick={onClose}>
            Cancel
          </button>
          <button type="submit" className="button button-primary" disabled={busy}>
            {busy ? 'Requesting…' : 'Request exception'}
          </button>
        </div>
      </form>
    </ModalDialog>
  );
}

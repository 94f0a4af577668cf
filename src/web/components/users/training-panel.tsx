import { type FormEvent, useEffect, useState } from 'react';
import { errorMessage, type TrainingRecord } from '../../api-client.ts';
import { useSession } from '../../session.ts';
import { LabelledInput } from '../labelled-input.tsx';
import { ProblemMessage } from '../problem-message.tsx';
import { Timestamp } from '../timestamp.tsx';

interface TrainingPanelProps {
  username: string;
  /** Called after a record was added: eligibility may have changed. */
  onRecorded: () => void;
}

/** A person's training records (write-once), and a form to record a completed course. */
export function TrainingPanel({ username, onRecorded }: TrainingPanelProps) {
  const { client } = useSession();
  const [records, setRecords] = useState<TrainingRecord[] | null>(null);
  const [loadError, setLoadError] = useState<string | null>(null);
  const [generation, setGeneration] = useState(0);
  const [course, setCourse] = useState('');
  const [version, setVersion] = useState('');
  const [completed, setCompleted] = useState(new Date().toISOString().slice(0, 10));
  const [expires, setExpires] = useState('');
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | null>(null);

  // biome-ignore lint/correctness/useExhaustiveDependencies: generation asks again
  useEffect(() => {
    const abort = new AbortController();
    client.listTraining(username, abort.signal).then(setRecords, (caught: unknown) => {
      if (!abort.signal.aborted) setLoadError(errorMessage(caught));
    });
    return () => abort.abort();
  }, [client, username, generation]);

  async function submit(event: FormEvent<HTMLFormElement>) {
    event.preventDefault();
    setBusy(true);
    setError(null);
    try {
      await client.recordTraining(username, {
        course: course.trim(),
        version: version.trim(),
        completedOn: completed,
        expiresOn: expires === '' ? null : expires,
      });
      setCourse('');
      setVersion('');
      setExpires('');
      setGeneration((n) => n + 1);
      onRecorded();
    } catch (caught) {
      setError(errorMessage(caught));
    } finally {
      setBusy(false);
    }
  }

  return (
    <section aria-labelledby="training-heading" className="panel">
      <h2 id="training-heading">Training</h2>
      {loadError && (
        <ProblemMessage title="The training records could not be loaded.">
          {loadError}
        </ProblemMessage>
      )}
      {records === null ? (
        !loadError && <p className="muted">Loading…</p>
      ) : records.length === 0 ? (
        <p className="muted">No training recorded.</p>
      ) : (
        <div className="table-wrap">
          <table className="data-table training-table">
            <caption className="visually-hidden">Training records of {username}</caption>
            <thead>
              <tr>
                <th scope="col">Course</th>
                <th scope="col">Version</th>
                <th scope="col">Completed</th>
                <th scope="col">Last day</th>
                <th scope="col">Recorded (UTC)</th>
              </tr>
            </thead>
            <tbody>
              {records.map((record) => (
                <tr key={record.id} data-training={record.id}>
                  <th scope="row">{record.course}</th>
                  <td>{record.version}</td>
                  <td>{record.completedOn}</td>
                  <td>{record.expiresOn ?? <span className="muted">does not expire</span>}</td>
                  <td>
                    <Timestamp iso={record.recordedAt} seconds={false} />{' '}
                    <span className="muted small">by {record.recordedBy}</span>
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      )}
      <h3 className="form-heading">Record completed training</h3>
      <form onSubmit={submit} noValidate className="stacked-form">
        {error && <ProblemMessage title="The training was not recorded.">{error}</ProblemMessage>}
        <div className="field-row">
          <LabelledInput label="Course" type="text" value={course} onChange={setCourse} />
          <LabelledInput
            label="Version"
            type="text"
            width="narrow"
            value={version}
            onChange={setVersion}
          />
          <LabelledInput
            label="Completed on"
            type="date"
            value={completed}
            onChange={setCompleted}
          />
          <LabelledInput
            label="Last day (optional)"
            type="date"
            value={expires}
            onChange={setExpires}
          />
        </div>
        <p className="hint">Records are never edited: a correction is a new record.</p>
        <div className="form-actions">
          <button type="submit" className="button button-primary" disabled={busy}>
            {busy ? 'Recording…' : 'Record training'}
          </button>
        </div>
      </form>
    </section>
  );
}

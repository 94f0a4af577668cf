import { useState } from 'react';
import { errorMessage, type GateOutcome, type GateOverview } from '../../api-client.ts';
import { useSession } from '../../session.ts';
import { RequestExceptionDialog } from '../exceptions/request-exception-dialog.tsx';
import { Timestamp } from '../timestamp.tsx';
import { evidenceChecklist, outcomesByUrgency } from './gate-checklist.ts';

type EnvironmentGate = GateOverview['environments'][number];
type Latest = NonNullable<EnvironmentGate['latest']>;

const STATUS_LABEL: Record<string, string> = {
  passed: 'passed',
  failed: 'failed',
  'missing-evidence': 'missing evidence',
  waived: 'waived',
  'pending-approval': 'awaiting approval',
};

interface GatePanelProps {
  releaseTag: string;
  service: string;
  /** Called after an exception was requested from one of this gate's outcomes. */
  onExceptionRequested: () => void;
  gate: EnvironmentGate;
  /** Called with the fresh decision after a re-evaluation. */
  onDecided: (environment: string, latest: Latest) => void;
}

/**
 * One environment's gate: the latest recorded decision, every rule's outcome with its reason,
 * the evidence checklist read off those outcomes, and a button to ask the gate again.
 */
export function GatePanel({
  releaseTag,
  service,
  gate,
  onDecided,
  onExceptionRequested,
}: GatePanelProps) {
  const { client } = useSession();
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const headingId = `gate-${gate.environment}`;
  const latest = gate.latest;

  async function evaluate() {
    setBusy(true);
    setError(null);
    try {
      const answer = await client.decideGate(releaseTag, gate.environment);
      onDecided(gate.environment, {
        decision: answer.decision,
        recordedAt: answer.recordedAt,
        decidedBy: latest && !answer.changed ? latest.decidedBy : 'you, just now',
      });
    } catch (caught) {
      setError(errorMessage(caught));
    } finally {
      setBusy(false);
    }
  }

  const verdict = latest?.decision.decision;
  return (
    <section
      className={`panel gate-panel gate-${verdict ?? 'unknown'}`}
      aria-labelledby={headingId}
      data-environment={gate.environment}
    >
      <div className="gate-head">
        <h3 id={headingId}>
          {gate.environment}{' '}
          <span className={`badge gate-badge gate-badge-${verdict ?? 'unknown'}`}>
            {verdict ?? 'not evaluated'}
          </span>
        </h3>
        <button
          type="button"
          className="button button-small"
          onClick={evaluate}
          disabled={busy}
          aria-label={`Re-evaluate the ${gate.environment} gate`}
        >
          {busy ? 'Evaluating…' : latest ? 'Re-evaluate' : 'Evaluate'}
        </button>
      </div>
      {error && (
        <p role="alert" className="inline-error">
          {error}
        </p>
      )}
      {!gate.inPolicy && (
        <p className="hint">The active policy no longer names this environment.</p>
      )}
      {latest === null ? (
        <p className="muted">
          The gate has not been asked about {gate.environment} yet. Evaluate it to see what the
          policy requires.
        </p>
      ) : (
        <GateDetails
          environment={gate.environment}
          latest={latest}
          releaseTag={releaseTag}
          service={service}
          onExceptionRequested={onExceptionRequested}
        />
      )}
    </section>
  );
}

/** Requirements an exception may waive: rules, evidence and promotions, never approvals. */
export function waivable(outcome: GateOutcome): boolean {
  return (
    (outcome.status === 'failed' || outcome.status === 'missing-evidence') &&
    (outcome.requirement === 'rule' ||
      outcome.requirement === 'evidence' ||
      outcome.requirement === 'promotion')
  );
}

interface GateDetailsProps {
  environment: string;
  latest: Latest;
  releaseTag: string;
  service: string;
  onExceptionRequested: () => void;
}

function GateDetails(props: GateDetailsProps) {
  const { environment, latest, releaseTag, service } = props;
  const { identity } = useSession();
  const [requesting, setRequesting] = useState<GateOutcome | null>(null);
  const [requested, setRequested] = useState<Record<string, string>>({});
  const { decision } = latest;
  // Auditors read only; anyone else may ask (approving is another person's step).
  const mayWrite = identity.roles.some((role) => role !== 'auditor');
  const checklist = evidenceChecklist(decision);
  const outcomes = outcomesByUrgency(decision.outcomes);
  return (
    <>
      <p className="gate-meta">
        Risk class <strong>{decision.riskClass}</strong> ({decision.riskClassSource}) · decided{' '}
        <Timestamp iso={latest.recordedAt} /> by {latest.decidedBy} · policy{' '}
        <code title={decision.policySha256}>{decision.policySha256.slice(0, 12)}</code>
      </p>
      <h4 className="summary-heading">Evidence checklist</h4>
      {checklist.length === 0 ? (
        <p className="muted">The policy asks for no evidence here.</p>
      ) : (
        <ul className="checklist" aria-label={`Evidence checklist for ${environment}`}>
          {checklist.map((item) => (
            <li key={item.kind} className={`check check-${item.status}`} data-kind={item.kind}>
              <span className="check-status">{item.status}</span>
              <span className="kind">{item.kind}</span>
              <span className="check-reason">{item.reason}</span>
            </li>
          ))}
        </ul>
      )}
      <h4 className="summary-heading">Rule outcomes</h4>
      <div className="table-wrap">
        <table className="data-table outcome-table">
          <caption className="visually-hidden">Rule outcomes for {environment}</caption>
          <thead>
            <tr>
              <th scope="col">Requirement</th>
              <th scope="col">Status</th>
              <th scope="col">Reason</th>
              <th scope="col">
                <span className="visually-hidden">Actions</span>
              </th>
            </tr>
          </thead>
          <tbody>
            {outcomes.map((outcome) => (
              <tr key={outcome.id} data-outcome={outcome.id} data-status={outcome.status}>
                <th scope="row">
                  <code>{outcome.id}</code>
                </th>
                <td>
                  <span className={`outcome outcome-${outcome.status}`}>
                    {STATUS_LABEL[outcome.status] ?? outcome.status}
                  </span>
                </td>
                <td className="outcome-reason">
                  {outcome.reason}
                  {outcome.exceptionId && !outcome.reason.includes(outcome.exceptionId) && (
                    <span className="muted">
                      {' '}
                      (exception <code>{outcome.exceptionId}</code>)
                    </span>
                  )}
                </td>
                <td className="outcome-actions">
                  {requested[outcome.id] ? (
                    <span className="muted small">
                      Requested <code>{requested[outcome.id]}</code>
                    </span>
                  ) : (
                    waivable(outcome) &&
                    mayWrite && (
                      <button
                        type="button"
                        className="button button-small"
                        onClick={() => setRequesting(outcome)}
                        aria-label={`Request exception to ${outcome.id} in ${environment}`}
                      >
                        Request exception
                      </button>
                    )
                  )}
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      </div>
      {requesting && (
        <RequestExceptionDialog
          ruleId={requesting.id}
          reason={requesting.reason}
          releaseTag={releaseTag}
          service={service}
          environment={environment}
          onClose={() => setRequesting(null)}
          onRequested={(exception) => {
            setRequested((current) => ({ ...current, [requesting.id]: exception.id }));
            setRequesting(null);
            props.onExceptionRequested();
          }}
        />
      )}
    </>
  );
}

import { useEffect, useState } from 'react';
import {
  errorMessage,
  type GateOverview,
  type Signature,
  type SigningView,
} from '../../api-client.ts';
import { canSign, useSession } from '../../session.ts';
import { ProblemMessage } from '../problem-message.tsx';
import { SignDialog } from './sign-dialog.tsx';
import { utc } from './signature-facts.tsx';

interface ApprovalsSectionProps {
  releaseTag: string;
  gates: GateOverview | null;
  /** Bumped by the page when something changed that a signature covers. */
  generation: number;
  /** Called after a signature was recorded, so the page can ask the gates again. */
  onSigned: () => void;
}

/** Roles whose approval the latest gate decisions still wait for, in any environment. */
export function pendingApprovalRoles(gates: GateOverview | null): string[] {
  const roles = new Set<string>();
  for (const gate of gates?.environments ?? []) {
    for (const outcome of gate.latest?.decision.outcomes ?? []) {
      if (outcome.requirement === 'approval' && outcome.status === 'pending-approval') {
        roles.add(outcome.id.replace(/^approval:/, ''));
      }
    }
  }
  return [...roles].sort();
}

const STATUS_LABEL: Record<NonNullable<Signature['status']>, string> = {
  valid: 'valid',
  'condition-pending': 'condition pending',
  stale: 'stale',
  withdrawn: 'withdrawn',
  lapsed: 'lapsed',
};

/**
 * The approvals of a release: what a signature covers now, an Approve button for each role the
 * gates wait for and the signed-in person holds, and every signature with whether it counts.
 */
export function ApprovalsSection({
  releaseTag,
  gates,
  generation,
  onSigned,
}: ApprovalsSectionProps) {
  const { client, identity } = useSession();
  const [view, setView] = useState<SigningView | null>(null);
  const [error, setError] = useState<string | null>(null);
  const [signing, setSigning] = useState<string | null>(null);
  const [reload, setReload] = useState(0);

  // Without a policy there is nothing to sign (the server answers 409): do not ask.
  const hasPolicy = gates !== null && gates.policy !== null;
  // biome-ignore lint/correctness/useExhaustiveDependencies: generation and reload ask again
  useEffect(() => {
    if (!hasPolicy) return;
    const abort = new AbortController();
    client.getApprovals(releaseTag, abort.signal).then(
      (next) => {
        setView(next);
        setError(null);
      },
      (caught: unknown) => {
        if (!abort.signal.aborted) setError(errorMessage(caught));
      },
    );
    return () => abort.abort();
  }, [client, releaseTag, generation, reload, hasPolicy]);

  const pending = pendingApprovalRoles(gates);
  const mine = pending.filter((role) => identity.roles.includes(role));
  return (
    <section aria-labelledby="approvals-heading" className="panel approvals-section">
      <h2 id="approvals-heading">Approvals</h2>
      {error && <ProblemMessage title="The approvals could not be loaded.">{error}</ProblemMessage>}
      {pending.length === 0 ? (
        <p className="muted">No gate is waiting for an approval.</p>
      ) : (
        <p>
          Waiting for: <strong>{pending.join(', ')}</strong>.{' '}
          {mine.length === 0 && <span className="muted">You hold none of these roles.</span>}
          {mine.length > 0 && !canSign(identity) && (
            <span className="muted">
              Sign in with your username and password to sign; an API token cannot.
            </span>
          )}
        </p>
      )}
      {view && mine.length > 0 && canSign(identity) && (
        <div className="approve-actions">
          {mine.map((role) => (
            <button
              key={role}
              type="button"
              className="button button-primary"
              onClick={() => setSigning(role)}
            >
              Approve as {role}
            </button>
          ))}
        </div>
      )}
      {view && (
        <details className="signing-content">
          <summary className="disclosure">
            What a signature covers now (content hash <code>{view.contentHash.slice(0, 19)}…</code>)
          </summary>
          <ul className="signed-lines">
            {view.lines.map((line) => (
              <li key={line}>
                <code className="signed-line">{line}</code>
              </li>
            ))}
          </ul>
        </details>
      )}
      <h3 className="summary-heading">Signatures</h3>
      {gates !== null && !hasPolicy ? (
        <p className="muted">No policy is active for this service, so nothing is signed yet.</p>
      ) : view === null ? (
        <p className="muted">Loading…</p>
      ) : view.signatures.length === 0 ? (
        <p className="muted">Nobody has signed this release yet.</p>
      ) : (
        <div className="table-wrap">
          <table className="data-table signature-table">
            <caption className="visually-hidden">Signatures of {releaseTag}</caption>
            <thead>
              <tr>
                <th scope="col">Role</th>
                <th scope="col">Signer</th>
                <th scope="col">Meaning</th>
                <th scope="col">Signed (UTC)</th>
                <th scope="col">Status</th>
              </tr>
            </thead>
            <tbody>
              {view.signatures.map((signature) => (
                <tr key={signature.id} data-signature={signature.id} data-status={signature.status}>
                  <th scope="row">
                    {signature.kind === 'withdrawal'
                      ? `${signature.role} (withdrawal)`
                      : signature.role}
                  </th>
                  <td>
                    {signature.signer.fullName} ({signature.signer.username})
                  </td>
                  <td>{signature.meaning}</td>
                  <td>
                    <time dateTime={signature.signedAt}>{utc(signature.signedAt)}</time>
                  </td>
                  <td>
                    <span className={`outcome signature-${signature.status ?? 'unknown'}`}>
                      {signature.status ? STATUS_LABEL[signature.status] : 'recorded'}
                    </span>
                    {signature.statusReason && (
                      <span className="status-reason"> {signature.statusReason}</span>
                    )}
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      )}
      {signing && view && (
        <SignDialog
          releaseTag={releaseTag}
          role={signing}
          view={view}
          onClose={() => setSigning(null)}
          onSigned={() => {
            setReload((n) => n + 1);
            onSigned();
          }}
        />
      )}
    </section>
  );
}

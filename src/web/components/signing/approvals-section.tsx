import { useEffect, useState } from 'react';
import { conditionMeetProblem } from '../../../core/approval/signature.ts';
import {
  type Evidence,
  errorMessage,
  type GateOverview,
  type Signature,
  type SigningView,
} from '../../api-client.ts';
import { canSign, type Identity, useSession } from '../../session.ts';
import { ProblemMessage } from '../problem-message.tsx';
import { Timestamp } from '../timestamp.tsx';
import { ConditionMetDialog } from './condition-met-dialog.tsx';
import { SignDialog } from './sign-dialog.tsx';
import { utc } from './signature-facts.tsx';
import { WithdrawDialog } from './withdraw-dialog.tsx';

interface ApprovalsSectionProps {
  releaseTag: string;
  gates: GateOverview | null;
  /** The release's evidence: a condition is marked met with one of these files. */
  evidence: Evidence[];
  /** Bumped by the page when something changed that a signature covers. */
  generation: number;
  /**
   * Called after a signature, a withdrawal or a met condition was recorded, so the page can ask
   * the gates again.
   */
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

type SignatureRow = SigningView['signatures'][number];
type Conditional = SignatureRow & { condition: NonNullable<Signature['condition']> };

/** A dialog open over the section: sign for a role, withdraw an approval, or meet a condition. */
type Acting =
  | { kind: 'sign'; role: string }
  | { kind: 'withdraw'; approval: SignatureRow }
  | { kind: 'condition'; approval: Conditional };

/** Only the signer withdraws, as a signed act: a person signed in with a password. */
function mayWithdraw(signature: SignatureRow, identity: Identity): boolean {
  return (
    signature.kind === 'approval' &&
    signature.status !== 'withdrawn' &&
    canSign(identity) &&
    signature.signer.username === identity.username
  );
}

/** The condition's owner or its signer, while it is pending (the service's own rule). */
function mayMeet(signature: SignatureRow, identity: Identity): signature is Conditional {
  return (
    signature.status === 'condition-pending' &&
    signature.condition !== null &&
    conditionMeetProblem(signature, identity.username) === undefined
  );
}

/**
 * The approvals of a release: what a signature covers now, an Approve button for each role the
 * gates wait for and the signed-in person holds, and every signature with whether it counts.
 */
export function ApprovalsSection({
  releaseTag,
  gates,
  evidence,
  generation,
  onSigned,
}: ApprovalsSectionProps) {
  const { client, identity } = useSession();
  const [view, setView] = useState<SigningView | null>(null);
  const [error, setError] = useState<string | null>(null);
  const [acting, setActing] = useState<Acting | null>(null);
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

  function recorded() {
    setReload((n) => n + 1);
    onSigned();
  }

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
              onClick={() => setActing({ kind: 'sign', role })}
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
                <th scope="col">
                  <span className="visually-hidden">Actions</span>
                </th>
              </tr>
            </thead>
            <tbody>
              {view.signatures.map((signature) => (
                <SignatureTableRow
                  key={signature.id}
                  signature={signature}
                  canWithdraw={mayWithdraw(signature, identity)}
                  canMeet={mayMeet(signature, identity)}
                  onAct={setActing}
                />
              ))}
            </tbody>
          </table>
        </div>
      )}
      {acting?.kind === 'sign' && view && (
        <SignDialog
          releaseTag={releaseTag}
          role={acting.role}
          view={view}
          onClose={() => setActing(null)}
          onSigned={recorded}
        />
      )}
      {acting?.kind === 'withdraw' && (
        <WithdrawDialog
          approval={acting.approval}
          onClose={() => setActing(null)}
          onWithdrawn={recorded}
        />
      )}
      {acting?.kind === 'condition' && (
        <ConditionMetDialog
          approval={acting.approval}
          evidence={evidence}
          onClose={() => setActing(null)}
          onMet={recorded}
        />
      )}
    </section>
  );
}

interface SignatureTableRowProps {
  signature: SignatureRow;
  canWithdraw: boolean;
  canMeet: boolean;
  onAct: (acting: Acting) => void;
}

/**
 * One signature: who, as what, meaning what, when, and whether it counts now (the word, with
 * the server's reason under it); a condition and a delegation are spelled out. The signer may
 * withdraw it; the condition's owner or signer may mark the condition met.
 */
function SignatureTableRow({ signature, canWithdraw, canMeet, onAct }: SignatureTableRowProps) {
  const status = signature.status;
  const counts = status === 'valid' || status === 'condition-pending';
  return (
    <tr
      data-signature={signature.id}
      data-status={status}
      className={signature.kind === 'approval' && !counts ? 'signature-not-counting' : undefined}
    >
      <th scope="row">
        {signature.role}
        {signature.kind === 'withdrawal' && <span className="status-reason">withdrawal</span>}
      </th>
      <td>
        {signature.signer.fullName} ({signature.signer.username})
        {signature.delegation && (
          <span className="status-reason">for {signature.delegation.onBehalfOf} (delegation)</span>
        )}
      </td>
      <td>
        {signature.meaning}
        {signature.condition && (
          <span className="status-reason">
            Condition: {signature.condition.text} (owner {signature.condition.owner}, by{' '}
            <Timestamp iso={signature.condition.deadline} seconds={false} />)
          </span>
        )}
      </td>
      <td>
        <time dateTime={signature.signedAt}>{utc(signature.signedAt)}</time>
      </td>
      <td>
        {signature.kind === 'withdrawal' ? (
          // A withdrawal counts for nothing itself: it is the record that ended an approval.
          <>
            <span className="badge signature-badge signature-withdrawal">withdrawal</span>
            <span className="status-reason">withdraws {signature.withdraws}</span>
          </>
        ) : (
          <>
            <span className={`badge signature-badge signature-${status ?? 'unknown'}`}>
              {status ? STATUS_LABEL[status] : 'recorded'}
            </span>
            {signature.statusReason && (
              <span className="status-reason">{signature.statusReason}</span>
            )}
          </>
        )}
      </td>
      <td>
        <div className="signature-actions">
          {canMeet && (
            <button
              type="button"
              className="button button-small"
              aria-label={`Mark condition met: ${signature.role} approval by ${signature.signer.username}`}
              onClick={() => onAct({ kind: 'condition', approval: signature as Conditional })}
            >
              Mark condition met…
            </button>
          )}
          {canWithdraw && (
            <button
              type="button"
              className="button button-small"
              aria-label={`Withdraw your ${signature.role} approval`}
              onClick={() => onAct({ kind: 'withdraw', approval: signature })}
            >
              Withdraw…
            </button>
          )}
        </div>
      </td>
    </tr>
  );
}

import { useState } from 'react';
import { type Exception, errorMessage } from '../../api-client.ts';
import { canSign, useSession } from '../../session.ts';
import { utc } from '../signing/signature-facts.tsx';

const STATE_LABEL: Record<NonNullable<Exception['state']>, string> = {
  requested: 'requested',
  active: 'active',
  'expiring-soon': 'expiring soon',
  expired: 'expired',
};

interface ExceptionTableProps {
  items: Exception[];
  caption: string;
  /** Called after an approval, so the owner can reload and ask the gates again. */
  onApproved: (exception: Exception) => void;
  /** Tags to show for release ids the reader knows (the release page knows its own). */
  releaseTags?: Record<string, string>;
}

/** user:quinn reads as quinn; tokens and CI identities keep their prefix. */
function actorName(id: string): string {
  return id.startsWith('user:') ? id.slice('user:'.length) : id;
}

/**
 * Exceptions with their state now; a requested one offers Approve to a signed-in person other
 * than its requester (the server decides whether their role may approve, and says why not).
 */
export function ExceptionTable({ items, caption, onApproved, releaseTags }: ExceptionTableProps) {
  const { client, identity } = useSession();
  const [busy, setBusy] = useState<string | null>(null);
  const [errors, setErrors] = useState<Record<string, string>>({});

  async function approve(exception: Exception) {
    setBusy(exception.id);
    setErrors(({ [exception.id]: _, ...rest }) => rest);
    try {
      onApproved(await client.approveException(exception.id));
    } catch (caught) {
      setErrors((current) => ({ ...current, [exception.id]: errorMessage(caught) }));
    } finally {
      setBusy(null);
    }
  }

  const approver =
    canSign(identity) && identity.roles.some((role) => role !== 'auditor' && role !== 'admin');
  return (
    <div className="table-wrap">
      <table className="data-table exception-table">
        <caption className="visually-hidden">{caption}</caption>
        <thead>
          <tr>
            <th scope="col">Requirement</th>
            <th scope="col">Scope</th>
            <th scope="col">Reason and control</th>
            <th scope="col">Requested</th>
            <th scope="col">Expires (UTC)</th>
            <th scope="col">State</th>
          </tr>
        </thead>
        <tbody>
          {items.map((exception) => {
            // requestedBy names an actor (user:erin); the server refuses self-approval, so offer none.
            const own = identity.id === exception.requestedBy;
            return (
              <tr key={exception.id} data-exception={exception.id} data-state={exception.state}>
                <th scope="row">
                  <code>{exception.ruleId}</code>
                  <div className="muted small">
                    <code className="break">{exception.id}</code>
                  </div>
                </th>
                <td>
                  {exception.scope.releaseId
                    ? `release ${releaseTags?.[exception.scope.releaseId] ?? exception.scope.releaseId}`
                    : `every release of ${exception.scope.service}`}
                  {exception.scope.environment && ` in ${exception.scope.environment}`}
                </td>
                <td>
                  <p className="cell-text">{exception.reason}</p>
                  <p className="cell-text muted">Control: {exception.compensatingControl}</p>
                </td>
                <td>
                  {actorName(exception.requestedBy)}
                  <div className="muted small">{utc(exception.requestedAt)}</div>
                </td>
                <td>{utc(exception.expiresAt)}</td>
                <td>
                  <span className={`outcome exception-${exception.state ?? 'unknown'}`}>
                    {exception.state ? STATE_LABEL[exception.state] : 'recorded'}
                  </span>
                  {exception.approval && (
                    <div className="muted small">
                      approved by {actorName(exception.approval.approvedBy)} as{' '}
                      {exception.approval.role}
                    </div>
                  )}
                  {exception.state === 'requested' && approver && !own && (
                    <button
                      type="button"
                      className="button button-small"
                      disabled={busy === exception.id}
                      onClick={() => approve(exception)}
                      aria-label={`Approve exception ${exception.id} to ${exception.ruleId}`}
                    >
                      {busy === exception.id ? 'Approving…' : 'Approve'}
                    </button>
                  )}
                  {errors[exception.id] && (
                    <p role="alert" className="inline-error">
                      {errors[exception.id]}
                    </p>
                  )}
                </td>
              </tr>
            );
          })}
        </tbody>
      </table>
    </div>
  );
}

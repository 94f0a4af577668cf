import { type FormEvent, useEffect, useId, useState } from 'react';
import { SIGNING_ROLES } from '../../core/access/roles.ts';
import { type DelegationWindow, delegationWindow } from '../../core/approval/delegation.ts';
import { type Delegation, errorMessage, type Person } from '../api-client.ts';
import { LabelledInput } from '../components/labelled-input.tsx';
import { ProblemMessage } from '../components/problem-message.tsx';
import { Timestamp } from '../components/timestamp.tsx';
import { useSession } from '../session.ts';
import { useDocumentTitle } from '../use-document-title.ts';

const DAY_MS = 86_400_000;

/** A date `days` from today, as the yyyy-mm-dd a date input takes. */
function dayFromToday(days: number): string {
  return new Date(Date.now() + days * DAY_MS).toISOString().slice(0, 10);
}

/** Whole days from the start of `from` to the end of `until` (both UTC), or null if unset. */
function daysCovered(from: string, until: string): number | null {
  const start = Date.parse(`${from}T00:00:00Z`);
  const end = Date.parse(`${until}T00:00:00Z`);
  if (!Number.isFinite(start) || !Number.isFinite(end)) return null;
  return Math.round((end - start) / DAY_MS) + 1;
}

const WINDOW_LABEL: Record<DelegationWindow, string> = {
  upcoming: 'upcoming',
  active: 'active now',
  ended: 'ended',
};

/**
 * Backup approvers: the delegations to and from the signed-in person, and a form to delegate one
 * of their signing roles for a window of at most 90 days.
 */
export function DelegationsPage() {
  useDocumentTitle('Delegations');
  const { client, identity } = useSession();
  const [delegations, setDelegations] = useState<Delegation[] | null>(null);
  const [error, setError] = useState<string | null>(null);
  const [created, setCreated] = useState<Delegation | null>(null);
  const [generation, setGeneration] = useState(0);

  // biome-ignore lint/correctness/useExhaustiveDependencies: generation asks again
  useEffect(() => {
    const abort = new AbortController();
    client.listDelegations(abort.signal).then(
      (items) => {
        setDelegations(items);
        setError(null);
      },
      (caught: unknown) => {
        if (!abort.signal.aborted) setError(errorMessage(caught));
      },
    );
    return () => abort.abort();
  }, [client, generation]);

  const me = identity.username;
  const now = new Date();
  const toMe = delegations?.filter((item) => item.delegate === me) ?? [];
  const fromMe = delegations?.filter((item) => item.delegator === me) ?? [];
  return (
    <>
      <div className="page-heading">
        <h1>Delegations</h1>
      </div>
      <p className="muted">
        A delegation names a backup approver: within its window (at most 90 days) they may sign one
        of your roles in your place, with their own password and training. Their signature records
        that it was given for you.
      </p>
      {error && (
        <ProblemMessage title="The delegations could not be loaded.">{error}</ProblemMessage>
      )}
      {me === undefined ? (
        <p className="notice">
          Sign in with your username and password to see and create your delegations; an API token
          is not a person.
        </p>
      ) : (
        <div className="two-columns">
          <DelegationForm
            username={me}
            roles={identity.roles.filter((role) =>
              (SIGNING_ROLES as readonly string[]).includes(role),
            )}
            onCreated={(delegation) => {
              setCreated(delegation);
              setGeneration((n) => n + 1);
            }}
          />
          <div>
            {created && (
              <p className="notice notice-success" role="status" data-delegation={created.id}>
                Recorded {created.id}: {created.delegate} may sign as {created.role} for you from{' '}
                <Timestamp iso={created.startsAt} seconds={false} /> until{' '}
                <Timestamp iso={created.endsAt} seconds={false} />.
              </p>
            )}
            <DelegationTable
              title="From you"
              empty="You have not named a backup approver."
              other="delegate"
              items={fromMe}
              loading={delegations === null}
              now={now}
            />
            <DelegationTable
              title="To you"
              empty="Nobody has named you as their backup approver."
              other="delegator"
              items={toMe}
              loading={delegations === null}
              now={now}
            />
          </div>
        </div>
      )}
    </>
  );
}

interface DelegationFormProps {
  username: string;
  /** The signing roles the person holds: the only ones they can delegate. */
  roles: string[];
  onCreated: (delegation: Delegation) => void;
}

function DelegationForm({ username, roles, onCreated }: DelegationFormProps) {
  const { client } = useSession();
  const ids = { role: useId(), delegate: useId(), reason: useId() };
  const [people, setPeople] = useState<Person[] | null>(null);
  const [peopleError, setPeopleError] = useState<string | null>(null);
  const [role, setRole] = useState(roles[0] ?? '');
  const [delegate, setDelegate] = useState('');
  const [from, setFrom] = useState(dayFromToday(0));
  const [until, setUntil] = useState(dayFromToday(13));
  const [reason, setReason] = useState('');
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | null>(null);

  useEffect(() => {
    const abort = new AbortController();
    client.listPeople(abort.signal).then(setPeople, (caught: unknown) => {
      if (!abort.signal.aborted) setPeopleError(errorMessage(caught));
    });
    return () => abort.abort();
  }, [client]);

  async function submit(event: FormEvent<HTMLFormElement>) {
    event.preventDefault();
    if (!delegate) {
      setError('Choose the backup approver.');
      return;
    }
    if (!from || !until) {
      setError('Choose the first and the last day of the delegation.');
      return;
    }
    setBusy(true);
    setError(null);
    try {
      const delegation = await client.createDelegation({
        role,
        delegate,
        // From the start of the first day to the end of the last (UTC), as exceptions run.
        startsAt: new Date(`${from}T00:00:00Z`).toISOString(),
        endsAt: new Date(`${until}T23:59:59Z`).toISOString(),
        reason: reason.trim(),
      });
      setReason('');
      onCreated(delegation);
    } catch (caught) {
      setError(errorMessage(caught));
    } finally {
      setBusy(false);
    }
  }

  const days = daysCovered(from, until);
  const others = people?.filter((person) => person.username !== username) ?? [];
  return (
    <section aria-labelledby="delegate-heading" className="panel">
      <h2 id="delegate-heading">Name a backup approver</h2>
      {roles.length === 0 ? (
        <p className="muted">
          You hold no signing role, so there is nothing to delegate. Delegations others give you are
          listed here.
        </p>
      ) : (
        <form onSubmit={submit} noValidate className="stacked-form">
          {error && <ProblemMessage title="The delegation was refused.">{error}</ProblemMessage>}
          {peopleError && (
            <ProblemMessage title="The list of people could not be loaded.">
              {peopleError}
            </ProblemMessage>
          )}
          <label htmlFor={ids.role}>Role</label>
          <select id={ids.role} value={role} onChange={(event) => setRole(event.target.value)}>
            {roles.map((held) => (
              <option key={held} value={held}>
                {held}
              </option>
            ))}
          </select>
          <label htmlFor={ids.delegate}>Backup approver</label>
          <select
            id={ids.delegate}
            value={delegate}
            onChange={(event) => setDelegate(event.target.value)}
          >
            <option value="">{people === null ? 'Loading…' : 'Choose a person'}</option>
            {others.map((person) => (
              <option key={person.username} value={person.username}>
                {person.fullName} ({person.username})
              </option>
            ))}
          </select>
          <div className="field-row">
            <LabelledInput label="First day (UTC)" type="date" value={from} onChange={setFrom} />
            <LabelledInput label="Last day (UTC)" type="date" value={until} onChange={setUntil} />
          </div>
          <p className="hint" aria-live="polite">
            {days === null
              ? 'A delegation runs at most 90 days.'
              : days < 1
                ? 'The last day is before the first.'
                : `${days} ${days === 1 ? 'day' : 'days'}, through the end of the last day (at most 90).`}
          </p>
          <label htmlFor={ids.reason}>Reason</label>
          <input
            id={ids.reason}
            type="text"
            placeholder="Holiday, leave, travel…"
            value={reason}
            onChange={(event) => setReason(event.target.value)}
          />
          <div className="form-actions">
            <button type="submit" className="button button-primary" disabled={busy}>
              {busy ? 'Recording…' : 'Record delegation'}
            </button>
          </div>
        </form>
      )}
    </section>
  );
}

interface DelegationTableProps {
  title: string;
  empty: string;
  /** Which person to name: the delegate (delegations from me) or the delegator (to me). */
  other: 'delegate' | 'delegator';
  items: Delegation[];
  loading: boolean;
  now: Date;
}

function DelegationTable({ title, empty, other, items, loading, now }: DelegationTableProps) {
  const headingId = useId();
  return (
    <section aria-labelledby={headingId} className="panel">
      <h2 id={headingId}>{title}</h2>
      {loading ? (
        <p className="muted">Loading…</p>
      ) : items.length === 0 ? (
        <p className="muted">{empty}</p>
      ) : (
        <div className="table-wrap">
          <table className="data-table delegation-table">
            <thead>
              <tr>
                <th scope="col">{other === 'delegate' ? 'Backup approver' : 'For'}</th>
                <th scope="col">Role</th>
                <th scope="col">Window (UTC)</th>
                <th scope="col">Reason</th>
              </tr>
            </thead>
            <tbody>
              {items.map((item) => {
                const window = delegationWindow(item, now);
                return (
                  <tr key={item.id} data-delegation={item.id} data-window={window}>
                    <th scope="row">{item[other]}</th>
                    <td>{item.role}</td>
                    <td>
                      <Timestamp iso={item.startsAt} seconds={false} /> –{' '}
                      <Timestamp iso={item.endsAt} seconds={false} />
                      <span className={`badge window-badge window-${window}`}>
                        {WINDOW_LABEL[window]}
                      </span>
                    </td>
                    <td>{item.reason}</td>
                  </tr>
                );
              })}
            </tbody>
          </table>
        </div>
      )}
    </section>
  );
}

import { useEffect, useState } from 'react';
import { Link, useParams } from 'react-router';
import { mayManageAccounts } from '../../core/access/permissions.ts';
import { ApiError, errorMessage, type User } from '../api-client.ts';
import { NotPermitted } from '../components/not-permitted.tsx';
import { ProblemMessage } from '../components/problem-message.tsx';
import { Timestamp } from '../components/timestamp.tsx';
import { AccountBadge } from '../components/users/account-badge.tsx';
import { DisableUserDialog } from '../components/users/disable-user-dialog.tsx';
import { EligibilityPanel } from '../components/users/eligibility-panel.tsx';
import { RolesPanel } from '../components/users/roles-panel.tsx';
import { TrainingPanel } from '../components/users/training-panel.tsx';
import { useSession } from '../session.ts';
import { useDocumentTitle } from '../use-document-title.ts';

/** One account, for an admin: its record, roles, training, signing eligibility, disabling. */
export function UserPage() {
  const username = useParams().username ?? '';
  useDocumentTitle(username);
  const { identity } = useSession();
  return (
    <>
      <nav aria-label="Breadcrumb" className="breadcrumb">
        <ol>
          <li>
            <Link to="/users">Users</Link>
          </li>
          <li aria-current="page">{username}</li>
        </ol>
      </nav>
      {mayManageAccounts(identity.roles) ? (
        <Account username={username} />
      ) : (
        <NotPermitted
          title={username}
          who="Only an admin manages user accounts."
          identity={identity}
        />
      )}
    </>
  );
}

function Account({ username }: { username: string }) {
  const { client, identity } = useSession();
  const [user, setUser] = useState<User | null>(null);
  const [error, setError] = useState<{ notFound: boolean; detail: string } | null>(null);
  const [generation, setGeneration] = useState(0);
  const [disabling, setDisabling] = useState(false);

  useEffect(() => {
    const abort = new AbortController();
    setUser(null);
    client.getUser(username, abort.signal).then(setUser, (caught: unknown) => {
      if (abort.signal.aborted) return;
      const notFound = caught instanceof ApiError && caught.status === 404;
      setError({ notFound, detail: errorMessage(caught) });
    });
    return () => abort.abort();
  }, [client, username]);

  if (error) {
    return (
      <ProblemMessage
        title={error.notFound ? `No user “${username}”.` : 'The account could not be loaded.'}
      >
        {error.detail}
      </ProblemMessage>
    );
  }
  if (user === null) return <p className="muted">Loading…</p>;
  const changed = (next: User) => {
    setUser(next);
    setGeneration((n) => n + 1);
  };
  const own = user.username === identity.username;
  return (
    <>
      <div className="page-heading">
        <h1>
          {user.fullName} <span className="muted">({user.username})</span>
        </h1>
        <AccountBadge user={user} />
        {user.disabledAt === null && !own && (
          <button
            type="button"
            className="button page-heading-end"
            onClick={() => setDisabling(true)}
          >
            Disable account…
          </button>
        )}
      </div>
      <section aria-labelledby="account-heading" className="panel">
        <h2 id="account-heading">Account</h2>
        <dl className="record">
          <div className="record-field">
            <dt>Username</dt>
            <dd>{user.username}</dd>
          </div>
          <div className="record-field">
            <dt>Full name</dt>
            <dd>{user.fullName}</dd>
          </div>
          <div className="record-field">
            <dt>Created (UTC)</dt>
            <dd>
              <Timestamp iso={user.createdAt} /> by {user.createdBy}
            </dd>
          </div>
          <div className="record-field">
            <dt>Disabled (UTC)</dt>
            <dd>{user.disabledAt ? <Timestamp iso={user.disabledAt} /> : 'no'}</dd>
          </div>
        </dl>
      </section>
      <div className="two-columns">
        <RolesPanel user={user} onChanged={changed} />
        <EligibilityPanel username={user.username} generation={generation} />
      </div>
      <TrainingPanel username={user.username} onRecorded={() => setGeneration((n) => n + 1)} />
      {disabling && (
        <DisableUserDialog
          user={user}
          onClose={() => setDisabling(false)}
          onDisabled={(next) => {
            setDisabling(false);
            changed(next);
          }}
        />
      )}
    </>
  );
}

import { useEffect, useState } from 'react';
import { Link, useNavigate } from 'react-router';
import { mayManageAccounts } from '../../core/access/permissions.ts';
import { errorMessage, type User } from '../api-client.ts';
import { NotPermitted } from '../components/not-permitted.tsx';
import { ProblemMessage } from '../components/problem-message.tsx';
import { Timestamp } from '../components/timestamp.tsx';
import { AccountBadge } from '../components/users/account-badge.tsx';
import { CreateUserDialog } from '../components/users/create-user-dialog.tsx';
import { userPagePath } from '../paths.ts';
import { useSession } from '../session.ts';
import { useDocumentTitle } from '../use-document-title.ts';

/** Every account with its roles and state; admins create accounts here. */
export function UsersPage() {
  useDocumentTitle('Users');
  const { identity } = useSession();
  if (!mayManageAccounts(identity.roles)) {
    return (
      <NotPermitted title="Users" who="Only an admin manages user accounts." identity={identity} />
    );
  }
  return <UserList />;
}

function UserList() {
  const { client } = useSession();
  const navigate = useNavigate();
  const [users, setUsers] = useState<User[] | null>(null);
  const [error, setError] = useState<string | null>(null);
  const [creating, setCreating] = useState(false);

  useEffect(() => {
    const abort = new AbortController();
    client.listUsers(abort.signal).then(setUsers, (caught: unknown) => {
      if (!abort.signal.aborted) setError(errorMessage(caught));
    });
    return () => abort.abort();
  }, [client]);

  return (
    <>
      <div className="page-heading">
        <h1>Users</h1>
        <button
          type="button"
          className="button button-primary page-heading-end"
          onClick={() => setCreating(true)}
        >
          Create user
        </button>
      </div>
      <p className="muted">
        Accounts, their roles and their training. Open an account to grant or revoke a role, record
        training, see whether the person may sign, or disable it.
      </p>
      {error && <ProblemMessage title="The users could not be loaded.">{error}</ProblemMessage>}
      {users === null ? (
        !error && <p className="muted">Loading…</p>
      ) : (
        <div className="table-wrap">
          <table className="data-table user-table">
            <caption className="visually-hidden">Every user account</caption>
            <thead>
              <tr>
                <th scope="col">Username</th>
                <th scope="col">Name</th>
                <th scope="col">Roles</th>
                <th scope="col">State</th>
                <th scope="col">Created (UTC)</th>
              </tr>
            </thead>
            <tbody>
              {users.map((user) => (
                <tr key={user.id} data-user={user.username}>
                  <th scope="row">
                    <Link to={userPagePath(user.username)}>{user.username}</Link>
                  </th>
                  <td>{user.fullName}</td>
                  <td>
                    {user.roles.length === 0 ? (
                      <span className="muted">none</span>
                    ) : (
                      user.roles.join(', ')
                    )}
                  </td>
                  <td>
                    <AccountBadge user={user} />
                  </td>
                  <td>
                    <Timestamp iso={user.createdAt} seconds={false} />{' '}
                    <span className="muted small">by {user.createdBy}</span>
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      )}
      {creating && (
        <CreateUserDialog
          onClose={() => setCreating(false)}
          onCreated={(user) => {
            setCreating(false);
            void navigate(userPagePath(user.username), { state: { created: true } });
          }}
        />
      )}
    </>
  );
}

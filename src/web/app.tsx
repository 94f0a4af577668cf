import { useCallback, useEffect, useRef, useState } from 'react';
import {
  createBrowserRouter,
  Link,
  NavLink,
  Outlet,
  RouterProvider,
  useLocation,
} from 'react-router';
import { mayManageAccounts } from '../core/access/permissions.ts';
import { type ApiClient, ApiError, createApiClient, errorMessage } from './api-client.ts';
import { DelegationsPage } from './pages/delegations-page.tsx';
import { ExceptionsPage } from './pages/exceptions-page.tsx';
import { NotFoundPage } from './pages/not-found-page.tsx';
import { ReleaseListPage } from './pages/release-list-page.tsx';
import { ReleasePage } from './pages/release-page.tsx';
import { RouteErrorPage } from './pages/route-error-page.tsx';
import { SESSION_ENDED, SignInPage, TOKEN_REJECTED } from './pages/sign-in-page.tsx';
import { UserPage } from './pages/user-page.tsx';
import { UsersPage } from './pages/users-page.tsx';
import {
  type Identity,
  readStoredToken,
  type Session,
  SessionContext,
  storeToken,
} from './session.ts';

type SignedIn =
  | { status: 'checking' }
  | { status: 'signed-out'; notice: string | null }
  | { status: 'signed-in'; session: Session; mode: 'password' | 'token' };

/** Asks the server who a client is; null when it does not know (no cookie, or an ended one). */
async function identify(client: ApiClient): Promise<Identity | null> {
  try {
    const actor = await client.whoAmI();
    const username = actor.method === 'session' ? actor.person : undefined;
    const user = username ? await client.getUser(username).catch(() => null) : null;
    return {
      id: actor.id,
      roles: actor.roles,
      username,
      fullName: user?.fullName,
      method: actor.method,
    };
  } catch (error) {
    if (error instanceof ApiError && error.status === 401) return null;
    throw error;
  }
}

/** Header, sign-in gate and the current page. Every route renders inside it. */
function Shell() {
  const [state, setState] = useState<SignedIn>({ status: 'checking' });
  const main = useRef<HTMLElement>(null);
  const { pathname } = useLocation();
  const shownPath = useRef(pathname);

  // A new page replaces the whole view: move focus to it, as a full page load would, so keyboard
  // and screen-reader users start at its top instead of on a link that no longer exists.
  useEffect(() => {
    if (shownPath.current === pathname) return;
    shownPath.current = pathname;
    main.current?.focus();
  }, [pathname]);

  const signOut = useCallback((notice: string | null) => {
    storeToken(null);
    setState({ status: 'signed-out', notice });
  }, []);

  /** Starts with a token (operators) or the session cookie (people); null token = cookie. */
  const start = useCallback(
    async (token: string | null) => {
      // Until the server has said who this is, a 401 is an answer, not a session that ended.
      let live = false;
      const client = createApiClient({
        token,
        onUnauthorized: () => {
          if (live) signOut(token === null ? SESSION_ENDED : TOKEN_REJECTED);
        },
      });
      try {
        const identity = await identify(client);
        if (identity === null) {
          storeToken(null);
          setState({ status: 'signed-out', notice: token === null ? null : TOKEN_REJECTED });
          return;
        }
        live = true;
        storeToken(token);
        setState({
          status: 'signed-in',
          session: { client, identity },
          mode: token === null ? 'password' : 'token',
        });
      } catch (caught) {
        setState({ status: 'signed-out', notice: errorMessage(caught) });
      }
    },
    [signOut],
  );

  // On load: a token this tab kept, else whatever session cookie the browser holds.
  useEffect(() => {
    void start(readStoredToken());
  }, [start]);

  const leave = useCallback(async () => {
    if (state.status === 'signed-in' && state.mode === 'password') {
      // Ends the session on the server and clears its cookie; if that fails we still leave.
      await state.session.client.signOut().catch(() => undefined);
    }
    signOut(null);
  }, [state, signOut]);

  const session = state.status === 'signed-in' ? state.session : null;
  return (
    <>
      <a className="skip-link" href="#main">
        Skip to content
      </a>
      <header className="site-header">
        <div className="site-header-inner">
          <Link to="/" className="brand">
            <img src="/favicon.svg" alt="" width="24" height="24" />
            Dossier
          </Link>
          {session && (
            <nav aria-label="Main" className="site-nav">
              <NavLink to="/" end>
                Releases
              </NavLink>
              <NavLink to="/exceptions">Exceptions</NavLink>
              <NavLink to="/dashboards">Dashboards</NavLink>
              <NavLink to="/delegations">Delegations</NavLink>
              {mayManageAccounts(session.identity.roles) && <NavLink to="/users">Users</NavLink>}
            </nav>
          )}
          {session && <WhoIsSignedIn identity={session.identity} />}
          {session && (
            <button type="button" className="button button-quiet" onClick={leave}>
              Sign out
            </button>
          )}
        </div>
      </header>
      <main id="main" className="site-main" tabIndex={-1} ref={main}>
        {state.status === 'checking' && (
          <p className="muted" aria-live="polite">
            Loading…
          </p>
        )}
        {state.status === 'signed-out' && (
          <SignInPage
            notice={state.notice}
            onSignedIn={() => void start(null)}
            onToken={(token) => void start(token)}
          />
        )}
        {session && (
          <SessionContext.Provider value={session}>
            <Outlet />
          </SessionContext.Provider>
        )}
      </main>
    </>
  );
}

function WhoIsSignedIn({ identity }: { identity: Identity }) {
  const name = identity.username
    ? `${identity.fullName ?? identity.username} (${identity.username})`
    : identity.id;
  return (
    <p className="who" data-testid="signed-in-as">
      <span className="visually-hidden">Signed in as </span>
      <span className="who-name">{name}</span>{' '}
      <span className="who-roles">
        {identity.roles.length === 0 ? 'no roles' : identity.roles.join(', ')}
      </span>
    </p>
  );
}

export function createAppRouter() {
  return createBrowserRouter([
    {
      element: <Shell />,
      errorElement: <RouteErrorPage />,
      children: [
        { index: true, element: <ReleaseListPage /> },
        { path: 'releases/:idOrTag', element: <ReleasePage /> },
        { path: 'exceptions', element: <ExceptionsPage /> },
        { path: 'delegations', element: <DelegationsPage /> },
        { path: 'users', element: <UsersPage /> },
        { path: 'users/:username', element: <UserPage /> },
        {
          path: 'dashboards',
          // The charting library loads with this page only, not with every page.
          lazy: async () => {
            const { DashboardsPage } = await import('./pages/dashboards-page.tsx');
            return { element: <DashboardsPage /> };
          },
        },
        { path: '*', element: <NotFoundPage /> },
      ],
    },
  ]);
}

const router = createAppRouter();

export function App() {
  return <RouterProvider router={router} />;
}

import { useCallback, useEffect, useMemo, useRef, useState } from 'react';
import {
  createBrowserRouter,
  Link,
  NavLink,
  Outlet,
  RouterProvider,
  useLocation,
} from 'react-router';
import { createApiClient } from './api-client.ts';
import { NotFoundPage } from './pages/not-found-page.tsx';
import { ReleaseListPage } from './pages/release-list-page.tsx';
import { ReleasePage } from './pages/release-page.tsx';
import { RouteErrorPage } from './pages/route-error-page.tsx';
import { SignInPage, TOKEN_REJECTED } from './pages/sign-in-page.tsx';
import { readStoredToken, type Session, SessionContext, storeToken } from './session.ts';

/** Header, token gate and the current page. Every route renders inside it. */
function Shell() {
  const [token, setToken] = useState<string | null>(readStoredToken);
  const [notice, setNotice] = useState<string | null>(null);
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

  const signIn = useCallback((accepted: string) => {
    storeToken(accepted);
    setNotice(null);
    setToken(accepted);
  }, []);

  const signOut = useCallback((message: string | null) => {
    storeToken(null);
    setNotice(message);
    setToken(null);
  }, []);

  const session = useMemo<Session | null>(
    () =>
      token === null
        ? null
        : { client: createApiClient({ token, onUnauthorized: () => signOut(TOKEN_REJECTED) }) },
    [token, signOut],
  );

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
              <NavLink to="/dashboards">Dashboards</NavLink>
            </nav>
          )}
          {session && (
            <button type="button" className="button button-quiet" onClick={() => signOut(null)}>
              Sign out
            </button>
          )}
        </div>
      </header>
      <main id="main" className="site-main" tabIndex={-1} ref={main}>
        {session ? (
          <SessionContext.Provider value={session}>
            <Outlet />
          </SessionContext.Provider>
        ) : (
          <SignInPage notice={notice} onSignedIn={signIn} />
        )}
      </main>
    </>
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

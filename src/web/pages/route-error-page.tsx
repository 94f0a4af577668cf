import { isRouteErrorResponse, useRouteError } from 'react-router';

/** Last resort for a page that failed to render: say so plainly and offer a way back. */
export function RouteErrorPage() {
  const error = useRouteError();
  const message = isRouteErrorResponse(error)
    ? `${error.status} ${error.statusText}`
    : error instanceof Error
      ? error.message
      : 'Unknown error';
  return (
    <main id="main" className="site-main">
      <h1>Something went wrong</h1>
      <div role="alert" className="notice notice-error">
        <p>This page could not be shown: {message}</p>
      </div>
      <p>
        <a href="/">Go to the release list</a>
      </p>
    </main>
  );
}

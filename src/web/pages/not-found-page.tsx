import { Link } from 'react-router';
import { useDocumentTitle } from '../use-document-title.ts';

export function NotFoundPage() {
  useDocumentTitle('Page not found');
  return (
    <section>
      <h1>Page not found</h1>
      <p>
        There is no page at this address. <Link to="/">Go to the release list</Link>.
      </p>
    </section>
  );
}

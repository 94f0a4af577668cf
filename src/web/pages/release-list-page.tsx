import { type FormEvent, useEffect, useId, useState } from 'react';
import { Link, useSearchParams } from 'react-router';
import { errorMessage, type Release } from '../api-client.ts';
import { DigestLabel } from '../components/digest-label.tsx';
import { ProblemMessage } from '../components/problem-message.tsx';
import { StateBadge } from '../components/state-badge.tsx';
import { Timestamp } from '../components/timestamp.tsx';
import { releasePath } from '../paths.ts';
import { useSession } from '../session.ts';
import { useDocumentTitle } from '../use-document-title.ts';

const PAGE_SIZE = 50;

interface Listing {
  items: Release[];
  nextCursor: string | null;
}

export function ReleaseListPage() {
  useDocumentTitle('Releases');
  const { client } = useSession();
  const [searchParams, setSearchParams] = useSearchParams();
  const service = searchParams.get('service')?.trim() ?? '';
  const [listing, setListing] = useState<Listing | null>(null);
  const [error, setError] = useState<string | null>(null);
  const [loadingMore, setLoadingMore] = useState(false);

  useEffect(() => {
    const abort = new AbortController();
    setListing(null);
    setError(null);
    client.listReleases({ limit: PAGE_SIZE, service, signal: abort.signal }).then(
      (page) => setListing(page),
      (caught: unknown) => {
        if (!abort.signal.aborted) setError(errorMessage(caught));
      },
    );
    return () => abort.abort();
  }, [client, service]);

  async function loadMore() {
    if (!listing?.nextCursor) return;
    setLoadingMore(true);
    setError(null);
    try {
      const page = await client.listReleases({
        limit: PAGE_SIZE,
        cursor: listing.nextCursor,
        service,
      });
      setListing({ items: [...listing.items, ...page.items], nextCursor: page.nextCursor });
    } catch (caught) {
      setError(errorMessage(caught));
    } finally {
      setLoadingMore(false);
    }
  }

  return (
    <section aria-labelledby="releases-heading">
      <div className="page-heading">
        <h1 id="releases-heading">Releases</h1>
        <ServiceFilter
          key={service}
          service={service}
          onChange={(next) => setSearchParams(next ? { service: next } : {})}
        />
      </div>
      {error && <ProblemMessage>{error}</ProblemMessage>}
      {listing === null && !error && (
        <p className="muted" aria-live="polite">
          Loading releases…
        </p>
      )}
      {listing && listing.items.length === 0 && (
        <div className="empty-state">
          <p>
            {service ? `No releases of “${service}” yet.` : 'No releases yet.'} A pipeline creates
            one with <code>dossier release create</code>, or with <code>POST /v1/releases</code>.
          </p>
        </div>
      )}
      {listing && listing.items.length > 0 && (
        <>
          <ReleaseTable items={listing.items} />
          <div className="list-footer">
            <p className="muted" aria-live="polite">
              Showing {listing.items.length} {listing.items.length === 1 ? 'release' : 'releases'}
              {listing.nextCursor ? '; more are available.' : '.'}
            </p>
            {listing.nextCursor && (
              <button type="button" className="button" onClick={loadMore} disabled={loadingMore}>
                {loadingMore ? 'Loading…' : 'Load more'}
              </button>
            )}
          </div>
        </>
      )}
    </section>
  );
}

function ReleaseTable({ items }: { items: Release[] }) {
  return (
    <div className="table-wrap">
      <table className="data-table release-table">
        <caption className="visually-hidden">Releases, newest first</caption>
        <thead>
          <tr>
            <th scope="col">Tag</th>
            <th scope="col">Service</th>
            <th scope="col">Version</th>
            <th scope="col">Commit</th>
            <th scope="col">State</th>
            <th scope="col" className="numeric">
              Evidence
            </th>
            <th scope="col">Created (UTC)</th>
          </tr>
        </thead>
        <tbody>
          {items.map((release) => (
            <tr key={release.id} data-release-id={release.id}>
              <th scope="row" className="tag-cell">
                <Link to={releasePath(release)}>{release.tag}</Link>
              </th>
              <td>{release.service}</td>
              <td>{release.version}</td>
              <td>
                <DigestLabel
                  value={release.commit}
                  label={`commit of ${release.tag}`}
                  length={10}
                  copy={false}
                />
              </td>
              <td>
                <StateBadge state={release.state} />
              </td>
              <td className="numeric">{release.evidenceCount}</td>
              <td className="nowrap">
                <Timestamp iso={release.createdAt} seconds={false} />
              </td>
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}

function ServiceFilter({
  service,
  onChange,
}: {
  service: string;
  onChange: (service: string) => void;
}) {
  const inputId = useId();
  const [value, setValue] = useState(service);

  function submit(event: FormEvent<HTMLFormElement>) {
    event.preventDefault();
    onChange(value.trim());
  }

  return (
    <search className="filter" aria-label="Filter releases">
      <form className="filter-form" onSubmit={submit}>
        <label htmlFor={inputId}>Service</label>
        <input
          id={inputId}
          type="search"
          name="service"
          placeholder="all services"
          autoComplete="off"
          spellCheck={false}
          value={value}
          onChange={(event) => setValue(event.target.value)}
        />
        <button type="submit" className="button">
          Filter
        </button>
        {service && (
          <button type="button" className="button button-quiet" onClick={() => onChange('')}>
            Clear
          </button>
        )}
      </form>
    </search>
  );
}

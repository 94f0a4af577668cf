import { type FormEvent, useEffect, useId, useState } from 'react';
import { Link, useSearchParams } from 'react-router';
import { errorMessage, type Release, type ReleaseListFilters } from '../api-client.ts';
import { DigestLabel } from '../components/digest-label.tsx';
import { ProblemMessage } from '../components/problem-message.tsx';
import { StateBadge } from '../components/state-badge.tsx';
import { Timestamp } from '../components/timestamp.tsx';
import { releasePath } from '../paths.ts';
import { useSession } from '../session.ts';
import { useDocumentTitle } from '../use-document-title.ts';

const PAGE_SIZE = 50;

const STATES = ['draft', 'candidate', 'approved', 'deployed', 'rejected', 'superseded'] as const;
const GATES = [
  ['blocked', 'blocked'],
  ['allowed', 'allowed'],
  ['none', 'not evaluated'],
] as const;
type Sort = NonNullable<ReleaseListFilters['sort']>;
type Order = NonNullable<ReleaseListFilters['order']>;

/** The filter fields, as the address bar and the API name them. */
const FIELDS = [
  'q',
  'service',
  'state',
  'riskClass',
  'env',
  'gate',
  'pending',
  'sort',
  'order',
] as const;
type Field = (typeof FIELDS)[number];
type FilterValues = Record<Field, string>;

interface Listing {
  items: Release[];
  nextCursor: string | null;
}

function readFilters(params: URLSearchParams): FilterValues {
  return Object.fromEntries(
    FIELDS.map((field) => [field, params.get(field)?.trim() ?? '']),
  ) as FilterValues;
}

/** What the API is asked: empty fields are left out; a gate filter without env means production. */
function toQuery(values: FilterValues): ReleaseListFilters {
  const query: Record<string, string> = {};
  for (const field of FIELDS) if (values[field]) query[field] = values[field];
  if (query.gate && !query.env) query.env = 'production';
  return query as ReleaseListFilters;
}

export function ReleaseListPage() {
  useDocumentTitle('Releases');
  const { client } = useSession();
  const [searchParams, setSearchParams] = useSearchParams();
  const filters = readFilters(searchParams);
  const filterKey = JSON.stringify(filters);
  const [listing, setListing] = useState<Listing | null>(null);
  const [error, setError] = useState<string | null>(null);
  const [loadingMore, setLoadingMore] = useState(false);

  // biome-ignore lint/correctness/useExhaustiveDependencies: filterKey stands for the filters
  useEffect(() => {
    const abort = new AbortController();
    setListing(null);
    setError(null);
    client.listReleases({ limit: PAGE_SIZE, ...toQuery(filters), signal: abort.signal }).then(
      (page) => setListing(page),
      (caught: unknown) => {
        if (!abort.signal.aborted) setError(errorMessage(caught));
      },
    );
    return () => abort.abort();
  }, [client, filterKey]);

  function apply(next: FilterValues) {
    const params: Record<string, string> = {};
    for (const field of FIELDS) if (next[field]) params[field] = next[field];
    setSearchParams(params);
  }

  async function loadMore() {
    if (!listing?.nextCursor) return;
    setLoadingMore(true);
    setError(null);
    try {
      const page = await client.listReleases({
        limit: PAGE_SIZE,
        cursor: listing.nextCursor,
        ...toQuery(filters),
      });
      setListing({ items: [...listing.items, ...page.items], nextCursor: page.nextCursor });
    } catch (caught) {
      setError(errorMessage(caught));
    } finally {
      setLoadingMore(false);
    }
  }

  const filtered = FIELDS.some((field) => field !== 'sort' && field !== 'order' && filters[field]);
  return (
    <section aria-labelledby="releases-heading">
      <div className="page-heading">
        <h1 id="releases-heading">Releases</h1>
      </div>
      <ReleaseFilters key={filterKey} values={filters} onApply={apply} />
      {error && <ProblemMessage>{error}</ProblemMessage>}
      {listing === null && !error && (
        <p className="muted" aria-live="polite">
          Loading releases…
        </p>
      )}
      {listing && listing.items.length === 0 && (
        <div className="empty-state">
          <p>
            {filtered
              ? 'No release matches these filters.'
              : 'No releases yet. A pipeline creates one with '}
            {!filtered && (
              <>
                <code>dossier release create</code>, or with <code>POST /v1/releases</code>.
              </>
            )}
          </p>
        </div>
      )}
      {listing && listing.items.length > 0 && (
        <>
          <ReleaseTable
            items={listing.items}
            sort={(filters.sort || 'created') as Sort}
            order={(filters.order || 'desc') as Order}
            onSort={(sort, order) => apply({ ...filters, sort, order })}
          />
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

const COLUMNS: ReadonlyArray<{ label: string; sort?: Sort; numeric?: boolean }> = [
  { label: 'Tag', sort: 'tag' },
  { label: 'Service', sort: 'service' },
  { label: 'Version' },
  { label: 'Commit' },
  { label: 'State' },
  { label: 'Evidence', sort: 'evidence', numeric: true },
  { label: 'Created (UTC)', sort: 'created' },
];

function ReleaseTable({
  items,
  sort,
  order,
  onSort,
}: {
  items: Release[];
  sort: Sort;
  order: Order;
  onSort: (sort: Sort, order: Order) => void;
}) {
  return (
    <div className="table-wrap">
      <table className="data-table release-table">
        <caption className="visually-hidden">
          Releases, sorted by {sort} {order === 'asc' ? 'ascending' : 'descending'}
        </caption>
        <thead>
          <tr>
            {COLUMNS.map((column) => {
              const active = column.sort !== undefined && column.sort === sort;
              const ariaSort = active ? (order === 'asc' ? 'ascending' : 'descending') : undefined;
              return (
                <th
                  key={column.label}
                  scope="col"
                  className={column.numeric ? 'numeric' : undefined}
                  aria-sort={ariaSort}
                >
                  {column.sort ? (
                    <button
                      type="button"
                      className="sort-button"
                      onClick={() =>
                        onSort(
                          column.sort as Sort,
                          active && order === 'desc'
                            ? 'asc'
                            : active
                              ? 'desc'
                              : column.sort === 'created' || column.sort === 'evidence'
                                ? 'desc'
                                : 'asc',
                        )
                      }
                    >
                      {column.label}
                      <span aria-hidden="true" className="sort-mark">
                        {active ? (order === 'asc' ? '▲' : '▼') : '↕'}
                      </span>
                    </button>
                  ) : (
                    column.label
                  )}
                </th>
              );
            })}
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

function ReleaseFilters({
  values,
  onApply,
}: {
  values: FilterValues;
  onApply: (values: FilterValues) => void;
}) {
  const id = useId();
  const [draft, setDraft] = useState(values);
  const set = (field: Field) => (event: { target: { value: string } }) =>
    setDraft({ ...draft, [field]: event.target.value });

  function submit(event: FormEvent<HTMLFormElement>) {
    event.preventDefault();
    onApply({ ...draft, q: draft.q.trim(), service: draft.service.trim() });
  }

  const cleared = {
    ...values,
    q: '',
    service: '',
    state: '',
    riskClass: '',
    env: '',
    gate: '',
    pending: '',
  };
  const any = Object.entries(values).some(([k, v]) => k !== 'sort' && k !== 'order' && v);
  return (
    <search className="filter" aria-label="Filter releases">
      <form className="filter-grid" onSubmit={submit}>
        <div className="field field-wide">
          <label htmlFor={`${id}-q`}>Search</label>
          <input
            id={`${id}-q`}
            type="search"
            name="q"
            placeholder="tag, commit or CHG-n"
            autoComplete="off"
            spellCheck={false}
            value={draft.q}
            onChange={set('q')}
          />
        </div>
        <div className="field">
          <label htmlFor={`${id}-service`}>Service</label>
          <input
            id={`${id}-service`}
            type="search"
            name="service"
            placeholder="all services"
            autoComplete="off"
            spellCheck={false}
            value={draft.service}
            onChange={set('service')}
          />
        </div>
        <div className="field">
          <label htmlFor={`${id}-state`}>State</label>
          <select id={`${id}-state`} value={draft.state} onChange={set('state')}>
            <option value="">any</option>
            {STATES.map((state) => (
              <option key={state} value={state}>
                {state}
              </option>
            ))}
          </select>
        </div>
        <div className="field">
          <label htmlFor={`${id}-risk`}>Risk class</label>
          <input
            id={`${id}-risk`}
            type="text"
            name="riskClass"
            placeholder="any"
            autoComplete="off"
            spellCheck={false}
            value={draft.riskClass}
            onChange={set('riskClass')}
          />
        </div>
        <div className="field">
          <label htmlFor={`${id}-env`}>Environment</label>
          <input
            id={`${id}-env`}
            type="text"
            name="env"
            placeholder="production"
            autoComplete="off"
            spellCheck={false}
            value={draft.env}
            onChange={set('env')}
          />
        </div>
        <div className="field">
          <label htmlFor={`${id}-gate`}>Latest gate</label>
          <select id={`${id}-gate`} value={draft.gate} onChange={set('gate')}>
            <option value="">any</option>
            {GATES.map(([value, label]) => (
              <option key={value} value={value}>
                {label}
              </option>
            ))}
          </select>
        </div>
        <div className="field field-check">
          <label htmlFor={`${id}-pending`}>
            <input
              id={`${id}-pending`}
              type="checkbox"
              checked={draft.pending === 'mine'}
              onChange={(event) =>
                setDraft({ ...draft, pending: event.target.checked ? 'mine' : '' })
              }
            />{' '}
            Pending my approval
          </label>
        </div>
        <div className="filter-actions">
          <button type="submit" className="button button-primary">
            Filter
          </button>
          {any && (
            <button type="button" className="button button-quiet" onClick={() => onApply(cleared)}>
              Clear
            </button>
          )}
        </div>
      </form>
    </search>
  );
}

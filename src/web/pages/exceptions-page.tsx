import { type FormEvent, useEffect, useId, useState } from 'react';
import { useSearchParams } from 'react-router';
import {
  type ExceptionList,
  type ExceptionState,
  errorMessage,
  type ListExceptionsOptions,
} from '../api-client.ts';
import { ExceptionTable } from '../components/exceptions/exception-table.tsx';
import { ProblemMessage } from '../components/problem-message.tsx';
import { useSession } from '../session.ts';
import { useDocumentTitle } from '../use-document-title.ts';

const AGING: { key: keyof ExceptionList['aging']; label: string; hint: string }[] = [
  { key: 'requested', label: 'Requested', hint: 'waiting for an approver' },
  { key: 'active', label: 'Active', hint: 'approved and counting' },
  { key: 'expiringSoon', label: 'Expiring soon', hint: 'within 7 days' },
  { key: 'expired', label: 'Expired', hint: 'no longer counting' },
];

const STATES: { value: ExceptionState | ''; label: string }[] = [
  { value: '', label: 'any' },
  { value: 'requested', label: 'requested' },
  { value: 'active', label: 'active' },
  { value: 'expiring-soon', label: 'expiring soon' },
  { value: 'expired', label: 'expired' },
];

const PAGE_SIZE = 50;

interface Filters {
  release: string;
  state: ExceptionState | '';
}

function readFilters(params: URLSearchParams): Filters {
  const state = params.get('state') ?? '';
  return {
    release: params.get('release')?.trim() ?? '',
    state: STATES.some((s) => s.value === state) ? (state as ExceptionState | '') : '',
  };
}

/**
 * Exceptions newest first, in pages, filtered on the server by release and state; and how many
 * the release filter matches are in each state (aging).
 */
export function ExceptionsPage() {
  useDocumentTitle('Exceptions');
  const { client } = useSession();
  const [params, setParams] = useSearchParams();
  const filters = readFilters(params);
  const key = JSON.stringify(filters);
  const [list, setList] = useState<ExceptionList | null>(null);
  const [error, setError] = useState<string | null>(null);
  const [loadingMore, setLoadingMore] = useState(false);
  const [generation, setGeneration] = useState(0);

  const query = (extra: ListExceptionsOptions): ListExceptionsOptions => ({
    limit: PAGE_SIZE,
    ...(filters.release ? { release: filters.release } : {}),
    ...(filters.state ? { state: filters.state } : {}),
    ...extra,
  });

  // biome-ignore lint/correctness/useExhaustiveDependencies: key stands for the filters; generation asks again
  useEffect(() => {
    const abort = new AbortController();
    setList(null);
    setError(null);
    client.listExceptions(query({ signal: abort.signal })).then(setList, (caught: unknown) => {
      if (!abort.signal.aborted) setError(errorMessage(caught));
    });
    return () => abort.abort();
  }, [client, key, generation]);

  async function loadMore() {
    if (!list?.nextCursor) return;
    setLoadingMore(true);
    try {
      const next = await client.listExceptions(query({ cursor: list.nextCursor }));
      setList({ ...next, items: [...list.items, ...next.items] });
    } catch (caught) {
      setError(errorMessage(caught));
    } finally {
      setLoadingMore(false);
    }
  }

  const filtered = filters.release !== '' || filters.state !== '';
  return (
    <>
      <div className="page-heading">
        <h1>Exceptions</h1>
      </div>
      <p className="muted">
        Controlled deviations from one policy requirement. Request one from the rule that failed on
        a release page; another person with an approver role approves it here or there.
      </p>
      <ExceptionFilters
        key={key}
        values={filters}
        onApply={(next) =>
          setParams({
            ...(next.release ? { release: next.release } : {}),
            ...(next.state ? { state: next.state } : {}),
          })
        }
      />
      {error && (
        <ProblemMessage title="The exceptions could not be loaded.">{error}</ProblemMessage>
      )}
      {list === null && !error && (
        <p className="muted" aria-live="polite">
          Loading exceptions…
        </p>
      )}
      {list && (
        <>
          <p className="muted tiles-caption">
            {filters.release
              ? `State now of every exception that applies to ${filters.release}:`
              : 'State now of every exception:'}
          </p>
          <dl
            className="tiles"
            aria-label={
              filters.release ? `Exception aging for ${filters.release}` : 'Exception aging'
            }
          >
            {AGING.map(({ key: state, label, hint }) => (
              <div key={state} className="tile" data-aging={state}>
                <dt>{label}</dt>
                <dd>
                  <span className="tile-value">{list.aging[state]}</span>
                  <span className="tile-note">{hint}</span>
                </dd>
              </div>
            ))}
          </dl>
          {list.items.length === 0 ? (
            <div className="empty-state">
              <p>
                {filtered
                  ? 'No exception matches these filters.'
                  : 'No exception has been requested.'}
              </p>
            </div>
          ) : (
            <>
              <ExceptionTable
                items={list.items}
                caption={
                  filtered
                    ? 'Exceptions matching the filters, newest first'
                    : 'Exceptions, newest first'
                }
                onApproved={() => setGeneration((n) => n + 1)}
              />
              <div className="list-footer">
                <p className="muted" aria-live="polite">
                  Showing {list.items.length} {list.items.length === 1 ? 'exception' : 'exceptions'}
                  {list.nextCursor ? '; more are available.' : '.'}
                </p>
                {list.nextCursor && (
                  <button
                    type="button"
                    className="button"
                    onClick={loadMore}
                    disabled={loadingMore}
                  >
                    {loadingMore ? 'Loading…' : 'Load more'}
                  </button>
                )}
              </div>
            </>
          )}
        </>
      )}
    </>
  );
}

function ExceptionFilters({
  values,
  onApply,
}: {
  values: Filters;
  onApply: (filters: Filters) => void;
}) {
  const id = useId();
  const [draft, setDraft] = useState(values);
  function submit(event: FormEvent<HTMLFormElement>) {
    event.preventDefault();
    onApply({ ...draft, release: draft.release.trim() });
  }
  return (
    <search className="filter" aria-label="Filter exceptions">
      <form className="filter-grid" onSubmit={submit}>
        <div className="field field-wide">
          <label htmlFor={`${id}-release`}>Release</label>
          <input
            id={`${id}-release`}
            type="search"
            placeholder="tag or id"
            autoComplete="off"
            spellCheck={false}
            value={draft.release}
            onChange={(event) => setDraft({ ...draft, release: event.target.value })}
          />
        </div>
        <div className="field">
          <label htmlFor={`${id}-state`}>State now</label>
          <select
            id={`${id}-state`}
            value={draft.state}
            onChange={(event) =>
              setDraft({ ...draft, state: event.target.value as ExceptionState | '' })
            }
          >
            {STATES.map((state) => (
              <option key={state.value} value={state.value}>
                {state.label}
              </option>
            ))}
          </select>
        </div>
        <div className="filter-actions">
          <button type="submit" className="button button-primary">
            Filter
          </button>
          {(values.release || values.state) && (
            <button
              type="button"
              className="button button-quiet"
              onClick={() => onApply({ release: '', state: '' })}
            >
              Clear
            </button>
          )}
        </div>
      </form>
    </search>
  );
}

import { type ReactNode, useState } from 'react';
import { formatCount } from './summary-data.ts';

interface PagedProps<T> {
  items: readonly T[];
  /** Plural noun for the footer: "cases", "findings". */
  noun: string;
  pageSize?: number;
  /** Renders one page; `offset` is the index of its first item in `items`. */
  children: (page: readonly T[], offset: number) => ReactNode;
}

/**
 * A long list a page at a time: a summary may list 100,000 test cases, and the page must stay
 * quick to render and to read. The footer says how many more there are.
 */
export function Paged<T>({ items, noun, pageSize = 50, children }: PagedProps<T>) {
  const [page, setPage] = useState(0);
  const pages = Math.max(1, Math.ceil(items.length / pageSize));
  const current = Math.min(page, pages - 1);
  const start = current * pageSize;
  const shown = items.slice(start, start + pageSize);
  const end = start + shown.length;
  const after = items.length - end;
  return (
    <>
      {children(shown, start)}
      {pages > 1 && (
        <div className="pager">
          <p className="pager-status" aria-live="polite">
            Showing {formatCount(start + 1)}–{formatCount(end)} of {formatCount(items.length)}{' '}
            {noun}
            {after > 0 && <span className="pager-more"> · {formatCount(after)} more</span>}
          </p>
          <div className="pager-buttons">
            <button
              type="button"
              className="button button-small"
              disabled={current === 0}
              onClick={() => setPage(current - 1)}
            >
              Previous {pageSize}
            </button>
            <button
              type="button"
              className="button button-small"
              disabled={current >= pages - 1}
              onClick={() => setPage(current + 1)}
            >
              Next {Math.min(pageSize, after)}
            </button>
          </div>
        </div>
      )}
    </>
  );
}

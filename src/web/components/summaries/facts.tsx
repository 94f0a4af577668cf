import type { ReactNode } from 'react';

/**
 * Name–value pairs: short values in columns that wrap at narrow widths (`tiles`), long ones
 * (URLs, digests) one pair a line with the name beside the value (`rows`).
 */
export function Facts({
  children,
  layout = 'tiles',
}: {
  children: ReactNode;
  layout?: 'tiles' | 'rows';
}) {
  return <dl className={`facts facts-${layout}`}>{children}</dl>;
}

/** One pair; renders nothing when there is no value, so views need not test every field. */
export function Fact({ name, children }: { name: string; children: ReactNode }) {
  if (children === null || children === undefined || children === '') return null;
  return (
    <div className="fact">
      <dt>{name}</dt>
      <dd>{children}</dd>
    </div>
  );
}

/** A titled part of a summary's details. */
export function SummarySection({
  title,
  children,
  extra,
}: {
  /** Words, or a disclosure button for a part shown on request. */
  title: ReactNode;
  children: ReactNode;
  /** Beside the title: a count, a toggle. */
  extra?: ReactNode;
}) {
  return (
    <section className="summary-section">
      <h3 className="summary-heading">
        {title}
        {extra}
      </h3>
      {children}
    </section>
  );
}

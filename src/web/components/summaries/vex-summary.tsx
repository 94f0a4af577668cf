import { useMemo } from 'react';
import { Timestamp } from '../timestamp.tsx';
import { type ChipCount, CountChips, ToneBadge } from './count-chips.tsx';
import { Fact, Facts, SummarySection } from './facts.tsx';
import type { KindView, SummaryProps } from './kind-view.ts';
import { Paged } from './paged.tsx';
import {
  byRankDescending,
  countAt,
  formatCount,
  type JsonObject,
  numberAt,
  objectsAt,
  plural,
  textAt,
  textsAt,
} from './summary-data.ts';
import type { Tone } from './tone.ts';

/** The four VEX statuses, in the order a reviewer acts on them; `key` is the summary's count. */
const STATUSES: ReadonlyArray<{ status: string; key: string; label: string; tone: Tone }> = [
  { status: 'affected', key: 'affected', label: 'affected', tone: 'danger' },
  {
    status: 'under_investigation',
    key: 'underInvestigation',
    label: 'under investigation',
    tone: 'warning',
  },
  { status: 'fixed', key: 'fixed', label: 'fixed', tone: 'success' },
  { status: 'not_affected', key: 'notAffected', label: 'not affected', tone: 'info' },
];
const PRODUCTS_SHOWN = 3;

function statusCounts(summary: JsonObject): ChipCount[] {
  return STATUSES.map(({ key, label, tone }) => ({
    key,
    label,
    tone,
    value: countAt(summary, key),
  }));
}

function statusOf(status: string | null) {
  return STATUSES.find((entry) => entry.status === status);
}

function Headline({ summary }: SummaryProps) {
  return (
    <>
      <CountChips label="VEX statements by status" counts={statusCounts(summary)} />
      <span className="headline-note">{plural(countAt(summary, 'total'), 'statement')}</span>
      {textAt(summary, 'author') && (
        <span className="headline-note muted">by {textAt(summary, 'author')}</span>
      )}
    </>
  );
}

function Details({ summary }: SummaryProps) {
  const statements = useMemo(
    () =>
      byRankDescending(objectsAt(summary, 'statements'), (statement) => {
        const index = STATUSES.findIndex((entry) => entry.status === textAt(statement, 'status'));
        return index < 0 ? 0 : STATUSES.length - index;
      }),
    [summary],
  );
  const omitted = countAt(summary, 'statementsOmitted');
  return (
    <>
      <SummarySection title="Statements by status">
        <CountChips label="VEX statements by status" counts={statusCounts(summary)} />
        <Facts>
          <Fact name="Document format">
            {[textAt(summary, 'format'), textAt(summary, 'specVersion')].filter(Boolean).join(' ')}
          </Fact>
          <Fact name="Author">{textAt(summary, 'author')}</Fact>
          <Fact name="Issued">
            {textAt(summary, 'timestamp') ? (
              <Timestamp iso={textAt(summary, 'timestamp') ?? ''} />
            ) : null}
          </Fact>
          <Fact name="Document version">
            {numberAt(summary, 'version') === null ? null : String(numberAt(summary, 'version'))}
          </Fact>
          <Fact name="Document id">{textAt(summary, 'documentId')}</Fact>
        </Facts>
      </SummarySection>
      <SummarySection
        title="Statements, affected first"
        extra={<span className="count">{formatCount(countAt(summary, 'total'))}</span>}
      >
        {statements.length === 0 ? (
          <p className="muted">The document makes no statements.</p>
        ) : (
          <Paged items={statements} noun="statements">
            {(page) => <StatementTable statements={page} />}
          </Paged>
        )}
        {omitted > 0 && (
          <p className="muted">
            {plural(omitted, 'more statement')} counted but not listed in the summary.
          </p>
        )}
      </SummarySection>
    </>
  );
}

function StatementTable({ statements }: { statements: readonly JsonObject[] }) {
  return (
    <div className="detail-table-wrap">
      <table className="detail-table statement-table">
        <caption className="visually-hidden">VEX statements</caption>
        <thead>
          <tr>
            <th scope="col" className="col-id">
              Vulnerability
            </th>
            <th scope="col" className="col-status-wide">
              Status
            </th>
            <th scope="col">Products</th>
            <th scope="col">Justification and notes</th>
          </tr>
        </thead>
        <tbody>
          {statements.map((statement, index) => {
            const status = textAt(statement, 'status');
            const known = statusOf(status);
            const original = textAt(statement, 'originalStatus');
            const aliases = textsAt(statement, 'aliases');
            const products = objectsAt(statement, 'products');
            const notes = [
              textAt(statement, 'justification')?.replaceAll('_', ' '),
              textAt(statement, 'impactStatement'),
              textAt(statement, 'actionStatement'),
              textsAt(statement, 'responses').length > 0
                ? `Response: ${textsAt(statement, 'responses').join(', ').replaceAll('_', ' ')}`
                : null,
            ].filter((note): note is string => typeof note === 'string' && note !== '');
            return (
              // biome-ignore lint/suspicious/noArrayIndexKey: a vulnerability may have several statements
              <tr key={index}>
                <td className="vulnerability-id">
                  <code className="wrap-code">{textAt(statement, 'vulnerability') ?? '—'}</code>
                  {aliases.length > 0 && (
                    <span className="case-where">also {aliases.join(', ')}</span>
                  )}
                </td>
                <td>
                  <ToneBadge tone={known?.tone ?? 'neutral'}>
                    {known?.label ?? status ?? '—'}
                  </ToneBadge>
                  {original && original !== status && (
                    <span className="case-where">as “{original.replaceAll('_', ' ')}”</span>
                  )}
                </td>
                <td className="product-list">
                  {products.slice(0, PRODUCTS_SHOWN).map((product, productIndex) => (
                    // biome-ignore lint/suspicious/noArrayIndexKey: product ids may repeat
                    <code className="wrap-code" key={productIndex}>
                      {textAt(product, 'id') ?? '—'}
                    </code>
                  ))}
                  {products.length > PRODUCTS_SHOWN && (
                    <span className="muted">
                      and {plural(products.length - PRODUCTS_SHOWN, 'more product')}
                    </span>
                  )}
                </td>
                <td>
                  {notes.length === 0 ? (
                    <span className="muted">—</span>
                  ) : (
                    notes.map((note, noteIndex) => (
                      // biome-ignore lint/suspicious/noArrayIndexKey: fixed order
                      <p key={noteIndex} className="statement-note">
                        {note}
                      </p>
                    ))
                  )}
                </td>
              </tr>
            );
          })}
        </tbody>
      </table>
    </div>
  );
}

export const vexView: KindView = { Headline, Details };

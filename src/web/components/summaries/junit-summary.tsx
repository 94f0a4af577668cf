import { useMemo, useState } from 'react';
import { ProportionBar } from './bars.tsx';
import { type ChipCount, CountChips, ToneBadge } from './count-chips.tsx';
import { Fact, Facts, SummarySection } from './facts.tsx';
import type { KindView, SummaryProps } from './kind-view.ts';
import { LongText } from './long-text.tsx';
import { Paged } from './paged.tsx';
import {
  countAt,
  formatCount,
  formatDuration,
  type JsonObject,
  numberAt,
  objectsAt,
  plural,
  textAt,
} from './summary-data.ts';
import type { Tone } from './tone.ts';

const OUTCOMES: ReadonlyArray<{ key: string; label: string; tone: Tone }> = [
  { key: 'failed', label: 'failed', tone: 'danger' },
  { key: 'errored', label: 'errored', tone: 'caution' },
  { key: 'skipped', label: 'skipped', tone: 'neutral' },
  { key: 'passed', label: 'passed', tone: 'success' },
];

const STATUS_TONES: Readonly<Record<string, Tone>> = {
  failed: 'danger',
  errored: 'caution',
  skipped: 'neutral',
  passed: 'success',
};

function outcomeCounts(summary: JsonObject): ChipCount[] {
  return OUTCOMES.map((outcome) => ({ ...outcome, value: countAt(summary, outcome.key) }));
}

function isProblem(testCase: JsonObject): boolean {
  const status = textAt(testCase, 'status');
  return status === 'failed' || status === 'errored';
}

function splitCases(cases: readonly JsonObject[]) {
  const problems: JsonObject[] = [];
  const others: JsonObject[] = [];
  for (const testCase of cases) (isProblem(testCase) ? problems : others).push(testCase);
  return { problems, others };
}

function Headline({ summary }: SummaryProps) {
  const counts = outcomeCounts(summary);
  const duration = numberAt(summary, 'durationSeconds');
  return (
    <>
      <ProportionBar parts={counts} size="small" />
      <CountChips label="Test cases by outcome" counts={counts} />
      <span className="headline-note">
        {plural(countAt(summary, 'tests'), 'test')}
        {duration !== null && ` in ${formatDuration(duration)}`}
      </span>
    </>
  );
}

function Details({ summary }: SummaryProps) {
  // One pass over up to 100,000 cases, redone only when the summary changes.
  const { problems, others } = useMemo(() => splitCases(objectsAt(summary, 'cases')), [summary]);
  const [showOthers, setShowOthers] = useState(false);
  const counts = outcomeCounts(summary);
  const flaky = countAt(summary, 'flaky');
  const duration = numberAt(summary, 'durationSeconds');
  const failedOrErrored = countAt(summary, 'failed') + countAt(summary, 'errored');
  const problemsUnlisted = Math.max(0, failedOrErrored - problems.length);
  const omitted = countAt(summary, 'casesOmitted');

  return (
    <>
      <SummarySection title="Totals">
        <ProportionBar parts={counts} />
        <CountChips
          label="Test cases by outcome"
          counts={[
            ...counts,
            {
              key: 'flaky',
              label: 'flaky (passed on re-run)',
              tone: 'warning' as const,
              value: flaky,
            },
          ].filter((count) => count.key !== 'flaky' || count.value > 0)}
        />
        <Facts>
          <Fact name="Test cases">{formatCount(countAt(summary, 'tests'))}</Fact>
          <Fact name="Duration">{duration === null ? null : formatDuration(duration)}</Fact>
          <Fact name="Suites">
            {numberAt(summary, 'suites') === null ? null : formatCount(countAt(summary, 'suites'))}
          </Fact>
        </Facts>
      </SummarySection>

      <SummarySection
        title="Failed and errored cases"
        extra={<span className="count">{formatCount(failedOrErrored)}</span>}
      >
        {failedOrErrored === 0 ? (
          <p className="all-clear">No test case failed or errored.</p>
        ) : (
          <Paged items={problems} noun="failed or errored cases">
            {(page) => <CaseTable cases={page} caption="Failed and errored test cases" />}
          </Paged>
        )}
        {problemsUnlisted > 0 && (
          <p className="muted">
            {plural(
              problemsUnlisted,
              'more failed or errored case',
              'more failed or errored cases',
            )}{' '}
            counted in the totals but not listed in the summary.
          </p>
        )}
      </SummarySection>

      {others.length > 0 && (
        <SummarySection
          title={
            // The heading is the disclosure: its label stays put while aria-expanded changes.
            <button
              type="button"
              className="disclosure"
              aria-expanded={showOthers}
              onClick={() => setShowOthers(!showOthers)}
            >
              <span className="disclosure-icon" aria-hidden="true" />
              Passed and skipped cases
            </button>
          }
          extra={<span className="count">{formatCount(others.length)}</span>}
        >
          {showOthers && (
            <Paged items={others} noun="passed and skipped cases">
              {(page) => <CaseTable cases={page} caption="Passed and skipped test cases" />}
            </Paged>
          )}
        </SummarySection>
      )}
      {omitted > 0 && (
        <p className="muted">
          {plural(omitted, 'case')} in all are counted in the totals but not listed (the summary's
          list is bounded).
        </p>
      )}
    </>
  );
}

function CaseTable({ cases, caption }: { cases: readonly JsonObject[]; caption: string }) {
  return (
    <div className="detail-table-wrap">
      <table className="detail-table case-table">
        <caption className="visually-hidden">{caption}</caption>
        <thead>
          <tr>
            <th scope="col" className="col-status">
              Outcome
            </th>
            <th scope="col" className="col-case">
              Test case
            </th>
            <th scope="col" className="col-time numeric">
              Time
            </th>
            <th scope="col">Message</th>
          </tr>
        </thead>
        <tbody>
          {cases.map((testCase, index) => (
            // Cases have no id; names repeat across suites and re-runs.
            // biome-ignore lint/suspicious/noArrayIndexKey: a page is replaced whole, never reordered
            <CaseRow key={index} testCase={testCase} />
          ))}
        </tbody>
      </table>
    </div>
  );
}

function CaseRow({ testCase }: { testCase: JsonObject }) {
  const status = textAt(testCase, 'status') ?? 'unknown';
  const name = textAt(testCase, 'name') ?? '(unnamed)';
  const className = textAt(testCase, 'className');
  const suite = textAt(testCase, 'suite');
  const where = [suite, className !== suite ? className : null].filter(Boolean).join(' › ');
  const time = numberAt(testCase, 'timeSeconds');
  const message = textAt(testCase, 'message');
  const type = textAt(testCase, 'type');
  return (
    <tr data-status={status}>
      <td>
        <ToneBadge tone={STATUS_TONES[status] ?? 'neutral'}>{status}</ToneBadge>
        {testCase.flaky === true && <ToneBadge tone="warning">flaky</ToneBadge>}
      </td>
      <td className="case-name">
        <span className="case-title">{name}</span>
        {where && <span className="case-where">{where}</span>}
      </td>
      <td className="numeric nowrap">{time === null ? '—' : formatDuration(time)}</td>
      <td className="case-message">
        {type && <code className="case-type">{type}</code>}
        {message ? (
          <LongText text={message} lines={3} code what={`message of ${name}`} />
        ) : (
          !type && <span className="muted">—</span>
        )}
      </td>
    </tr>
  );
}

export const junitView: KindView = { Headline, Details };

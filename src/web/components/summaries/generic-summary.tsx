import { Fact, Facts, SummarySection } from './facts.tsx';
import type { KindView, SummaryProps } from './kind-view.ts';
import { formatCount, isObject } from './summary-data.ts';

/** Top-level figures of a summary as name–value pairs; lists and objects only by their size. */
function figures(summary: SummaryProps['summary']): Array<[string, string]> {
  const out: Array<[string, string]> = [];
  for (const [key, value] of Object.entries(summary)) {
    if (key === 'warnings') continue;
    if (typeof value === 'number') out.push([key, formatCount(value)]);
    else if (typeof value === 'string' || typeof value === 'boolean')
      out.push([key, String(value)]);
    else if (Array.isArray(value)) out.push([key, `${formatCount(value.length)} entries`]);
    else if (isObject(value)) out.push([key, describeObject(value)]);
  }
  return out;
}

/** `{ total: 10, passed: 9 }` → "total 10 · passed 9"; deeper values only by their size. */
function describeObject(value: Record<string, unknown>): string {
  const parts = Object.entries(value).map(([key, member]) => {
    if (typeof member === 'number') return `${key} ${formatCount(member)}`;
    if (typeof member === 'string' || typeof member === 'boolean') return `${key} ${member}`;
    if (member === null) return `${key} —`;
    return `${key} (${Array.isArray(member) ? `${member.length} entries` : 'object'})`;
  });
  return parts.length === 0 ? 'empty' : parts.join(' · ');
}

function Headline({ summary }: SummaryProps) {
  const numbers = figures(summary).slice(0, 4);
  return (
    <span className="headline-note muted">
      {numbers.map(([key, value]) => `${key}: ${value}`).join(' · ')}
    </span>
  );
}

function Details({ summary }: SummaryProps) {
  return (
    <SummarySection title="Summary">
      <Facts>
        {figures(summary).map(([key, value]) => (
          <Fact key={key} name={key}>
            {value}
          </Fact>
        ))}
      </Facts>
    </SummarySection>
  );
}

/** For a kind with a parser but no view of its own yet: its top-level figures, as stored. */
export const genericView: KindView = { Headline, Details };

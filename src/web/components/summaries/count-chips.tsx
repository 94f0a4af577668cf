import { formatCount } from './summary-data.ts';
import type { Tone } from './tone.ts';

export interface ChipCount {
  /** Stable key, also set as `data-count` so a test or a stylesheet can find one chip. */
  key: string;
  label: string;
  value: number;
  tone: Tone;
}

interface CountChipsProps {
  /** What the chips count, for screen readers: "Test cases by outcome". */
  label: string;
  counts: readonly ChipCount[];
  /** Leave out chips whose count is 0 (for categories that are rare and only matter when hit). */
  hideZero?: boolean;
}

/** Counts as a row of chips; a zero is shown greyed, so the non-zero counts stand out. */
export function CountChips({ label, counts, hideZero = false }: CountChipsProps) {
  const shown = hideZero ? counts.filter((count) => count.value !== 0) : counts;
  if (shown.length === 0) return null;
  return (
    <ul className="chips" aria-label={label}>
      {shown.map((count) => (
        <li
          key={count.key}
          className={`chip chip-${count.value === 0 ? 'zero' : count.tone}`}
          data-count={count.key}
        >
          <strong className="chip-value">{formatCount(count.value)}</strong> {count.label}
        </li>
      ))}
    </ul>
  );
}

/** One word in a coloured box: a severity, a status, a level. */
export function ToneBadge({ tone, children }: { tone: Tone; children: string }) {
  return <span className={`tone-badge tone-${tone}`}>{children}</span>;
}

import { formatPercent } from './summary-data.ts';
import type { Tone } from './tone.ts';

// Bars are SVG shapes sized by attributes, not inline styles: the server's Content-Security-Policy
// allows only the stylesheet, and the numbers they show are always printed beside them.

interface PercentBarProps {
  /** 0..1, or null when nothing was measured. */
  ratio: number | null;
  size?: 'small' | 'large';
}

/** A covered share as a bar and its percentage; null reads "not measured", never 0 %. */
export function PercentBar({ ratio, size = 'large' }: PercentBarProps) {
  if (ratio === null) {
    return (
      <span className={`percent-bar percent-bar-${size} is-unmeasured`}>
        <svg className="bar" viewBox="0 0 100 10" preserveAspectRatio="none" aria-hidden="true">
          <rect className="bar-track" width="100" height="10" />
        </svg>
        <span className="percent-value">not measured</span>
      </span>
    );
  }
  const width = Math.min(100, Math.max(0, ratio * 100));
  return (
    <span className={`percent-bar percent-bar-${size}`}>
      <svg className="bar" viewBox="0 0 100 10" preserveAspectRatio="none" aria-hidden="true">
        <rect className="bar-track" width="100" height="10" />
        <rect className="bar-fill" width={width} height="10" />
      </svg>
      <span className="percent-value">{formatPercent(ratio)}</span>
    </span>
  );
}

export interface BarPart {
  key: string;
  value: number;
  tone: Tone;
}

/** Parts of a whole side by side (passed, failed, …), in proportion. Decorative: the counts carry the meaning. */
export function ProportionBar({
  parts,
  size = 'large',
}: {
  parts: readonly BarPart[];
  size?: 'small' | 'large';
}) {
  const total = parts.reduce((sum, part) => sum + Math.max(0, part.value), 0);
  let x = 0;
  return (
    <svg
      className={`bar proportion-bar proportion-bar-${size}`}
      viewBox="0 0 100 10"
      preserveAspectRatio="none"
      aria-hidden="true"
    >
      <rect className="bar-track" width="100" height="10" />
      {total > 0 &&
        parts.map((part) => {
          const width = (Math.max(0, part.value) / total) * 100;
          const rect = (
            <rect
              key={part.key}
              className={`bar-part tone-fill-${part.tone}`}
              x={x}
              width={width}
              height="10"
            />
          );
          x += width;
          return rect;
        })}
    </svg>
  );
}

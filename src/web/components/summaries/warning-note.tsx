import { useState } from 'react';
import { plural } from './summary-data.ts';

const SHOWN_AT_FIRST = 5;

/** What the parser found odd in the file: declared totals that disagree, cut lists, … */
export function WarningNote({ warnings }: { warnings: readonly string[] }) {
  const [all, setAll] = useState(false);
  if (warnings.length === 0) return null;
  const shown = all ? warnings : warnings.slice(0, SHOWN_AT_FIRST);
  return (
    <div className="note note-warning" role="note">
      <p className="note-title">
        <span aria-hidden="true">⚠ </span>
        {plural(warnings.length, 'warning')} about this file
      </p>
      <ul className="note-list">
        {shown.map((warning, index) => (
          // Warnings are distinct per parser, but an old summary might repeat one.
          // biome-ignore lint/suspicious/noArrayIndexKey: the list never reorders
          <li key={index}>{warning}</li>
        ))}
      </ul>
      {warnings.length > SHOWN_AT_FIRST && (
        <button
          type="button"
          className="link-button"
          aria-expanded={all}
          onClick={() => setAll(!all)}
        >
          {all ? 'Show fewer warnings' : `Show all ${warnings.length} warnings`}
        </button>
      )}
    </div>
  );
}

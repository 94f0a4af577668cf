import { useState } from 'react';

interface LongTextProps {
  text: string;
  /** Characters shown before "Show all". */
  limit?: number;
  /** Lines shown before "Show all". */
  lines?: number;
  /** Keep line breaks and use a fixed-width font (stack traces, assertion output). */
  code?: boolean;
  /** What the text is, for the button's accessible name: "message of test case X". */
  what?: string;
}

/** A message that may be a 4 KiB stack trace: its start, and the rest on request. */
export function LongText({ text, limit = 280, lines = 4, code = false, what }: LongTextProps) {
  const [open, setOpen] = useState(false);
  const short = shorten(text, limit, lines);
  const className = code ? 'long-text-body is-code' : 'long-text-body';
  return (
    <div className="long-text">
      <span className={className}>{open || short === null ? text : short}</span>
      {short !== null && (
        <button
          type="button"
          className="link-button"
          aria-expanded={open}
          onClick={() => setOpen(!open)}
        >
          {open ? 'Show less' : 'Show all'}
          {what && <span className="visually-hidden"> of the {what}</span>}
        </button>
      )}
    </div>
  );
}

/** The text's start, or null when it is short enough to show whole. */
function shorten(text: string, limit: number, lines: number): string | null {
  const kept = text.split('\n').slice(0, lines).join('\n');
  let cut = kept.length > limit ? kept.slice(0, limit) : kept;
  if (cut.length === text.length) return null;
  // End on a word where one ends near the limit, not inside it.
  const space = cut.search(/\s\S*$/);
  if (cut.length === limit && space > limit - 40) cut = cut.slice(0, space);
  return `${cut.trimEnd()} …`;
}

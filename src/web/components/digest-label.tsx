import { CopyButton } from './copy-button.tsx';

interface DigestLabelProps {
  /** A hex digest, optionally with an algorithm prefix ("sha256:…"). */
  value: string;
  /** What the value is, for the copy button: "SHA-256 of report.xml". */
  label: string;
  /** Hex characters shown; the full value is in the tooltip and on the clipboard. */
  length?: number;
  copy?: boolean;
}

/** A long digest shortened for reading, with the full value one hover or one click away. */
export function DigestLabel({ value, label, length = 12, copy = true }: DigestLabelProps) {
  const colon = value.indexOf(':');
  const prefix = colon >= 0 ? value.slice(0, colon + 1) : '';
  const hex = value.slice(prefix.length);
  const short = hex.length > length ? `${hex.slice(0, length)}…` : hex;
  return (
    <span className="digest">
      <code title={value} data-full={value}>
        {prefix}
        {short}
      </code>
      {copy && <CopyButton value={value} label={label} />}
    </span>
  );
}

const BYTE_UNITS = ['KiB', 'MiB', 'GiB', 'TiB'] as const;

/** 1536 → "1.5 KiB"; binary units, as `ls -lh` and most CI tools print them. */
export function formatBytes(bytes: number): string {
  if (!Number.isFinite(bytes) || bytes < 1024) return `${bytes} B`;
  let value = bytes;
  let unit = 'B';
  for (const next of BYTE_UNITS) {
    if (value < 1024) break;
    value /= 1024;
    unit = next;
  }
  const digits = value < 10 ? 1 : 0;
  return `${value.toFixed(digits)} ${unit}`;
}

/** 1234567 → "1,234,567 bytes". */
export function formatExactBytes(bytes: number): string {
  return `${bytes.toLocaleString('en-US')} ${bytes === 1 ? 'byte' : 'bytes'}`;
}

/** ISO 8601 → "2025-11-23 09:53:12 UTC"; anything unparseable is shown as given. */
export function formatUtc(iso: string, { seconds = true } = {}): string {
  const date = new Date(iso);
  if (Number.isNaN(date.getTime())) return iso;
  const text = date.toISOString().replace('T', ' ');
  return `${text.slice(0, seconds ? 19 : 16)} UTC`;
}

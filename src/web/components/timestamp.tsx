import { formatUtc } from '../format.ts';

export function Timestamp({ iso, seconds = true }: { iso: string; seconds?: boolean }) {
  return (
    <time dateTime={iso} title={iso}>
      {formatUtc(iso, { seconds })}
    </time>
  );
}

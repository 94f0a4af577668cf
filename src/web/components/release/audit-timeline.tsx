import type { AuditEntry } from '../../api-client.ts';
import { Timestamp } from '../timestamp.tsx';

/** What an entry says, in a line: the fields people look for first. */
function describe(entry: AuditEntry): string {
  const d = entry.details as Record<string, unknown>;
  const parts: string[] = [];
  for (const key of [
    'environment',
    'decision',
    'kind',
    'name',
    'status',
    'riskClass',
    'baselineClass',
    'chosenClass',
  ]) {
    const value = d[key];
    if (typeof value === 'string' || typeof value === 'number') parts.push(`${key} ${value}`);
  }
  return parts.join(' · ');
}

/** The release's audit trail, oldest first: every state change, who made it and when. */
export function AuditTimeline({ entries }: { entries: AuditEntry[] }) {
  if (entries.length === 0) return <p className="muted">No entries.</p>;
  return (
    <ol className="timeline">
      {entries.map((entry) => (
        <li key={entry.seq} className="timeline-entry" data-action={entry.action}>
          <span className="timeline-time">
            <Timestamp iso={entry.time} />
          </span>
          <span className="timeline-action">{entry.action}</span>
          <span className="timeline-actor">by {entry.actor}</span>
          <span className="timeline-details">{describe(entry)}</span>
          <span className="timeline-seq" title={`leaf hash ${entry.leafHash}`}>
            #{entry.seq}
          </span>
        </li>
      ))}
    </ol>
  );
}

import { canonicalJson, type JsonValue } from './canonical-json.ts';
import { hashLeafText } from './merkle-hash.ts';

/** Every state change Dossier makes is named by one of these actions. */
export const AUDIT_ACTIONS = [
  'token.created',
  'release.created',
  'evidence.attached',
  'log.key_rotated',
  'release.exported',
  'release.imported',
  'service.updated',
  'policy.activated',
  'change.created',
  'risk.assessed',
  'risk.class_chosen',
  'risk.narrative_edited',
  'deployment.recorded',
  'gate.decided',
  'exception.requested',
  'exception.approved',
  'exception.refused',
  'signature.signed',
  'signature.withdrawn',
  'signature.refused',
  'signature.condition_met',
  'delegation.created',
  'webhook.subscribed',
  'webhook.removed',
  'token.revoked',
  'user.created',
  'user.disabled',
  'user.password_rehashed',
  'role.granted',
  'role.revoked',
  'role.change_refused',
  'training.recorded',
  'session.started',
  'session.ended',
  'auth.login_failed',
  'auth.reauth_failed',
  'integration.added',
  'integration.removed',
  'webhook.received',
] as const;
export type AuditAction = (typeof AUDIT_ACTIONS)[number];

export interface AuditEntryInput {
  time: string;
  actor: string;
  action: AuditAction;
  /** What the change is about, as `kind:id` (`release:rel_…`, `token:tok_…`). */
  subject: string;
  details: { [key: string]: JsonValue };
}

export interface AuditEntry extends AuditEntryInput {
  /** Position in the log, from 0 with no gaps: the entry's leaf index in the Merkle tree. */
  seq: number;
  /** RFC 6962 leaf hash of the entry's canonical JSON, lowercase hex. */
  leafHash: string;
}

/** The exact bytes a leaf hash covers: the canonical JSON of the entry without its hash. */
export function auditEntryBytes(entry: AuditEntryInput & { seq: number }): Uint8Array {
  return Buffer.from(auditEntryText(entry), 'utf8');
}

export function sealAuditEntry(input: AuditEntryInput, seq: number): AuditEntry {
  return sealAuditEntryText(input, seq).entry;
}

/**
 * Seals an entry and returns the canonical text its leaf hash covers with it, for a store that
 * keeps that text as the entry (so verification reads exactly the bytes it hashes).
 */
export function sealAuditEntryText(
  input: AuditEntryInput,
  seq: number,
): { entry: AuditEntry; text: string } {
  const text = auditEntryText({ ...input, seq });
  return { entry: { ...input, seq, leafHash: hashLeafText(text) }, text };
}

/**
 * An entry read back from its canonical text (as `sealAuditEntryText` made it) and the leaf
 * hash stored beside it. The text is the authority: a text that is not an entry's JSON object
 * is refused, and one whose content was changed keeps the old stored hash, which verification
 * then names.
 */
export function auditEntryFromText(text: string, leafHash: string): AuditEntry {
  const parsed: unknown = JSON.parse(text);
  if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed)) {
    throw new Error('an audit entry text must hold a JSON object');
  }
  const { seq, time, actor, action, subject, details } = parsed as Record<string, unknown>;
  return {
    seq: Number(seq),
    time: String(time),
    actor: String(actor),
    action: String(action) as AuditAction,
    subject: String(subject),
    // Anything but an object was written by someone else: the stored hash will not match.
    details:
      typeof details === 'object' && details !== null && !Array.isArray(details)
        ? (details as AuditEntry['details'])
        : {},
    leafHash,
  };
}

/** Recomputes an entry's leaf hash; a stored entry whose hash differs has been altered. */
export function isAuditEntryIntact(entry: AuditEntry): boolean {
  return hashLeafText(auditEntryText(entry)) === entry.leafHash;
}

function auditEntryText(entry: AuditEntryInput & { seq: number }): string {
  const { seq, time, actor, action, subject, details } = entry;
  return canonicalJson({ seq, time, actor, action, subject, details });
}

/**
 * The same canonical text, built around details that are already canonical JSON text (as the
 * store keeps them): no parse and re-serialization, which is most of the cost of verifying a
 * long log. Members in RFC 8785 order: action, actor, details, seq, subject, time.
 */
export function auditLeafText(
  entry: Pick<AuditEntry, 'seq' | 'time' | 'actor' | 'action' | 'subject'>,
  canonicalDetails: string,
): string {
  return (
    `{"action":${JSON.stringify(entry.action)},"actor":${JSON.stringify(entry.actor)},` +
    `"details":${canonicalDetails},"seq":${entry.seq},"subject":${JSON.stringify(entry.subject)},` +
    `"time":${JSON.stringify(entry.time)}}`
  );
}

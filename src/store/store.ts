import type { ApiToken } from '../core/api-token.ts';
import type { AuditEntry, AuditEntryInput } from '../core/audit-log/audit-entry.ts';
import type { LogKeyRecord, SignedCheckpoint } from '../core/audit-log/checkpoint.ts';
import type { SubtreeRef } from '../core/audit-log/merkle-tree.ts';
import type { Evidence, EvidenceKind } from '../core/evidence-record.ts';
import type { Page } from '../core/page.ts';
import type { Release } from '../core/release.ts';

export interface ReleaseQuery {
  limit: number;
  /** Cursor from a previous page's `nextCursor`. */
  cursor?: string | undefined;
  service?: string | undefined;
}

export interface AuditQuery {
  /** First sequence number to return. */
  fromSeq: number;
  limit: number;
}

/** Reads, available inside and outside a transaction. Records come back as domain types. */
export interface StoreReader {
  getReleaseById(id: string): Promise<Release | undefined>;
  getReleaseByTag(tag: string): Promise<Release | undefined>;
  /** Newest first. */
  listReleases(query: ReleaseQuery): Promise<Page<Release>>;
  /** Oldest first, as attached. */
  listEvidence(releaseId: string): Promise<Evidence[]>;
  findEvidence(
    releaseId: string,
    kind: EvidenceKind,
    sha256: string,
  ): Promise<Evidence | undefined>;
  /** Whether any evidence record points at this blob; blobs are only served if one does. */
  isBlobReferenced(sha256: string): Promise<boolean>;
  findTokenByHash(tokenHash: string): Promise<ApiToken | undefined>;
  countTokens(): Promise<number>;
  listAuditEntries(query: AuditQuery): Promise<AuditEntry[]>;
  /** Entries as their canonical leaf texts (what each leaf hash covers), in sequence order. */
  listAuditLeafTexts(query: AuditQuery): Promise<string[]>;
  /** Entries about one subject (`release:rel_…`), oldest first. */
  listAuditEntriesFor(subject: string): Promise<AuditEntry[]>;
  countAuditEntries(): Promise<number>;
  /**
   * Hashes of complete perfect subtrees of the audit log, in the order asked. Throws if one is
   * not stored (it lies beyond the log's end).
   */
  getSubtreeHashes(refs: readonly SubtreeRef[]): Promise<Uint8Array[]>;
  latestCheckpoint(): Promise<StoredCheckpoint | undefined>;
  /** Checkpoints in increasing size. */
  listCheckpoints(query: { fromSize: number; limit: number }): Promise<StoredCheckpoint[]>;
  getCheckpoint(size: number): Promise<StoredCheckpoint | undefined>;
  /** The keys recorded for this log, oldest first: which origin and keys its checkpoints use. */
  listLogKeys(): Promise<LogKeyRecord[]>;
}

/** A signed checkpoint of the audit log as published. */
export type StoredCheckpoint = SignedCheckpoint;

/** Writes. Only reachable inside `Store.transaction`, so every change commits with its audit entry. */
export interface StoreTx extends StoreReader {
  insertRelease(release: Release): Promise<void>;
  /** Inserts the record and counts it on its release. */
  insertEvidence(evidence: Evidence): Promise<void>;
  insertToken(token: ApiToken): Promise<void>;
  /**
   * Appends at the next sequence number, stores the Merkle subtree hashes the new leaf completes,
   * and returns the sealed entry.
   */
  appendAudit(entry: AuditEntryInput): Promise<AuditEntry>;
  /** Records a signed checkpoint; a checkpoint for a size already recorded is a conflict. */
  insertCheckpoint(checkpoint: StoredCheckpoint): Promise<void>;
  /** Records a log signing key (write-once); the same name twice is a conflict. */
  insertLogKey(key: LogKeyRecord): Promise<void>;
}

export interface Store extends StoreReader {
  /**
   * Runs `work` in one atomic, durable transaction: all of its writes commit together or none do.
   * Transactions on one store never interleave.
   */
  transaction<T>(work: (tx: StoreTx) => Promise<T>): Promise<T>;
  close(): Promise<void>;
}

/** Unique-key violations surface as this, so services can tell a race from a fault. */
export class StoreConflictError extends Error {
  readonly constraint: string;
  constructor(constraint: string, options?: { cause?: unknown }) {
    super(`store conflict on ${constraint}`, options);
    this.name = 'StoreConflictError';
    this.constraint = constraint;
  }
}

import { createHash } from 'node:crypto';
import { assertAdmin } from '../core/access/permissions.ts';
import type { Actor } from '../core/actor.ts';
import type { AuditEntry } from '../core/audit-log/audit-entry.ts';
import { formatCheckpoint } from '../core/audit-log/checkpoint.ts';
import type { LeafBatch } from '../core/audit-log/leaf-batch.ts';
import { toHex } from '../core/audit-log/merkle-hash.ts';
import {
  consistencyProofRanges,
  inclusionProofRanges,
  type LeafRange,
  perfectSubtrees,
  rangeHash,
} from '../core/audit-log/merkle-tree.ts';
import { formatSignedNote } from '../core/audit-log/signed-note.ts';
import { DossierError } from '../core/errors.ts';
import { StoreConflictError, type StoredCheckpoint, type StoreReader } from '../store/store.ts';
import type { ServiceDeps } from './deps.ts';
import { followRecordedSigningKey } from './log-identity.ts';
import { LEAF_BATCH_SIZE } from './replay-log-leaves.ts';

export const MAX_ENTRY_PAGE = 10_000;

// RFC 9162 §2.1.1: the hash of an empty tree is the hash of the empty string.
const EMPTY_TREE_ROOT = createHash('sha256').digest();

/** Root of the first `size` entries, from stored subtree hashes (O(log n) reads). */
export async function treeRoot(reader: StoreReader, size: number): Promise<Uint8Array> {
  if (size === 0) return EMPTY_TREE_ROOT;
  return hashOfRange(reader, { start: 0, end: size });
}

async function hashOfRange(reader: StoreReader, range: LeafRange): Promise<Uint8Array> {
  const refs = perfectSubtrees(range);
  const hashes = await reader.getSubtreeHashes(refs);
  const byRef = new Map(
    refs.map((ref, i) => [`${ref.level}/${ref.index}`, hashes[i] as Uint8Array]),
  );
  return rangeHash(range, (ref) => byRef.get(`${ref.level}/${ref.index}`) as Uint8Array);
}

/**
 * The newest signed checkpoint, signing a new one first if the log has grown since the last.
 * Checkpoints are write-once; two instances racing to sign the same size keep the first.
 */
export async function latestCheckpoint(
  deps: Pick<ServiceDeps, 'store' | 'signer' | 'clock'>,
): Promise<StoredCheckpoint> {
  const size = await deps.store.countAuditEntries();
  const latest = await deps.store.latestCheckpoint();
  if (latest && latest.size >= size) return latest;
  await followRecordedSigningKey(deps);
  const rootHash = await treeRoot(deps.store, size);
  const time = deps.clock.now().toISOString();
  const text = formatCheckpoint({ origin: deps.signer.origin, size, rootHash, time });
  const signature = deps.signer.sign(text);
  const checkpoint: StoredCheckpoint = {
    size,
    rootHash,
    time,
    keyName: signature.keyName,
    note: formatSignedNote(text, [signature]),
  };
  try {
    await deps.store.transaction((tx) => tx.insertCheckpoint(checkpoint));
    return checkpoint;
  } catch (error) {
    if (!(error instanceof StoreConflictError)) throw error;
    return (await deps.store.getCheckpoint(size)) ?? checkpoint;
  }
}

export interface InclusionProof {
  seq: number;
  treeSize: number;
  leafHash: string;
  /** Sibling hashes from the leaf up, hex. */
  proof: string[];
}

export async function inclusionProof(
  deps: Pick<ServiceDeps, 'store'>,
  seq: number,
  treeSize: number,
): Promise<InclusionProof> {
  const size = await deps.store.countAuditEntries();
  if (!Number.isSafeInteger(treeSize) || treeSize < 1 || treeSize > size) {
    throw proofInputError('size', `tree size must be between 1 and the log size ${size}`);
  }
  if (!Number.isSafeInteger(seq) || seq < 0 || seq >= treeSize) {
    throw proofInputError('seq', `entry ${seq} is not in a tree of size ${treeSize}`);
  }
  const [entry] = await deps.store.listAuditEntries({ fromSeq: seq, limit: 1 });
  const proof = await Promise.all(
    inclusionProofRanges(seq, treeSize).map((range) => hashOfRange(deps.store, range)),
  );
  return { seq, treeSize, leafHash: entry?.leafHash ?? '', proof: proof.map(toHex) };
}

export interface ConsistencyProof {
  from: number;
  to: number;
  proof: string[];
}

export async function consistencyProof(
  deps: Pick<ServiceDeps, 'store'>,
  from: number,
  to: number,
): Promise<ConsistencyProof> {
  const size = await deps.store.countAuditEntries();
  if (!Number.isSafeInteger(to) || to < 1 || to > size) {
    throw proofInputError('to', `tree size must be between 1 and the log size ${size}`);
  }
  if (!Number.isSafeInteger(from) || from < 1 || from > to) {
    throw proofInputError(
      'from',
      `must be between 1 and ${to} (a proof from the empty tree proves nothing)`,
    );
  }
  const proof = await Promise.all(
    consistencyProofRanges(from, to).map((range) => hashOfRange(deps.store, range)),
  );
  return { from, to, proof: proof.map(toHex) };
}

/** Entries as canonical leaf texts: the fast way to replay the log. */
export async function listLogLeaves(
  deps: Pick<ServiceDeps, 'store'>,
  fromSeq: number,
  limit: number,
): Promise<string[]> {
  if (!Number.isSafeInteger(fromSeq) || fromSeq < 0)
    throw proofInputError('from', 'must be 0 or more');
  if (!Number.isSafeInteger(limit) || limit < 1 || limit > MAX_ENTRY_PAGE) {
    throw proofInputError('limit', `must be from 1 to ${MAX_ENTRY_PAGE}`);
  }
  return deps.store.listAuditLeafTexts({ fromSeq, limit });
}

/** Entries `fromSeq ≤ seq < toSeq` packed for hashing (see `LeafBatch`). */
export async function readLogLeafBatch(
  deps: Pick<ServiceDeps, 'store'>,
  fromSeq: number,
  toSeq: number,
): Promise<LeafBatch> {
  if (!Number.isSafeInteger(fromSeq) || fromSeq < 0)
    throw proofInputError('from', 'must be 0 or more');
  if (!Number.isSafeInteger(toSeq) || toSeq <= fromSeq || toSeq - fromSeq > LEAF_BATCH_SIZE) {
    throw proofInputError('to', `must be from ${fromSeq + 1} to ${fromSeq + LEAF_BATCH_SIZE}`);
  }
  return deps.store.readAuditLeafBatch({ fromSeq, toSeq });
}

export async function listLogEntries(
  deps: Pick<ServiceDeps, 'store'>,
  fromSeq: number,
  limit: number,
): Promise<AuditEntry[]> {
  if (!Number.isSafeInteger(fromSeq) || fromSeq < 0)
    throw proofInputError('from', 'must be 0 or more');
  if (!Number.isSafeInteger(limit) || limit < 1 || limit > MAX_ENTRY_PAGE) {
    throw proofInputError('limit', `must be from 1 to ${MAX_ENTRY_PAGE}`);
  }
  return deps.store.listAuditEntries({ fromSeq, limit });
}

function proofInputError(path: string, message: string): DossierError {
  return new DossierError('INVALID_INPUT', `${path} ${message}`, { issues: [{ path, message }] });
}

/**
 * Signs from now on with a new key; the old one stays published for the checkpoints it signed.
 * The key file is written first, so a key directory that cannot take it (read-only) changes
 * nothing in the database. Other instances switch to the new key before their next signature
 * (`followRecordedSigningKey`): the newest key recorded with the log is the active one.
 */
export async function rotateLogKey(
  deps: Pick<ServiceDeps, 'store' | 'signer' | 'clock'>,
  actor: Actor,
): Promise<{ previous: string; active: string }> {
  assertAdmin(actor, 'rotate the log signing key');
  // Sign with the key the log names now, even if another instance rotated to it.
  await followRecordedSigningKey(deps);
  const key = await deps.signer.createKey();
  let recorded = false;
  try {
    // Seal what the old key vouches for before it stops signing.
    await latestCheckpoint(deps);
    const previous = deps.signer.activeKeyName();
    const time = deps.clock.now().toISOString();
    await deps.store.transaction(async (tx) => {
      await tx.insertLogKey({
        name: key.name,
        origin: deps.signer.origin,
        verifierKey: key.verifierKey,
        createdAt: time,
      });
      await tx.appendAudit({
        time,
        actor: actor.id,
        action: 'log.key_rotated',
        subject: `log-key:${key.name}`,
        details: { previous, active: key.name, verifierKey: key.verifierKey },
      });
    });
    recorded = true;
    await deps.signer.activate(key.name, key.verifierKey, { persist: true });
    return { previous, active: key.name };
  } catch (error) {
    // Unrecorded, the key must not linger: a later start would record it as the log's newest.
    if (!recorded) await deps.signer.discard(key.name);
    throw error;
  }
}

import { type AuditEntry, isAuditEntryIntact } from './audit-entry.ts';
import { parseCheckpoint, type SignedCheckpoint } from './checkpoint.ts';
import type { BatchHashes } from './leaf-batch.ts';
import { MerkleFrontier } from './merkle-frontier.ts';
import { toHex } from './merkle-hash.ts';
import { verifyConsistency } from './merkle-tree.ts';
import { type VerifierKey, verifySignedNote } from './signed-note.ts';

// RFC 9162 §2.1.1: the hash of an empty tree is the hash of the empty string.
const EMPTY_TREE_ROOT = 'e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855';

/** One failed check, named so a person can find it: which entry or checkpoint, and what. */
export interface LogProblem {
  where: string;
  problem: string;
}

/** Checks a checkpoint's signature against pinned keys and that its text says what it claims. */
export function checkCheckpoint(
  checkpoint: SignedCheckpoint,
  keys: readonly VerifierKey[],
  origin?: string,
): LogProblem[] {
  const where = `checkpoint ${checkpoint.size}`;
  const signature = verifySignedNote(checkpoint.note, keys);
  if (!signature.ok) return [{ where, problem: `signature: ${signature.detail}` }];
  const body = parseCheckpoint(signature.text);
  const problems: LogProblem[] = [];
  if (origin !== undefined && body.origin !== origin) {
    problems.push({ where, problem: `origin is "${body.origin}", expected "${origin}"` });
  }
  if (body.size !== checkpoint.size)
    problems.push({ where, problem: `signed size is ${body.size}` });
  if (toHex(body.rootHash) !== toHex(checkpoint.rootHash)) {
    problems.push({ where, problem: 'signed root hash differs from the published one' });
  }
  return problems;
}

/**
 * Replays the log entry by entry: each entry's hash must match its content, sequence numbers
 * must run from 0 without gaps, and the tree root at every checkpoint's size must equal the
 * root that checkpoint signed. Memory stays O(log n) whatever the log's length.
 */
export class LogReplay {
  readonly #frontier = new MerkleFrontier();
  readonly #checkpoints: SignedCheckpoint[];
  #next = 0;
  // Set once a batch could not be hashed: the entries after it have no place in the tree.
  #stopped = false;
  readonly problems: LogProblem[] = [];

  constructor(checkpoints: readonly SignedCheckpoint[]) {
    this.#checkpoints = [...checkpoints].sort((a, b) => a.size - b.size);
    this.#checkRootsAt(0);
  }

  get size(): number {
    return this.#frontier.size;
  }

  add(entry: AuditEntry): void {
    if (entry.seq !== this.#frontier.size) {
      this.problems.push({
        where: `entry ${entry.seq}`,
        problem: `expected entry ${this.#frontier.size} next (gap or duplicate)`,
      });
    }
    if (!isAuditEntryIntact(entry)) {
      this.problems.push({
        where: `entry ${entry.seq}`,
        problem: 'leaf hash does not match the entry’s content',
      });
    }
    this.#frontier.push(Buffer.from(entry.leafHash, 'hex'));
    this.#checkRootsAt(this.#frontier.size);
  }

  /**
   * Checkpoint sizes inside the batch of `count` entries starting at entry `start`, as offsets
   * into it: `hashLeafBatch` keeps the batch's frontier at each, for `addBatch` to check.
   */
  marksWithin(start: number, count: number): number[] {
    return this.#checkpoints
      .filter((checkpoint) => checkpoint.size > start && checkpoint.size < start + count)
      .map((checkpoint) => checkpoint.size - start);
  }

  /**
   * The fast path: the next entries, as hashed by `hashLeafBatch` (possibly in another thread)
   * from their canonical leaf texts. Only the tree is rebuilt; a changed, missing or reordered
   * entry shows as a checkpoint root that differs, without naming the entry (replay with `add`
   * to find it). `hashes` must have been taken at `marksWithin(from, count)`.
   */
  addBatch(hashes: BatchHashes, from: number, count: number): void {
    if (this.#stopped) return;
    if (!hashes.ok || hashes.count !== count) {
      const problem = hashes.ok
        ? `${hashes.count} leaves hashed, ${count} expected`
        : hashes.problem;
      this.problems.push({ where: `entries ${from}–${from + count - 1}`, problem });
      this.#stopped = true;
      return;
    }
    // The batch's subtrees line up with the tree's only from a boundary of its own size.
    let span = 1;
    while (span < count) span *= 2;
    if (from !== this.size || from % span !== 0) {
      throw new RangeError(`a batch of ${count} entries cannot follow ${this.size} entries`);
    }
    const marks = this.marksWithin(from, count);
    marks.forEach((mark, i) => {
      this.#checkRootAgainst(from + mark, this.#frontier.rootWith(hashes.atMarks[i] ?? []));
      this.#next++;
    });
    // The batch's frontier holds one subtree per set bit of its count, largest first.
    let subtree = 0;
    for (let level = Math.log2(span); level >= 0; level--) {
      if (Math.floor(hashes.count / 2 ** level) % 2 === 0) continue;
      this.#frontier.pushSubtree(hashes.subtrees[subtree++] as Uint8Array, level);
    }
    this.#checkRootsAt(this.#frontier.size);
  }

  /** Call after the last entry: checkpoints beyond the log's end are problems too. */
  finish(): LogProblem[] {
    while (this.#next < this.#checkpoints.length) {
      const checkpoint = this.#checkpoints[this.#next++] as SignedCheckpoint;
      this.problems.push({
        where: `checkpoint ${checkpoint.size}`,
        problem: `the log has only ${this.#frontier.size} entries`,
      });
    }
    return this.problems;
  }

  #checkRootsAt(size: number): void {
    while (
      this.#next < this.#checkpoints.length &&
      (this.#checkpoints[this.#next] as SignedCheckpoint).size === size
    ) {
      this.#checkRootAgainst(size, this.#frontier.root());
      this.#next++;
    }
  }

  #checkRootAgainst(size: number, root: Uint8Array | undefined): void {
    const checkpoint = this.#checkpoints[this.#next] as SignedCheckpoint;
    const expected = root ? toHex(root) : EMPTY_TREE_ROOT;
    if (checkpoint.size !== size || toHex(checkpoint.rootHash) !== expected) {
      this.problems.push({
        where: `checkpoint ${checkpoint.size}`,
        problem: 'root hash differs from the root of the entries',
      });
    }
  }
}

/** Checks the server's consistency proof between two checkpoints. */
export function checkConsistency(
  earlier: SignedCheckpoint,
  later: SignedCheckpoint,
  proof: readonly string[],
): LogProblem[] {
  if (earlier.size === 0) return [];
  const check = verifyConsistency(
    earlier.size,
    later.size,
    proof.map((hash) => Buffer.from(hash, 'hex')),
    earlier.rootHash,
    later.rootHash,
  );
  return check.ok
    ? []
    : [
        {
          where: `checkpoints ${earlier.size} → ${later.size}`,
          problem: `not consistent (${check.reason})`,
        },
      ];
}

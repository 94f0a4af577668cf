import { hashChildren } from './merkle-hash.ts';

/**
 * The right edge of a Merkle tree being built leaf by leaf: one hash per set bit of the size,
 * so a verifier can recompute the root of a log of any length in O(log n) memory.
 */
export class MerkleFrontier {
  #size = 0;
  // Perfect subtree hashes, largest (leftmost) first.
  readonly #stack: Uint8Array[] = [];

  get size(): number {
    return this.#size;
  }

  push(leafHash: Uint8Array): void {
    this.pushSubtree(leafHash, 0);
  }

  /**
   * Appends a perfect subtree of 2^level leaves hashed elsewhere (a chunk of the log hashed in
   * parallel). The tree must end on a 2^level boundary, or the subtree would not be aligned.
   */
  pushSubtree(subtreeHash: Uint8Array, level: number): void {
    const leaves = 2 ** level;
    if (this.#size % leaves !== 0) {
      throw new RangeError(`a subtree of ${leaves} leaves cannot follow ${this.#size} leaves`);
    }
    let hash = subtreeHash;
    // Each trailing 1 bit of the old size (counted in subtrees) is a subtree the new one completes.
    for (let n = this.#size / leaves; n % 2 === 1; n = (n - 1) / 2) {
      hash = hashChildren(this.#stack.pop() as Uint8Array, hash);
    }
    this.#stack.push(hash);
    this.#size += leaves;
  }

  /** RFC 9162 MTH of the leaves pushed so far; undefined for the empty tree. */
  root(): Uint8Array | undefined {
    return this.rootWith([]);
  }

  /**
   * The root if `tail` (perfect subtree hashes, largest first, each smaller than the smallest
   * here) were pushed too: the root at a checkpoint inside a chunk hashed elsewhere.
   */
  rootWith(tail: readonly Uint8Array[]): Uint8Array | undefined {
    let hash: Uint8Array | undefined;
    for (let i = tail.length - 1; i >= 0; i--) {
      const left = tail[i] as Uint8Array;
      hash = hash === undefined ? left : hashChildren(left, hash);
    }
    for (let i = this.#stack.length - 1; i >= 0; i--) {
      const left = this.#stack[i] as Uint8Array;
      hash = hash === undefined ? left : hashChildren(left, hash);
    }
    return hash;
  }
}

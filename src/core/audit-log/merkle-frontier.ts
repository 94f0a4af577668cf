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
    let hash = leafHash;
    // Each trailing 1 bit of the old size is a subtree the new leaf completes.
    for (let n = this.#size; n % 2 === 1; n = (n - 1) / 2) {
      hash = hashChildren(this.#stack.pop() as Uint8Array, hash);
    }
    this.#stack.push(hash);
    this.#size++;
  }

  /** RFC 9162 MTH of the leaves pushed so far; undefined for the empty tree. */
  root(): Uint8Array | undefined {
    let hash: Uint8Array | undefined;
    for (let i = this.#stack.length - 1; i >= 0; i--) {
      const left = this.#stack[i] as Uint8Array;
      hash = hash === undefined ? left : hashChildren(left, hash);
    }
    return hash;
  }
}

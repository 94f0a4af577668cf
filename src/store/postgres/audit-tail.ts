import {
  type AuditEntry,
  type AuditEntryInput,
  sealAuditEntry,
} from '../../core/audit-log/audit-entry.ts';
import { canonicalJson } from '../../core/audit-log/canonical-json.ts';
import {
  appendSiblings,
  type SubtreeHash,
  subtreesCompletedBy,
} from '../../core/audit-log/merkle-append.ts';

type Row = Record<string, unknown>;
type Run = (sql: string, values?: readonly unknown[]) => Promise<Row[]>;

/** Where a unit of a group transaction began, to undo its appends if it rolls back. */
export interface TailMark {
  entries: number;
  written: number;
}

/**
 * The end of the audit log as seen by one group transaction that holds the append lock: the next
 * seq and the hashes of the perfect subtrees on the tree's right edge (the only ones an append
 * reads). Appends are sealed here, in memory, and written together by `write`: under the lock
 * no one else can append, so nothing needs to be read back from the database per entry.
 */
export class AuditTail {
  readonly #startSize: number;
  /** Subtree hashes by `level/index`: the edge read at the start plus every node appended. */
  readonly #nodes = new Map<string, Uint8Array>();
  readonly #appended: { entry: AuditEntry; nodes: SubtreeHash[] }[] = [];
  /** How many of `#appended` are written to the database (in this transaction). */
  #written = 0;

  constructor(size: number, edge: readonly SubtreeHash[]) {
    this.#startSize = size;
    for (const node of edge) this.#nodes.set(nodeKey(node.level, node.index), node.hash);
  }

  append(input: AuditEntryInput): AuditEntry {
    const seq = this.#startSize + this.#appended.length;
    const entry = sealAuditEntry(input, seq);
    const siblings = appendSiblings(seq).map((ref) => {
      const hash = this.#nodes.get(nodeKey(ref.level, ref.index));
      if (!hash) throw new Error(`Merkle subtree ${ref.level}/${ref.index} is not stored`);
      return hash;
    });
    const nodes = subtreesCompletedBy(seq, Buffer.from(entry.leafHash, 'hex'), siblings);
    // A node left here by an append that was rolled back is overwritten by the append that
    // takes its seq again, before any later append can read it.
    for (const node of nodes) this.#nodes.set(nodeKey(node.level, node.index), node.hash);
    this.#appended.push({ entry, nodes });
    return entry;
  }

  mark(): TailMark {
    return { entries: this.#appended.length, written: this.#written };
  }

  /** After ROLLBACK TO the savepoint taken at `mark`: its appends and its writes are gone. */
  rollBackTo(mark: TailMark): void {
    this.#appended.length = mark.entries;
    this.#written = Math.min(this.#written, mark.written);
  }

  /** Writes what was appended since the last write: the entries and their subtree hashes. */
  async write(run: Run, tables: { auditLog: string; merkleNodes: string }): Promise<void> {
    const unwritten = this.#appended.slice(this.#written);
    if (unwritten.length === 0) return;
    const entries = unwritten.map((item) => item.entry);
    const nodes = unwritten.flatMap((item) => item.nodes);
    await run(
      `WITH entries AS (
         INSERT INTO ${tables.auditLog} (seq, time, actor, action, subject, details, leaf_hash)
         SELECT seq, time, actor, action, subject, details::json, leaf_hash
         FROM unnest($1::bigint[], $2::text[], $3::text[], $4::text[], $5::text[], $6::text[],
           $7::text[]) AS e (seq, time, actor, action, subject, details, leaf_hash)
       )
       INSERT INTO ${tables.merkleNodes} (level, idx, hash)
       SELECT * FROM unnest($8::integer[], $9::bigint[], $10::bytea[])`,
      [
        entries.map((entry) => entry.seq),
        entries.map((entry) => entry.time),
        entries.map((entry) => entry.actor),
        entries.map((entry) => entry.action),
        entries.map((entry) => entry.subject),
        entries.map((entry) => canonicalJson(entry.details)),
        entries.map((entry) => entry.leafHash),
        nodes.map((node) => node.level),
        nodes.map((node) => node.index),
        nodes.map((node) => Buffer.from(node.hash)),
      ],
    );
    this.#written = this.#appended.length;
  }
}

/**
 * The log's size and the subtrees on its right edge: for each bit `k` set in the size, the
 * perfect subtree at level `k` that ends at the last leaf of that part. One row per subtree (or
 * one row with a null level for an empty log), all with the size.
 */
export function auditTailSql(tables: { auditLog: string; merkleNodes: string }): string {
  return `WITH head AS (SELECT COALESCE(max(seq) + 1, 0)::bigint AS size FROM ${tables.auditLog}),
      edge AS (
        SELECT k AS level, (head.size >> k) - 1 AS idx
        FROM head, generate_series(0, 62) AS k WHERE (head.size >> k) & 1 = 1
      )
    SELECT head.size, edge.level, edge.idx, node.hash FROM head
    LEFT JOIN edge ON true
    LEFT JOIN ${tables.merkleNodes} AS node ON node.level = edge.level AND node.idx = edge.idx`;
}

/** The tail from the rows of `auditTailSql`; a subtree that is not stored is left out. */
export function auditTailOf(rows: readonly Row[]): AuditTail {
  const size = Number(rows[0]?.size ?? 0);
  const edge: SubtreeHash[] = [];
  for (const row of rows) {
    if (row.level === null || row.hash === null || row.hash === undefined) continue;
    edge.push({
      level: Number(row.level),
      index: Number(row.idx),
      hash: new Uint8Array(row.hash as Buffer),
    });
  }
  return new AuditTail(size, edge);
}

function nodeKey(level: number, index: number): string {
  return `${level}/${index}`;
}

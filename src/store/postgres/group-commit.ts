import type pg from 'pg';
import type { StoreTx } from '../store.ts';
import type { AuditTail } from './audit-tail.ts';
import { inlineParameters, UninlinableValue } from './inline-parameters.ts';
import { queryConfig } from './prepared.ts';

type Row = Record<string, unknown>;
type Run = (sql: string, values?: readonly unknown[]) => Promise<Row[]>;

export interface GroupCommitOptions {
  pool: pg.Pool;
  /**
   * One round trip that opens a group: BEGIN (READ COMMITTED), the audit-append lock, the log's
   * tail read after the lock is granted, and `SAVEPOINT unit`. Its third result is the tail.
   */
  openSql: string;
  tailOf(rows: readonly Row[]): AuditTail;
  /** Writes the tail's unwritten appends; run before COMMIT. */
  writeTail(tail: AuditTail, run: Run): Promise<void>;
  /** The `StoreTx` one unit of work sees, and what to run once its work has returned. */
  unitTx(run: Run, unit: GroupUnit): { tx: StoreTx; finish(): Promise<void> };
  /** Maps a driver error to the store's own (unique violations to StoreConflictError). */
  mapError(error: unknown): unknown;
}

/** What a unit's `StoreTx` shares with its group. */
export interface GroupUnit {
  tail: AuditTail;
  /** Throws once the unit has ended: its tx must not be used after its work returned. */
  assertOpen(): void;
}

interface Pending {
  work: (tx: StoreTx) => Promise<unknown>;
  resolve: (value: unknown) => void;
  reject: (error: unknown) => void;
}

/**
 * Most units committed by one transaction. Each unit that writes is a subtransaction, and past 64
 * in one transaction PostgreSQL's snapshots of every session get slower (subxid cache overflow).
 */
const MAX_GROUP = 32;
/**
 * Groups of one store open at once: while one holds the append lock, the next already waits for
 * it (and for the transactions queued meanwhile), so the lock passes on without a round trip.
 */
export const MAX_OPEN_GROUPS = 2;

/**
 * Group commit on PostgreSQL, as the SQLite store does it: transactions queued while a group runs
 * share the next one, each unit inside `SAVEPOINT unit`, and commit together (one WAL flush).
 *
 * A group takes the audit-append lock first, before any unit runs. Every transaction that
 * changes state appends to the log, so the lock would be taken anyway, but taking it after a
 * unit has locked rows could deadlock: a group holding the append lock would wait for a row
 * another group locked before waiting for the append lock. With the lock first, a group that
 * holds it waits for nothing another group holds, and the log's tail can be read once and kept in
 * memory: appends cost no round trip, and are written together before COMMIT.
 *
 * A unit that throws, or one of whose statements failed, rolls back to its savepoint alone and is
 * answered with its error. Every unit is answered once COMMIT has returned.
 */
export class GroupCommit {
  readonly #options: GroupCommitOptions;
  readonly #pending: Pending[] = [];
  readonly #open = new Set<Promise<void>>();
  #closed = false;

  constructor(options: GroupCommitOptions) {
    this.#options = options;
  }

  transaction<T>(work: (tx: StoreTx) => Promise<T>): Promise<T> {
    if (this.#closed) return Promise.reject(new Error('store is closed'));
    return new Promise<T>((resolve, reject) => {
      this.#pending.push({
        work: work as (tx: StoreTx) => Promise<unknown>,
        resolve: resolve as (value: unknown) => void,
        reject,
      });
      this.#kick();
    });
  }

  /** Refuses new transactions and waits for the queued ones to finish. */
  async close(): Promise<void> {
    this.#closed = true;
    while (this.#open.size > 0) await Promise.all(this.#open);
  }

  #kick(): void {
    if (this.#pending.length === 0 || this.#open.size >= MAX_OPEN_GROUPS) return;
    const group = this.#runGroup().finally(() => {
      this.#open.delete(group);
      this.#kick();
    });
    this.#open.add(group);
  }

  async #runGroup(): Promise<void> {
    let client: pg.PoolClient;
    try {
      client = await this.#options.pool.connect();
    } catch (error) {
      for (const item of this.#pending.splice(0)) item.reject(error);
      return;
    }
    let group: Pending[] | undefined;
    let broken: Error | undefined;
    try {
      const opened = (await client.query(this.#options.openSql)) as unknown as pg.QueryResult[];
      const tail = this.#options.tailOf((opened[2]?.rows ?? []) as Row[]);
      // Taken only now that the lock is held: whatever queued during the wait joins this group.
      group = this.#pending.splice(0, MAX_GROUP);
      const answers: (() => void)[] = [];
      // The open savepoint, or the unit's own, is taken by the first statement the unit sends
      // (the prefix rides in that statement's round trip); one that sent nothing needs no new one.
      const savepoint = { renew: false };
      for (const item of group) {
        const mark = tail.mark();
        const outcome = await this.#runUnit(client, item.work, tail, savepoint);
        if (outcome.ok) {
          if (outcome.sent) savepoint.renew = true;
          answers.push(() => item.resolve(outcome.value));
        } else {
          if (outcome.sent) {
            // The savepoint stays after ROLLBACK TO, ready for the next unit.
            await client.query('ROLLBACK TO SAVEPOINT unit');
            savepoint.renew = false;
          }
          tail.rollBackTo(mark);
          // Answered after COMMIT too: a unit that lost a race to another unit of this group
          // (the same evidence twice) then finds the winner committed.
          answers.push(() => item.reject(outcome.error));
        }
      }
      // The appends and COMMIT in one round trip.
      let committed = false;
      await this.#options.writeTail(tail, async (sql, values) => {
        const results = await client.query(`${inlineParameters(sql, values ?? [])}; COMMIT`);
        committed = true;
        return ((results as unknown as pg.QueryResult[])[0]?.rows ?? []) as Row[];
      });
      if (!committed) await client.query('COMMIT');
      for (const answer of answers) answer();
    } catch (error) {
      await client.query('ROLLBACK').catch((rollbackError: Error) => {
        broken = rollbackError;
      });
      const failure = this.#options.mapError(error);
      // Failing to open a group fails what is queued (rather than retrying forever against a
      // database that is down).
      for (const item of group ?? this.#pending.splice(0)) item.reject(failure);
    } finally {
      client.release(broken);
    }
  }

  async #runUnit(
    client: pg.PoolClient,
    work: (tx: StoreTx) => Promise<unknown>,
    tail: AuditTail,
    savepoint: { renew: boolean },
  ): Promise<({ ok: true; value: unknown } | { ok: false; error: unknown }) & { sent: boolean }> {
    let open = true;
    let sent = false;
    // PostgreSQL aborts a (sub)transaction at its first failed statement and turns a later
    // RELEASE or COMMIT into a rollback. Remember the failure so that `work` catching it cannot
    // make a rolled-back unit look committed.
    let failed: unknown;
    const assertOpen = () => {
      if (!open) throw new Error('transaction already ended: use tx only inside its work');
    };
    const send = async (sql: string, values: readonly unknown[] | undefined) => {
      if (sent || !savepoint.renew) {
        sent = true;
        return (await client.query(queryConfig(sql, values))).rows as Row[];
      }
      sent = true;
      let inlined: string | undefined;
      try {
        inlined = inlineParameters(sql, values ?? []);
      } catch (error) {
        if (!(error instanceof UninlinableValue)) throw error;
      }
      // Large values (a blob near 1 MiB) cost more as SQL text, hex and all, than a round trip.
      if (inlined === undefined || inlined.length > MAX_INLINED_CHARS) {
        await client.query(RENEW_SAVEPOINT);
        return (await client.query(queryConfig(sql, values))).rows as Row[];
      }
      const results = (await client.query(
        `${RENEW_SAVEPOINT}; ${inlined}`,
      )) as unknown as pg.QueryResult[];
      return (results.at(-1)?.rows ?? []) as Row[];
    };
    const run: Run = async (sql, values) => {
      assertOpen();
      try {
        return await send(sql, values);
      } catch (error) {
        failed ??= error;
        throw this.#options.mapError(error);
      }
    };
    try {
      const unit = this.#options.unitTx(run, { tail, assertOpen });
      const value = await work(unit.tx);
      if (failed === undefined) await unit.finish();
      if (failed !== undefined) {
        return {
          ok: false,
          sent,
          error: new Error('a statement in the transaction failed, so nothing was committed', {
            cause: failed,
          }),
        };
      }
      return { ok: true, sent, value };
    } catch (error) {
      return { ok: false, sent, error: this.#options.mapError(error) };
    } finally {
      open = false;
    }
  }
}

/** Statements longer than this, with their values inlined, are sent with their parameters. */
const MAX_INLINED_CHARS = 256 * 1024;

/** Ends the previous unit's savepoint (keeping its work) and opens the next unit's. */
const RENEW_SAVEPOINT = 'RELEASE SAVEPOINT unit; SAVEPOINT unit';

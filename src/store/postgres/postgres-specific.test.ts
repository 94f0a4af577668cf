import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import pg from 'pg';
import { buildEvidence, buildRelease } from '../../../test/support/builders.ts';
import { type AuditEntryInput, isAuditEntryIntact } from '../../core/audit-log/audit-entry.ts';
import { hashChildren } from '../../core/audit-log/merkle-hash.ts';
import { perfectSubtrees, rangeHash } from '../../core/audit-log/merkle-tree.ts';
import type { Store } from '../store.ts';
import { applyPostgresMigrations } from './apply-migrations.ts';
import { POSTGRES_MIGRATIONS } from './migrations.ts';
import { openPostgresStore } from './postgres-store.ts';
import {
  adminQuery,
  createTestSchema,
  TEST_DATABASE_URL,
  type TestSchema,
  whenPostgresReachable,
} from './test-database.ts';

const audit = (subject: string): AuditEntryInput => ({
  time: '2026-11-23T10:00:00.000Z',
  actor: 'token:test',
  action: 'release.created',
  subject,
  details: { subject },
});

/** RFC 6962 §2.1 root computed from the leaves alone, to check the stored subtrees against. */
function naiveRoot(leaves: readonly Uint8Array[]): Uint8Array {
  if (leaves.length === 1) return leaves[0] as Uint8Array;
  let k = 1;
  while (k * 2 < leaves.length) k *= 2;
  return hashChildren(naiveRoot(leaves.slice(0, k)), naiveRoot(leaves.slice(k)));
}

async function storedRoot(store: Store, size: number): Promise<Uint8Array> {
  const refs = perfectSubtrees({ start: 0, end: size });
  const hashes = await store.getSubtreeHashes(refs);
  const byRef = new Map(refs.map((ref, i) => [`${ref.level}/${ref.index}`, hashes[i]]));
  return rangeHash(
    { start: 0, end: size },
    (ref) => byRef.get(`${ref.level}/${ref.index}`) as Uint8Array,
  );
}

/**
 * Opens two stores on one fresh schema, as two processes would, runs `use`, and always closes
 * what opened and drops the schema.
 */
async function withTwoStores(
  url: string,
  use: (stores: [Store, Store]) => Promise<void>,
): Promise<void> {
  const shared = await createTestSchema();
  const opened = await Promise.allSettled(
    [1, 2].map(() => openPostgresStore({ url, schema: shared.name, poolSize: 6 })),
  );
  try {
    const stores = opened.map((result) => {
      if (result.status === 'rejected') throw result.reason;
      return result.value;
    });
    await use(stores as [Store, Store]);
  } finally {
    await Promise.all(
      opened.map((result) => (result.status === 'fulfilled' ? result.value.close() : undefined)),
    );
    await shared.drop();
  }
}

await whenPostgresReachable('PostgreSQL store specifics', () => {
  describe('PostgreSQL store specifics', () => {
    let schema: TestSchema;
    let store: Store;
    const table = (name: string) => `"${schema.name}".${name}`;

    before(async () => {
      schema = await createTestSchema();
      store = await openPostgresStore({ url: TEST_DATABASE_URL, schema: schema.name });
      const release = buildRelease();
      await store.transaction(async (tx) => {
        await tx.insertRelease(release);
        await tx.insertEvidence(buildEvidence(release.id));
        await tx.appendAudit(audit('release:seed'));
        await tx.insertCheckpoint({
          size: 1,
          rootHash: new Uint8Array(32),
          time: '2026-11-23T10:00:00.000Z',
          keyName: 'k1',
          note: 'note\n',
        });
      });
    });
    after(async () => {
      await store.close();
      await schema.drop();
    });

    it('refuses to update, delete or truncate audit log entries, even through raw SQL', async () => {
      const log = table('audit_log');
      await assert.rejects(adminQuery(`UPDATE ${log} SET actor = 'mallory'`), /append-only/);
      await assert.rejects(adminQuery(`DELETE FROM ${log}`), /append-only/);
      await assert.rejects(adminQuery(`TRUNCATE ${log}`), /append-only/);
      assert.equal(await store.countAuditEntries(), 1);
    });

    it('refuses to update, delete or truncate evidence records', async () => {
      const evidence = table('evidence');
      await assert.rejects(adminQuery(`UPDATE ${evidence} SET sha256 = 'x'`), /immutable/);
      await assert.rejects(adminQuery(`DELETE FROM ${evidence}`), /immutable/);
      await assert.rejects(adminQuery(`TRUNCATE ${evidence} CASCADE`), /immutable/);
    });

    it('keeps Merkle nodes and checkpoints write-once', async () => {
      for (const [name, column, message] of [
        ['merkle_nodes', 'hash', /Merkle nodes are write-once/],
        ['checkpoints', 'note', /checkpoints are write-once/],
      ] as const) {
        await assert.rejects(
          adminQuery(`UPDATE ${table(name)} SET ${column} = ${column}`),
          message,
        );
        await assert.rejects(adminQuery(`DELETE FROM ${table(name)}`), message);
        await assert.rejects(adminQuery(`TRUNCATE ${table(name)}`), message);
      }
    });

    it('applies migrations once: a second run changes nothing', async () => {
      const pool = new pg.Pool({ connectionString: TEST_DATABASE_URL, max: 1 });
      try {
        const recorded = () =>
          adminQuery(`SELECT version, name, applied_at FROM ${table('schema_migrations')}
                      ORDER BY version`);
        const before = (await recorded()).rows;
        assert.deepEqual(await applyPostgresMigrations(pool, schema.name, POSTGRES_MIGRATIONS), []);
        assert.deepEqual(await applyPostgresMigrations(pool, schema.name, POSTGRES_MIGRATIONS), []);
        assert.deepEqual((await recorded()).rows, before);
        assert.deepEqual(
          before.map((row) => row.version),
          POSTGRES_MIGRATIONS.map((migration) => migration.version),
        );
      } finally {
        await pool.end();
      }
    });

    it('migrates a fresh schema exactly once when two processes start at once', async () => {
      const fresh = `${schema.name}_fresh`;
      const pools = [1, 2].map(() => new pg.Pool({ connectionString: TEST_DATABASE_URL, max: 1 }));
      try {
        const ran = await Promise.all(
          pools.map((pool) => applyPostgresMigrations(pool, fresh, POSTGRES_MIGRATIONS)),
        );
        assert.deepEqual(
          ran.flat().sort((a, b) => a - b),
          POSTGRES_MIGRATIONS.map((migration) => migration.version),
        );
        const recorded = await adminQuery(
          `SELECT count(*)::int AS n FROM "${fresh}".schema_migrations`,
        );
        assert.equal(recorded.rows[0]?.n, POSTGRES_MIGRATIONS.length);
      } finally {
        await Promise.all(pools.map((pool) => pool.end()));
        await adminQuery(`DROP SCHEMA IF EXISTS "${fresh}" CASCADE`);
      }
    });

    it('refuses a schema written by a newer Dossier', async () => {
      const newer = await createTestSchema();
      try {
        const first = await openPostgresStore({ url: TEST_DATABASE_URL, schema: newer.name });
        await first.close();
        await adminQuery(
          `INSERT INTO "${newer.name}".schema_migrations (version, name) VALUES (999, 'from the future')`,
        );
        await assert.rejects(
          openPostgresStore({ url: TEST_DATABASE_URL, schema: newer.name }),
          /schema version 999, newer than this Dossier knows/,
        );
      } finally {
        await newer.drop();
      }
    });

    it('runs with a role that may only read and write rows once `dossier migrate` ran as the owner', async () => {
      const runtime = await createTestSchema();
      const role = `${runtime.name}_rw`;
      const url = new URL(TEST_DATABASE_URL);
      url.username = role;
      await adminQuery(`CREATE ROLE "${role}" LOGIN`);
      try {
        await adminQuery(`GRANT USAGE ON SCHEMA "${runtime.name}" TO "${role}"`);
        await assert.rejects(
          openPostgresStore({ url: url.href, schema: runtime.name }),
          /needs its migration table, which this database role may not create .*run `dossier migrate` as the role that owns the schema/,
        );
        const owner = await openPostgresStore({ url: TEST_DATABASE_URL, schema: runtime.name });
        await owner.close();
        await adminQuery(`GRANT SELECT, INSERT, UPDATE, DELETE ON ALL TABLES IN SCHEMA "${runtime.name}" TO "${role}";
          GRANT USAGE, SELECT ON ALL SEQUENCES IN SCHEMA "${runtime.name}" TO "${role}"`);
        const rw = await openPostgresStore({ url: url.href, schema: runtime.name });
        try {
          const release = buildRelease();
          await rw.transaction(async (tx) => {
            await tx.insertRelease(release);
            await tx.appendAudit(audit(`release:${release.id}`));
          });
          assert.equal((await rw.getReleaseById(release.id))?.tag, release.tag);
          assert.equal(await rw.countAuditEntries(), 1);
        } finally {
          await rw.close();
        }
      } finally {
        await runtime.drop();
        await adminQuery(`DROP OWNED BY "${role}"; DROP ROLE "${role}"`);
      }
    });

    it('refuses a schema name that is not a plain lowercase identifier', async () => {
      await assert.rejects(
        openPostgresStore({ url: TEST_DATABASE_URL, schema: 'x"; DROP SCHEMA public; --' }),
        RangeError,
      );
    });

    it('commits nothing when work swallows the error of a failed statement', async () => {
      const taken = buildRelease();
      const other = buildRelease();
      await store.transaction((tx) => tx.insertRelease(taken));
      await assert.rejects(
        store.transaction(async (tx) => {
          await tx.insertRelease(buildRelease({ tag: taken.tag })).catch(() => undefined);
          await tx.insertRelease(other).catch(() => undefined);
        }),
        /nothing was committed/,
      );
      assert.equal(await store.getReleaseById(other.id), undefined);
    });

    it('keeps appends gap-free when the server defaults to repeatable read', async () => {
      const url = new URL(TEST_DATABASE_URL);
      url.searchParams.set('options', '-c default_transaction_isolation=repeatable\\ read');
      await withTwoStores(url.toString(), async (stores) => {
        const count = 40;
        await Promise.all(
          Array.from({ length: count }, (_, i) =>
            stores[i % 2]?.transaction(async (tx) => {
              await tx.countAuditEntries();
              return tx.appendAudit(audit(`release:rr${i}`));
            }),
          ),
        );
        const entries = await stores[0].listAuditEntries({ fromSeq: 0, limit: 100 });
        assert.deepEqual(
          entries.map((entry) => entry.seq),
          Array.from({ length: count }, (_, i) => i),
        );
      });
    });

    it('keeps one gap-free log when two stores append 200 entries at once', async () => {
      await withTwoStores(TEST_DATABASE_URL, async (stores) => {
        const count = 200;
        await Promise.all(
          Array.from({ length: count }, (_, i) =>
            stores[i % 2]?.transaction((tx) => tx.appendAudit(audit(`release:c${i}`))),
          ),
        );
        const reader = stores[0];
        const entries = await reader.listAuditEntries({ fromSeq: 0, limit: count + 10 });
        assert.deepEqual(
          entries.map((entry) => entry.seq),
          Array.from({ length: count }, (_, i) => i),
        );
        assert.ok(entries.every(isAuditEntryIntact), 'every leaf hash matches its entry');
        assert.equal(new Set(entries.map((entry) => entry.subject)).size, count);
        assert.equal(await reader.countAuditEntries(), count);

        const leaves = entries.map((entry) => Buffer.from(entry.leafHash, 'hex'));
        for (let size = 1; size <= count; size++) {
          assert.deepEqual(
            Buffer.from(await storedRoot(reader, size)),
            Buffer.from(naiveRoot(leaves.slice(0, size))),
            `root of ${size}`,
          );
        }
      });
    });
  });
});

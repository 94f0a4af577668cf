import { randomBytes } from 'node:crypto';
import { it } from 'node:test';
import pg from 'pg';

/**
 * Where the PostgreSQL tests run: `DOSSIER_TEST_DATABASE_URL`, or the local server a developer
 * (and CI) is expected to have. Each test works in a fresh schema of its own and drops it.
 */
export const TEST_DATABASE_URL =
  process.env.DOSSIER_TEST_DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/test';

/**
 * Defines PostgreSQL tests only when the server answers. Otherwise, outside CI, one skipped test
 * names the reason; in CI one failing test names it: an unreachable server there must fail the
 * build, never turn into a quiet skip.
 */
export async function whenPostgresReachable(name: string, define: () => void): Promise<void> {
  const unreachable = await probe();
  if (unreachable === undefined) {
    define();
  } else if (process.env.CI) {
    it(`${name}: reaches PostgreSQL`, () => {
      throw new Error(`${unreachable} (CI must run the PostgreSQL tests)`);
    });
  } else {
    it(name, { skip: unreachable }, () => undefined);
  }
}

async function probe(): Promise<string | undefined> {
  const client = new pg.Client({
    connectionString: TEST_DATABASE_URL,
    connectionTimeoutMillis: 3000,
  });
  try {
    await client.connect();
    await client.query('SELECT 1');
    return undefined;
  } catch (error) {
    const reason = error instanceof Error ? error.message || error.name : String(error);
    return `PostgreSQL at ${redacted(TEST_DATABASE_URL)} is unreachable (${reason}); start it or set DOSSIER_TEST_DATABASE_URL`;
  } finally {
    await client.end().catch(() => undefined);
  }
}

export interface TestSchema {
  name: string;
  drop(): Promise<void>;
}

/** Creates an empty schema with a random name. */
export async function createTestSchema(): Promise<TestSchema> {
  const name = `dossier_test_${randomBytes(6).toString('hex')}`;
  await adminQuery(`CREATE SCHEMA "${name}"`);
  return {
    name,
    async drop() {
      await adminQuery(`DROP SCHEMA IF EXISTS "${name}" CASCADE`);
    },
  };
}

/** One statement over a short-lived connection, as an operator at psql would run it. */
export async function adminQuery(sql: string, values: unknown[] = []): Promise<pg.QueryResult> {
  const client = new pg.Client({ connectionString: TEST_DATABASE_URL });
  await client.connect();
  try {
    return await client.query(sql, values);
  } finally {
    await client.end();
  }
}

function redacted(url: string): string {
  try {
    const parsed = new URL(url);
    if (parsed.password) parsed.password = '***';
    return parsed.toString();
  } catch {
    return '(unparseable DOSSIER_TEST_DATABASE_URL)';
  }
}

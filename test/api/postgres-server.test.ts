import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import { after, before, describe, it } from 'node:test';
import pg from 'pg';
import {
  TEST_DATABASE_URL,
  whenPostgresReachable,
} from '../../src/store/postgres/test-database.ts';
import { corpusPath } from '../support/corpus.ts';
import { type StartedServer, startServer } from '../support/start-server.ts';

const schema = `dossier_server_${randomBytes(4).toString('hex')}`;

await whenPostgresReachable('dossier serve on PostgreSQL', () => {
  describe('dossier serve with DOSSIER_DATABASE_URL and DOSSIER_BLOB_STORE=postgres', () => {
    let server: StartedServer;
    const call = (path: string, init: RequestInit = {}) =>
      fetch(`${server.url}${path}`, {
        ...init,
        headers: { authorization: `Bearer ${server.token}`, ...init.headers },
      });

    before(async () => {
      server = await startServer({
        env: {
          DOSSIER_DATABASE_URL: TEST_DATABASE_URL,
          DOSSIER_DATABASE_SCHEMA: schema,
          DOSSIER_BLOB_STORE: 'postgres',
        },
      });
    });
    after(async () => {
      await server.stop();
      const client = new pg.Client({ connectionString: TEST_DATABASE_URL });
      await client.connect();
      await client.query(`DROP SCHEMA IF EXISTS ${schema} CASCADE`);
      await client.end();
    });

    it('records a release and its evidence in PostgreSQL and serves the bytes back', async () => {
      const created = await call('/v1/releases', {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ service: 'payments-api', version: '1.0.0', commit: 'a'.repeat(40) }),
      });
      assert.equal(created.status, 201);
      const original = await readFile(corpusPath('junit', 'catch2-failure.xml'));
      const attached = await call(
        '/v1/releases/payments-api@1.0.0/evidence?kind=junit&name=r.xml',
        { method: 'POST', body: original },
      );
      assert.equal(attached.status, 201);
      const { evidence } = await attached.json();
      assert.equal(evidence.summary.failed, 1);
      const blob = await call(`/v1/blobs/${evidence.sha256}`);
      assert.deepEqual(Buffer.from(await blob.arrayBuffer()), original);

      const client = new pg.Client({ connectionString: TEST_DATABASE_URL });
      await client.connect();
      try {
        const rows = await client.query(`SELECT count(*)::int AS n FROM ${schema}.evidence`);
        assert.equal(rows.rows[0].n, 1);
        const log = await client.query(`SELECT action FROM ${schema}.audit_log ORDER BY seq`);
        assert.deepEqual(
          log.rows.map((row) => row.action),
          ['token.created', 'release.created', 'evidence.attached'],
        );
      } finally {
        await client.end();
      }
    });

    it('signs checkpoints over the PostgreSQL log', async () => {
      const checkpoint = await (await call('/v1/log/checkpoint')).json();
      assert.equal(checkpoint.size, 3);
      assert.match(checkpoint.note, /^dossier\/[0-9a-f]+\n3\n/);
    });
  });
});

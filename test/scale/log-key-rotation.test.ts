/**
 * `dossier log rotate-key` on one of several instances sharing a PostgreSQL schema: the others
 * sign their next checkpoint with the new key without a restart, and an instance whose key
 * directory lacks the new key refuses to sign instead of signing with the retired one.
 */
import assert from 'node:assert/strict';
import { copyFile, cp, rm } from 'node:fs/promises';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import type { Actor } from '../../src/core/actor.ts';
import type { SignedCheckpoint } from '../../src/core/audit-log/checkpoint.ts';
import { parseVerifierKey } from '../../src/core/audit-log/signed-note.ts';
import { checkCheckpoint } from '../../src/core/audit-log/verify-log.ts';
import { openDataDir } from '../../src/service/open-data-dir.ts';
import type { Services } from '../../src/service/services.ts';
import {
  createTestSchema,
  TEST_DATABASE_URL,
  type TestSchema,
  whenPostgresReachable,
} from '../../src/store/postgres/test-database.ts';
import { makeTempDir } from '../support/start-server.ts';

const admin: Actor = { id: 'token:admin', roles: ['admin'] };
const COMMIT = 'c'.repeat(40);

await whenPostgresReachable('log key rotation across instances on one schema', () => {
  describe('log key rotation across instances on one PostgreSQL schema', () => {
    let schema: TestSchema;
    const dirs: string[] = [];
    const open: Services[] = [];
    let releases = 0;

    async function instance(dataDir: string): Promise<Services> {
      const services = await openDataDir({
        dataDir,
        maxUploadBytes: 1024,
        databaseUrl: TEST_DATABASE_URL,
        databaseSchema: schema.name,
      });
      open.push(services);
      return services;
    }
    async function tempDir(): Promise<string> {
      const dir = await makeTempDir('dossier-rotation-');
      dirs.push(dir);
      return dir;
    }
    /** Grows the log through `services`, so its next checkpoint must be newly signed. */
    async function append(services: Services): Promise<void> {
      releases++;
      await services.releases.create(admin, {
        service: 'rotation',
        version: `1.0.${releases}`,
        commit: COMMIT,
      });
    }
    /** Problems with a checkpoint's signature, checked against the keys `services` publishes. */
    function problemsWith(services: Services, checkpoint: SignedCheckpoint) {
      const { keys, origin } = services.log.keys();
      return checkCheckpoint(
        checkpoint,
        keys.map((key) => parseVerifierKey(key.verifierKey)),
        origin,
      );
    }

    before(async () => {
      schema = await createTestSchema();
    });
    after(async () => {
      await Promise.all(open.map((services) => services.close()));
      await schema?.drop();
      await Promise.all(dirs.map((dir) => rm(dir, { recursive: true, force: true })));
    });

    let shared: string;
    let a: Services;
    let b: Services;
    let firstKey: string;
    let secondKey: string;

    it('signs the next checkpoint of every instance with the key one of them rotated to', async () => {
      shared = await tempDir();
      a = await instance(shared);
      b = await instance(shared);
      await append(b);
      firstKey = (await b.log.checkpoint()).keyName;
      assert.equal(firstKey, a.deps.signer.activeKeyName());

      const rotated = await a.log.rotateKey(admin);
      assert.equal(rotated.previous, firstKey);
      secondKey = rotated.active;
      assert.notEqual(secondKey, firstKey);

      await append(b);
      const checkpoint = await b.log.checkpoint();
      assert.equal(checkpoint.keyName, secondKey, 'b signed with the retired key');
      assert.deepEqual(problemsWith(a, checkpoint), []);
      // b publishes the new key too, as active.
      const active = b.log.keys().keys.filter((key) => key.active);
      assert.deepEqual(
        active.map((key) => key.name),
        [secondKey],
      );
    });

    it('refuses to sign on an instance whose key directory lacks the new key, then signs once it is there', async () => {
      // c has a copy of the key directory from before the next rotation, not the shared one.
      const own = await tempDir();
      await cp(join(shared, 'log-keys'), join(own, 'log-keys'), { recursive: true });
      const c = await instance(own);
      const { active: thirdKey } = await a.log.rotateKey(admin);
      await append(c);
      const before = await c.deps.store.latestCheckpoint();

      await assert.rejects(c.log.checkpoint(), (error: Error & { code?: string }) => {
        assert.equal(error.code, 'LOG_KEY_MISSING');
        assert.match(error.message, new RegExp(`signing key is now ${thirdKey}`));
        assert.match(error.message, /has no .*\.key: update the shared log-keys directory/);
        return true;
      });
      assert.deepEqual(await c.deps.store.latestCheckpoint(), before, 'c signed anyway');
      await assert.rejects(c.dossier.export(admin, 'rotation@1.0.1'), { code: 'LOG_KEY_MISSING' });

      await copyFile(
        join(shared, 'log-keys', `${thirdKey}.key`),
        join(own, 'log-keys', `${thirdKey}.key`),
      );
      const checkpoint = await c.log.checkpoint();
      assert.equal(checkpoint.keyName, thirdKey);
      assert.deepEqual(problemsWith(a, checkpoint), []);
    });

    it('refuses a file under the new key’s name that is not the recorded key', async () => {
      const own = await tempDir();
      await cp(join(shared, 'log-keys'), join(own, 'log-keys'), { recursive: true });
      const d = await instance(own);
      const { active: fourthKey } = await a.log.rotateKey(admin);
      // Some other key, under the recorded name.
      await copyFile(
        join(shared, 'log-keys', `${firstKey}.key`),
        join(own, 'log-keys', `${fourthKey}.key`),
      );
      await append(d);
      await assert.rejects(d.log.checkpoint(), {
        code: 'LOG_KEY_MISSING',
        message: new RegExp(`is not the log key recorded as ${fourthKey}`),
      });
    });
  });
});

import assert from 'node:assert/strict';
import { generateKeyPairSync } from 'node:crypto';
import { cp, mkdtemp, readdir, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import type { Actor } from '../core/actor.ts';
import { openDataDir } from './open-data-dir.ts';

const admin: Actor = { id: 'token:ops', roles: ['admin'] };

describe('the log identity recorded with the log', () => {
  let root: string;
  before(async () => {
    root = await mkdtemp(join(tmpdir(), 'dossier-identity-'));
  });
  after(() => rm(root, { recursive: true, force: true }));

  it('records the keys on first start and reopens with the same key directory', async () => {
    const dataDir = join(root, 'a');
    const first = await openDataDir({ dataDir, maxUploadBytes: 1024 });
    const recorded = await first.deps.store.listLogKeys();
    assert.deepEqual(
      recorded.map((key) => [key.name, key.origin, key.verifierKey]),
      first.log.keys().keys.map((key) => [key.name, first.log.keys().origin, key.verifierKey]),
    );
    await first.close();
    const again = await openDataDir({ dataDir, maxUploadBytes: 1024 });
    assert.equal(again.log.keys().origin, first.log.keys().origin);
    await again.close();
  });

  it('refuses to start without the log-keys directory the log was created with, creating no new key', async () => {
    const dataDir = join(root, 'b');
    await (await openDataDir({ dataDir, maxUploadBytes: 1024 })).close();
    await rm(join(dataDir, 'log-keys'), { recursive: true });
    await assert.rejects(openDataDir({ dataDir, maxUploadBytes: 1024 }), {
      code: 'DATA_DIR_UNUSABLE',
      message: /holds no log keys, but this log already has signing keys recorded/,
    });
    assert.deepEqual(await readdir(join(dataDir, 'log-keys')), []);
  });

  it('refuses another log’s key directory, naming both logs', async () => {
    const mine = join(root, 'c');
    const theirs = join(root, 'd');
    await (await openDataDir({ dataDir: mine, maxUploadBytes: 1024 })).close();
    await (await openDataDir({ dataDir: theirs, maxUploadBytes: 1024 })).close();
    await rm(join(mine, 'log-keys'), { recursive: true });
    await cp(join(theirs, 'log-keys'), join(mine, 'log-keys'), { recursive: true });
    await assert.rejects(openDataDir({ dataDir: mine, maxUploadBytes: 1024 }), {
      code: 'DATA_DIR_UNUSABLE',
      message: /are for log "dossier\/[0-9a-f]+", but this database's log is "dossier\/[0-9a-f]+"/,
    });
  });

  it('records a rotated key with the log', async () => {
    const services = await openDataDir({ dataDir: join(root, 'e'), maxUploadBytes: 1024 });
    try {
      const { active } = await services.log.rotateKey(admin);
      assert.deepEqual(
        (await services.deps.store.listLogKeys()).map((key) => key.name).sort(),
        services.log
          .keys()
          .keys.map((key) => key.name)
          .sort(),
      );
      assert.ok((await services.deps.store.listLogKeys()).some((key) => key.name === active));
    } finally {
      await services.close();
    }
  });

  it('neither records nor signs with a key file the log never recorded', async () => {
    const dataDir = join(root, 'f');
    const first = await openDataDir({ dataDir, maxUploadBytes: 1024 });
    const recorded = await first.deps.store.listLogKeys();
    await first.close();
    // A stray key, even named as active: left by a failed rotation, or copied in by hand.
    const { privateKey } = generateKeyPairSync('ed25519');
    const keyDir = join(dataDir, 'log-keys');
    await writeFile(
      join(keyDir, 'stray-k9.key'),
      privateKey.export({ format: 'pem', type: 'pkcs8' }),
    );
    await writeFile(join(keyDir, 'active'), 'stray-k9\n');
    const again = await openDataDir({ dataDir, maxUploadBytes: 1024 });
    try {
      assert.deepEqual(await again.deps.store.listLogKeys(), recorded);
      await again.releases.create(admin, {
        service: 's',
        version: '1.0.0',
        commit: 'c'.repeat(40),
      });
      assert.equal((await again.log.checkpoint()).keyName, recorded[0]?.name);
    } finally {
      await again.close();
    }
  });
});

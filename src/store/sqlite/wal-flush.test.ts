import assert from 'node:assert/strict';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, it } from 'node:test';
import { buildRelease } from '../../../test/support/builders.ts';
import type { Store } from '../store.ts';
import { openSqliteStore } from './sqlite-store.ts';

/**
 * COMMIT runs with synchronous = NORMAL and the store flushes the WAL itself, off the event loop.
 * What makes that as durable as synchronous = FULL: no transaction is answered before a flush of
 * the WAL that began after its COMMIT has finished.
 */
describe('SQLite store: transactions are answered only after the WAL is flushed', () => {
  let dir: string;
  let store: Store;
  /** Flushes asked for and not yet let finish, oldest first. */
  let flushes: { path: string; finish: (error?: Error) => void }[];
  let manual: boolean;

  beforeEach(async () => {
    dir = await mkdtemp(join(tmpdir(), 'dossier-wal-flush-'));
    flushes = [];
    manual = false;
    store = await openSqliteStore(join(dir, 'dossier.db'), {
      flushFile: (path) =>
        manual
          ? new Promise<void>((resolve, reject) => {
              flushes.push({ path, finish: (error) => (error ? reject(error) : resolve()) });
            })
          : Promise.resolve(),
    });
    manual = true;
  });
  afterEach(async () => {
    manual = false;
    for (const flush of flushes) flush.finish();
    await store.close();
    await rm(dir, { recursive: true, force: true });
  });

  const settled = async (promise: Promise<unknown>) => {
    let done = false;
    void promise.then(
      () => {
        done = true;
      },
      () => {
        done = true;
      },
    );
    await new Promise((resolve) => setTimeout(resolve, 20));
    return done;
  };

  it('holds the answer until the flush of the WAL file finishes', async () => {
    const release = buildRelease();
    const committing = store.transaction((tx) => tx.insertRelease(release));
    assert.equal(await settled(committing), false, 'answered before the flush');
    assert.equal(flushes.length, 1);
    assert.equal(flushes[0]?.path, join(dir, 'dossier.db-wal'));
    flushes[0]?.finish();
    await committing;
    assert.deepEqual(await store.getReleaseById(release.id), release);
  });

  it('does not count a flush that began before the COMMIT', async () => {
    const first = store.transaction((tx) => tx.insertRelease(buildRelease()));
    while (flushes.length < 1) await new Promise((resolve) => setImmediate(resolve));
    // A second transaction commits while the first one's flush is under way.
    const second = store.transaction((tx) => tx.insertRelease(buildRelease()));
    assert.equal(await settled(second), false);
    flushes[0]?.finish();
    await first;
    assert.equal(await settled(second), false, 'answered by a flush that began before it');
    assert.equal(flushes.length, 2);
    flushes[1]?.finish();
    await second;
  });

  it('answers every transaction of a group with one flush', async () => {
    const group = Array.from({ length: 5 }, () =>
      store.transaction((tx) => tx.insertRelease(buildRelease())),
    );
    await settled(Promise.all(group));
    assert.equal(flushes.length, 1);
    flushes[0]?.finish();
    await Promise.all(group);
  });

  it('fails the group and refuses later writes when a flush fails', async () => {
    const committing = store.transaction((tx) => tx.insertRelease(buildRelease()));
    while (flushes.length < 1) await new Promise((resolve) => setImmediate(resolve));
    flushes[0]?.finish(Object.assign(new Error('EIO'), { code: 'EIO' }));
    await assert.rejects(committing, /flushing the SQLite WAL failed/);
    await assert.rejects(
      store.transaction((tx) => tx.insertRelease(buildRelease())),
      /flushing the SQLite WAL failed/,
    );
  });
});

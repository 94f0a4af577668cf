import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { runStoreConformance } from '../store.conformance.ts';
import { openSqliteStore } from './sqlite-store.ts';

runStoreConformance({
  name: 'sqlite',
  async open() {
    const dir = await mkdtemp(join(tmpdir(), 'dossier-sqlite-'));
    const path = join(dir, 'dossier.db');
    let store = await openSqliteStore(path);
    return {
      store,
      async reopen() {
        await store.close();
        store = await openSqliteStore(path);
        return store;
      },
      async dispose() {
        await store.close();
        await rm(dir, { recursive: true, force: true });
      },
    };
  },
});

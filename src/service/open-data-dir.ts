import { access, constants, mkdir } from 'node:fs/promises';
import { join } from 'node:path';
import { DossierError } from '../core/errors.ts';
import { openFileBlobStore } from '../store/blob/file-blob-store.ts';
import { openSqliteStore } from '../store/sqlite/sqlite-store.ts';
import { type Clock, systemClock } from './clock.ts';
import type { Config } from './config.ts';
import { ulidGenerator } from './ids.ts';
import { loadTrust } from './load-trust.ts';
import { openLogKeyring } from './log-keyring.ts';
import { createServices, type Services } from './services.ts';

export interface OpenDataDirOptions {
  clock?: Clock;
}

/**
 * Opens the embedded data directory (created if missing): `dossier.db` (SQLite, WAL) for records
 * and the audit log, `blobs/` for evidence bytes, `log-keys/` for the keys that sign the log's
 * checkpoints.
 */
export async function openDataDir(
  config: Pick<Config, 'dataDir' | 'maxUploadBytes'> &
    Partial<Pick<Config, 'trustedRoot' | 'dsseKeys'>>,
  options: OpenDataDirOptions = {},
): Promise<Services> {
  const { dataDir } = config;
  try {
    await mkdir(dataDir, { recursive: true, mode: 0o700 });
    await access(dataDir, constants.R_OK | constants.W_OK);
  } catch (error) {
    throw new DossierError(
      'DATA_DIR_UNUSABLE',
      `cannot use data directory ${dataDir}: ${(error as Error).message}`,
      { cause: error },
    );
  }
  const trust = await loadTrust(config);
  const clock = options.clock ?? systemClock;
  const store = await openSqliteStore(join(dataDir, 'dossier.db'));
  const blobs = await openFileBlobStore(join(dataDir, 'blobs'));
  const signer = await openLogKeyring(join(dataDir, 'log-keys'));
  return createServices({ store, blobs, clock, ids: ulidGenerator(clock), signer, config, trust });
}

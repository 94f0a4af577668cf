import { access, constants, mkdir } from 'node:fs/promises';
import { join } from 'node:path';
import type { AccessConfig } from '../core/access/access-config.ts';
import { DossierError } from '../core/errors.ts';
import { openFileBlobStore } from '../store/blob/file-blob-store.ts';
import { openPostgresBlobStore } from '../store/postgres/pg-blob-store.ts';
import { openPostgresStore } from '../store/postgres/postgres-store.ts';
import { sqliteBlobStore } from '../store/sqlite/sqlite-blob-store.ts';
import { inlineBlobTable, openSqliteStore } from '../store/sqlite/sqlite-store.ts';
import { loadAccessConfig } from './access-settings.ts';
import { type Clock, systemClock } from './clock.ts';
import { type Config, SETTINGS } from './config.ts';
import type { AccessSettings } from './deps.ts';
import { ulidGenerator } from './ids.ts';
import { loadTrust } from './load-trust.ts';
import { reconcileLogKeys } from './log-identity.ts';
import { openLogKeyring } from './log-keyring.ts';
import { DEFAULT_PASSWORD_PARAMS, type PasswordHashParams } from './password-hash.ts';
import { createServices, type Services } from './services.ts';

export interface OpenDataDirOptions {
  clock?: Clock;
  /** Access configuration to use instead of reading `config.accessConfig` (tests). */
  access?: AccessConfig;
  /** Password hash cost (tests use a cheaper one); the default is DEFAULT_PASSWORD_PARAMS. */
  passwordParams?: PasswordHashParams;
}

/**
 * Opens Dossier's storage. With DOSSIER_DATABASE_URL, records and the audit log live in
 * PostgreSQL (and the blobs too with DOSSIER_BLOB_STORE=postgres); the data directory then holds
 * only what is not shared, such as the log's signing keys. Otherwise the embedded data directory
 * (created if missing): `dossier.db` (SQLite, WAL) for records
 * and the audit log, `blobs/` for evidence bytes, `log-keys/` for the keys that sign the log's
 * checkpoints.
 */
export async function openDataDir(
  config: Pick<Config, 'dataDir' | 'maxUploadBytes'> &
    Partial<
      Pick<
        Config,
        | 'trustedRoot'
        | 'dsseKeys'
        | 'databaseUrl'
        | 'databaseSchema'
        | 'databasePoolSize'
        | 'blobStore'
        | 'accessConfig'
        | 'sessionTtlSeconds'
      >
    >,
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
  const accessSettings: AccessSettings = {
    config: options.access ?? (await loadAccessConfig(config.accessConfig)),
    sessionTtlSeconds: config.sessionTtlSeconds ?? SETTINGS.sessionTtlSeconds.default,
    passwordParams: options.passwordParams ?? DEFAULT_PASSWORD_PARAMS,
  };
  const clock = options.clock ?? systemClock;
  const store = config.databaseUrl
    ? await openPostgresStore({
        url: config.databaseUrl,
        schema: config.databaseSchema ?? 'public',
        ...(config.databasePoolSize === undefined ? {} : { poolSize: config.databasePoolSize }),
      })
    : await openSqliteStore(join(dataDir, 'dossier.db'));
  const files = () => openFileBlobStore(join(dataDir, 'blobs'));
  const blobs = !config.databaseUrl
    ? // Embedded: small blobs in dossier.db, larger ones in blobs/.
      sqliteBlobStore(inlineBlobTable(store), await files())
    : config.blobStore === 'postgres'
      ? await openPostgresBlobStore({
          url: config.databaseUrl,
          schema: config.databaseSchema ?? 'public',
        })
      : await files();
  const keyDir = join(dataDir, 'log-keys');
  const hasRecordedKeys = (await store.listLogKeys()).length > 0;
  const signer = await openLogKeyring(keyDir, { create: !hasRecordedKeys }).catch(
    async (error: unknown) => {
      await store.close();
      throw error;
    },
  );
  await reconcileLogKeys(store, signer, keyDir, clock).catch(async (error: unknown) => {
    await store.close();
    throw error;
  });
  return createServices({
    store,
    blobs,
    clock,
    ids: ulidGenerator(clock),
    signer,
    config,
    trust,
    access: accessSettings,
  });
}

/** For messages: where the records live. */
export function storageDescription(
  config: Pick<Config, 'dataDir'> & Partial<Pick<Config, 'databaseUrl' | 'databaseSchema'>>,
): string {
  if (!config.databaseUrl) return `embedded database in ${config.dataDir}`;
  const url = new URL(config.databaseUrl);
  url.password = url.password ? '***' : '';
  return `PostgreSQL ${url.host}${url.pathname} schema ${config.databaseSchema ?? 'public'}`;
}

import { DossierError } from '../core/errors.ts';
import type { Store } from '../store/store.ts';
import { StoreConflictError } from '../store/store.ts';
import type { Clock } from './clock.ts';
import type { ServiceDeps } from './deps.ts';
import type { LogSigner } from './log-keyring.ts';

/**
 * Checks that the key directory belongs to this log, and on the log's first start records its
 * keys. Later, a key file the log has not recorded is not its key: only `rotateLogKey` adds one
 * (with its audit entry), and recording a stray file would make it the newest, signing key.
 * Every instance on one database must sign with the same log identity: an instance with another
 * key directory would sign checkpoints no verifier could reconcile, so it is refused at start.
 */
export async function reconcileLogKeys(
  store: Store,
  signer: LogSigner,
  keyDir: string,
  clock: Clock,
): Promise<void> {
  const recorded = await store.listLogKeys();
  const origin = recorded[0]?.origin;
  if (origin !== undefined && origin !== signer.origin) {
    throw new DossierError(
      'DATA_DIR_UNUSABLE',
      `the log keys in ${keyDir} are for log "${signer.origin}", but this database's log is "${origin}": mount the log-keys directory the other instances use`,
    );
  }
  const published = signer.publishedKeys();
  for (const key of recorded) {
    const mine = published.find((candidate) => candidate.name === key.name);
    if (mine && mine.verifierKey !== key.verifierKey) {
      throw new DossierError(
        'DATA_DIR_UNUSABLE',
        `log key ${key.name} in ${keyDir} is not the key recorded with the log under that name`,
      );
    }
  }
  if (recorded.length > 0) return;
  const createdAt = clock.now().toISOString();
  try {
    await store.transaction(async (tx) => {
      for (const key of published)
        await tx.insertLogKey({
          name: key.name,
          origin: signer.origin,
          verifierKey: key.verifierKey,
          createdAt,
        });
    });
  } catch (error) {
    // Another instance recorded the same keys at the same moment.
    if (!(error instanceof StoreConflictError)) throw error;
  }
}

/**
 * Before signing: the newest key recorded with the log is the one to sign with. Another
 * instance on the same database may have rotated since this one started; its key file is then
 * loaded from the shared key directory, and signing is refused (LOG_KEY_MISSING) while it is
 * not there, rather than done with the retired key.
 */
export async function followRecordedSigningKey(
  deps: Pick<ServiceDeps, 'store' | 'signer'>,
): Promise<void> {
  const recorded = await deps.store.listLogKeys();
  // Keys recorded at the log's first start share one time; the key directory's `active` file
  // chose among them. A rotation records one key, later.
  const newestTime = recorded.at(-1)?.createdAt;
  const newest = recorded.filter((key) => key.createdAt === newestTime);
  const active = deps.signer.activeKeyName();
  const target = newest.at(-1);
  if (!target || newest.some((key) => key.name === active)) return;
  await deps.signer.activate(target.name, target.verifierKey);
}

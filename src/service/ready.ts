import { DossierError } from '../core/errors.ts';
import type { ServiceDeps } from './deps.ts';

const READY_TIMEOUT_MS = 3000;

/** Ready means the store answers a cheap read in time: records can be read and written. */
export async function checkReady(deps: Pick<ServiceDeps, 'store'>): Promise<void> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(
      () => reject(new Error(`no answer within ${READY_TIMEOUT_MS} ms`)),
      READY_TIMEOUT_MS,
    );
  });
  try {
    await Promise.race([deps.store.countTokens(), timeout]);
  } catch (error) {
    throw new DossierError(
      'STORAGE_UNAVAILABLE',
      `storage does not answer: ${(error as Error).message}`,
      { cause: error },
    );
  } finally {
    clearTimeout(timer);
  }
}

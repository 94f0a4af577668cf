import type { TrustMaterial } from '../evidence/format.ts';
import type { BlobStore } from '../store/blob/blob-store.ts';
import type { Store } from '../store/store.ts';
import type { Clock } from './clock.ts';
import type { Config } from './config.ts';
import type { IdGenerator } from './ids.ts';
import type { LogSigner } from './log-keyring.ts';

/** What every use case may touch: the narrow interfaces, never a concrete adapter. */
export interface ServiceDeps {
  store: Store;
  blobs: BlobStore;
  clock: Clock;
  ids: IdGenerator;
  signer: LogSigner;
  config: Pick<Config, 'maxUploadBytes'>;
  /** Keys and roots that evidence signatures are checked against; none by default. */
  trust?: TrustMaterial;
}

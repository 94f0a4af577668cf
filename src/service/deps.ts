import type { AccessConfig } from '../core/access/access-config.ts';
import type { TrustMaterial } from '../evidence/format.ts';
import type { BlobStore } from '../store/blob/blob-store.ts';
import type { Store } from '../store/store.ts';
import type { Clock } from './clock.ts';
import type { Config } from './config.ts';
import type { IdGenerator } from './ids.ts';
import type { LogSigner } from './log-keyring.ts';
import type { PasswordHashParams } from './password-hash.ts';

/** What every use case may touch: the narrow interfaces, never a concrete adapter. */
export interface ServiceDeps {
  store: Store;
  blobs: BlobStore;
  clock: Clock;
  ids: IdGenerator;
  signer: LogSigner;
  config: Pick<Config, 'maxUploadBytes'> &
    Partial<Pick<Config, 'githubWebhookSecret' | 'gitlabWebhookToken' | 'cdeventsSecret'>>;
  /** Keys and roots that evidence signatures are checked against; none by default. */
  trust?: TrustMaterial;
  /** Accounts and credentials: trusted OIDC issuers, training rules, session and hash settings. */
  access?: AccessSettings;
}

export interface AccessSettings {
  config: AccessConfig;
  /** How long a session lasts after sign-in, in seconds. */
  sessionTtlSeconds: number;
  passwordParams: PasswordHashParams;
}

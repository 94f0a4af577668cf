import { resolve } from 'node:path';
import { z } from 'zod';
import { DossierError, type InputIssue } from '../core/errors.ts';
import { webhookSecretProblem } from '../core/webhooks/webhook-secret.ts';

/**
 * Every setting Dossier reads, once, at start. Flags win over environment variables, which win
 * over the defaults below. docs/configuration.md documents each row (a test keeps them in step).
 */
export const SETTINGS = {
  dataDir: { flag: '--data', env: 'DOSSIER_DATA', default: './dossier-data' },
  host: { flag: '--host', env: 'DOSSIER_HOST', default: '127.0.0.1' },
  port: { flag: '--port', env: 'DOSSIER_PORT', default: 7600 },
  maxUploadBytes: {
    flag: '--max-upload-bytes',
    env: 'DOSSIER_MAX_UPLOAD_BYTES',
    default: 512 * 1024 * 1024, // 512 MiB
  },
  bootstrapToken: { flag: undefined, env: 'DOSSIER_BOOTSTRAP_TOKEN', default: undefined },
  databaseUrl: { flag: '--database-url', env: 'DOSSIER_DATABASE_URL', default: undefined },
  databaseSchema: { flag: '--database-schema', env: 'DOSSIER_DATABASE_SCHEMA', default: 'public' },
  blobStore: { flag: '--blob-store', env: 'DOSSIER_BLOB_STORE', default: 'file' },
  databasePoolSize: { flag: undefined, env: 'DOSSIER_DATABASE_POOL_SIZE', default: 10 },
  trustedRoot: { flag: '--trusted-root', env: 'DOSSIER_TRUSTED_ROOT', default: undefined },
  dsseKeys: { flag: '--dsse-keys', env: 'DOSSIER_DSSE_KEYS', default: undefined },
  accessConfig: { flag: '--access-config', env: 'DOSSIER_ACCESS_CONFIG', default: undefined },
  sessionTtlSeconds: {
    flag: '--session-ttl-seconds',
    env: 'DOSSIER_SESSION_TTL_SECONDS',
    default: 8 * 60 * 60, // 8 hours
  },
  // Webhook secrets for a first setup; one registered with `dossier integration add` wins.
  githubWebhookSecret: {
    flag: undefined,
    env: 'DOSSIER_GITHUB_WEBHOOK_SECRET',
    default: undefined,
  },
  gitlabWebhookToken: { flag: undefined, env: 'DOSSIER_GITLAB_WEBHOOK_TOKEN', default: undefined },
  cdeventsSecret: { flag: undefined, env: 'DOSSIER_CDEVENTS_SECRET', default: undefined },
  jobPollIntervalMs: {
    flag: '--job-poll-interval-ms',
    env: 'DOSSIER_JOB_POLL_INTERVAL_MS',
    default: 1000, // 1 s; 0: this instance runs no background jobs
  },
  jobLeaseMs: {
    flag: '--job-lease-ms',
    env: 'DOSSIER_JOB_LEASE_MS',
    default: 60_000, // 1 min: how soon a killed instance's jobs run elsewhere
  },
  checkpointIntervalMs: {
    flag: '--checkpoint-interval-ms',
    env: 'DOSSIER_CHECKPOINT_INTERVAL_MS',
    default: 60_000, // 1 min; 0: no periodic checkpoints
  },
  // Outbound: commit statuses on GitHub / GitLab, links back to Dossier, webhook targets.
  publicUrl: { flag: undefined, env: 'DOSSIER_PUBLIC_URL', default: undefined },
  githubApiUrl: {
    flag: undefined,
    env: 'DOSSIER_GITHUB_API_URL',
    default: 'https://api.github.com',
  },
  githubToken: { flag: undefined, env: 'DOSSIER_GITHUB_TOKEN', default: undefined },
  gitlabApiUrl: {
    flag: undefined,
    env: 'DOSSIER_GITLAB_API_URL',
    default: 'https://gitlab.com/api/v4',
  },
  gitlabToken: { flag: undefined, env: 'DOSSIER_GITLAB_TOKEN', default: undefined },
  webhookAllowPrivate: {
    flag: undefined,
    env: 'DOSSIER_WEBHOOK_ALLOW_PRIVATE',
    default: 'false',
  },
} as const;

export type SettingName = keyof typeof SETTINGS;

const webhookSecret = z.string().refine((value) => webhookSecretProblem(value) === undefined, {
  error: (issue) => webhookSecretProblem(String(issue.input)) ?? 'invalid',
});
const httpUrl = z
  .url({ protocol: /^https?$/, error: 'must be an http(s) URL' })
  .transform((value) => value.replace(/\/+$/, ''));
const milliseconds = (min: number) =>
  z.coerce
    .number({ error: 'must be a number of milliseconds' })
    .int('must be a whole number of milliseconds')
    .min(min, `must be at least ${min} ms`);

const ConfigSchema = z
  .object({
    dataDir: z.string().min(1, 'must not be empty'),
    host: z.string().min(1, 'must not be empty'),
    port: z.coerce
      .number({ error: 'must be a number' })
      .int('must be a whole number')
      .min(0, 'must be between 0 and 65535')
      .max(65535, 'must be between 0 and 65535'),
    maxUploadBytes: z.coerce
      .number({ error: 'must be a number of bytes' })
      .int('must be a whole number of bytes')
      .positive('must be a positive number of bytes'),
    bootstrapToken: z.string().optional(),
    databaseUrl: z
      .string()
      .regex(/^postgres(ql)?:\/\//, 'must be a postgres:// URL')
      .optional(),
    databaseSchema: z
      .string()
      .regex(/^[a-z_][a-z0-9_]{0,62}$/, 'must be a lowercase SQL identifier'),
    blobStore: z.enum(['file', 'postgres'], { error: 'must be file or postgres' }),
    databasePoolSize: z.coerce
      .number({ error: 'must be a number of connections' })
      .int('must be a whole number')
      .min(2, 'must be at least 2 (one for reads, one for transactions)')
      .max(500, 'must be at most 500'),
    trustedRoot: z.string().min(1).optional(),
    dsseKeys: z.string().min(1).optional(),
    accessConfig: z.string().min(1).optional(),
    sessionTtlSeconds: z.coerce
      .number({ error: 'must be a number of seconds' })
      .int('must be a whole number of seconds')
      .min(60, 'must be at least 60 seconds')
      .max(30 * 24 * 60 * 60, 'must be at most 30 days'),
    githubWebhookSecret: webhookSecret.optional(),
    gitlabWebhookToken: webhookSecret.optional(),
    cdeventsSecret: webhookSecret.optional(),
    jobPollIntervalMs: milliseconds(0),
    jobLeaseMs: milliseconds(1000),
    checkpointIntervalMs: milliseconds(0),
    publicUrl: httpUrl.optional(),
    githubApiUrl: httpUrl,
    githubToken: z.string().min(1).optional(),
    gitlabApiUrl: httpUrl,
    gitlabToken: z.string().min(1).optional(),
    webhookAllowPrivate: z
      .enum(['true', 'false'], { error: 'must be true or false' })
      .transform((value) => value === 'true'),
  })
  .strict();

export type Config = Readonly<z.output<typeof ConfigSchema>>;

export interface ConfigSources {
  /** Values from command-line flags, by setting name; undefined means not given. */
  flags?: Partial<Record<SettingName, string | number | undefined>>;
  env?: Record<string, string | undefined>;
}

export function loadConfig(sources: ConfigSources = {}): Config {
  const raw: Record<string, unknown> = {};
  for (const [name, setting] of Object.entries(SETTINGS) as [
    SettingName,
    (typeof SETTINGS)[SettingName],
  ][]) {
    const fromFlag = sources.flags?.[name];
    const fromEnv = setting.env ? sources.env?.[setting.env] : undefined;
    const value = fromFlag ?? (fromEnv === '' ? undefined : fromEnv) ?? setting.default;
    if (value !== undefined) raw[name] = value;
  }
  const parsed = ConfigSchema.safeParse(raw);
  if (!parsed.success) {
    const issues: InputIssue[] = parsed.error.issues.map((issue) => {
      const name = String(issue.path[0]) as SettingName;
      const setting = SETTINGS[name];
      const where = [setting?.flag, setting?.env].filter(Boolean).join(' / ') || name;
      return { path: where, message: issue.message };
    });
    throw new DossierError(
      'INVALID_INPUT',
      `invalid configuration: ${issues.map((issue) => `${issue.path} ${issue.message}`).join('; ')}`,
      { issues },
    );
  }
  if (parsed.data.blobStore === 'postgres' && !parsed.data.databaseUrl) {
    throw new DossierError(
      'INVALID_INPUT',
      'invalid configuration: --blob-store / DOSSIER_BLOB_STORE postgres needs DOSSIER_DATABASE_URL',
      {
        issues: [
          {
            path: '--blob-store / DOSSIER_BLOB_STORE',
            message: 'postgres needs DOSSIER_DATABASE_URL',
          },
        ],
      },
    );
  }
  return Object.freeze({ ...parsed.data, dataDir: resolve(parsed.data.dataDir) });
}

import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import type { Command } from 'commander';
import { buildServer } from '../../api/server.ts';
import { DossierError } from '../../core/errors.ts';
import { loadConfig } from '../../service/config.ts';
import type { JobHandler } from '../../service/jobs/job-handler.ts';
import { createJobRunner } from '../../service/jobs/start-job-runner.ts';
import { openDataDir } from '../../service/open-data-dir.ts';
import { checkBootstrapToken } from '../../service/tokens.ts';
import type { Output } from '../output.ts';

const WEB_ROOT = fileURLToPath(new URL('../../../build/web/', import.meta.url));

interface ServeOptions {
  port?: string;
  host?: string;
  data?: string;
  maxUploadBytes?: string;
  databaseUrl?: string;
  databaseSchema?: string;
  blobStore?: string;
  trustedRoot?: string;
  dsseKeys?: string;
  accessConfig?: string;
  sessionTtlSeconds?: string;
  jobPollIntervalMs?: string;
  jobLeaseMs?: string;
  checkpointIntervalMs?: string;
}

export interface ServeExtensions {
  /** Background job kinds run besides Dossier's own (an embedding program's, a test's). */
  jobHandlers?: readonly JobHandler[];
}

export function registerServe(
  program: Command,
  io: Output,
  version: string,
  extensions: ServeExtensions = {},
): void {
  program
    .command('serve')
    .description('serve the API and the web UI (embedded data directory, or PostgreSQL)')
    .option('--port <n>', 'port to listen on (0 picks a free one)')
    .option('--host <h>', 'address to listen on')
    .option('--data <dir>', 'data directory')
    .option('--max-upload-bytes <n>', 'largest evidence file accepted, in bytes')
    .option(
      '--database-url <url>',
      'PostgreSQL for records and the audit log (default: embedded SQLite)',
    )
    .option('--database-schema <name>', 'PostgreSQL schema to use')
    .option('--blob-store <kind>', 'where evidence bytes live: file or postgres')
    .option(
      '--trusted-root <file>',
      'Sigstore trusted_root.json to verify Sigstore bundles against',
    )
    .option('--dsse-keys <file>', 'JSON list of { keyId, pem | pemFile } for DSSE signatures')
    .option(
      '--access-config <file>',
      'trusted OIDC issuers, CI identities and training rules (YAML or JSON; docs/access.md)',
    )
    .option('--session-ttl-seconds <n>', 'how long a sign-in session lasts')
    .option('--job-poll-interval-ms <ms>', 'pause between background job polls (0: run no jobs)')
    .option(
      '--job-lease-ms <ms>',
      'how long a claimed job is held before another instance may run it',
    )
    .option(
      '--checkpoint-interval-ms <ms>',
      'publish a signed log checkpoint this often (0: never)',
    )
    .action(async (options: ServeOptions) => {
      const config = loadConfig({
        flags: {
          port: options.port,
          host: options.host,
          dataDir: options.data,
          maxUploadBytes: options.maxUploadBytes,
          databaseUrl: options.databaseUrl,
          databaseSchema: options.databaseSchema,
          blobStore: options.blobStore,
          trustedRoot: options.trustedRoot,
          dsseKeys: options.dsseKeys,
          accessConfig: options.accessConfig,
          sessionTtlSeconds: options.sessionTtlSeconds,
          jobPollIntervalMs: options.jobPollIntervalMs,
          jobLeaseMs: options.jobLeaseMs,
          checkpointIntervalMs: options.checkpointIntervalMs,
        },
        env: process.env,
      });
      // Refuse a bad bootstrap token before anything is created on disk.
      checkBootstrapToken(config.bootstrapToken);
      const services = await openDataDir(config);
      const app = await buildServer({
        services,
        config,
        webRoot: existsSync(WEB_ROOT) ? WEB_ROOT : undefined,
        logLevel: 'warn',
        version,
      });
      try {
        await app.listen({ port: config.port, host: config.host });
      } catch (error) {
        await services.close();
        throw listenError(error, config.host, config.port);
      }
      // Only once the server listens is the first admin token created and shown: a start that
      // fails earlier must not leave a data directory with a token nobody was told.
      const bootstrap = await services.tokens.ensureBootstrap(config.bootstrapToken);
      const address = app.server.address();
      const port = typeof address === 'object' && address ? address.port : config.port;
      const host = config.host.includes(':') ? `[${config.host}]` : config.host;
      if (bootstrap.generatedToken) {
        io.out('Created the first admin API token. It is shown only this once; store it now:');
        io.out(`  ${bootstrap.generatedToken}`);
      } else if (bootstrap.created) {
        io.out('Created the first admin API token from DOSSIER_BOOTSTRAP_TOKEN.');
      }
      io.out(`Data directory: ${config.dataDir}`);
      if (!existsSync(WEB_ROOT))
        io.out('Web UI not built (run `npm run build:web`); serving the API only.');
      // Jobs start once the server is up: a start that fails must not have claimed any.
      const jobs = createJobRunner(services, config, {
        extraHandlers: extensions.jobHandlers ?? [],
        onError: (error, job) =>
          io.err(
            `dossier: background job${job ? ` ${job.kind} ${job.id} (attempt ${job.attempts})` : 's'}: ${
              error instanceof Error ? error.message : String(error)
            }`,
          ),
      });
      jobs?.start();
      io.out(`Dossier ${version} listening on http://${host}:${port}`);
      await new Promise<void>((resolve) => {
        const stop = () => resolve();
        process.once('SIGINT', stop);
        process.once('SIGTERM', stop);
      });
      // Running jobs get a few seconds to finish; the rest are given back to the queue.
      await Promise.all([app.close(), jobs?.stop()]);
      await services.close();
    });
}

function listenError(error: unknown, host: string, port: number): Error {
  const code = (error as NodeJS.ErrnoException).code;
  if (code === 'EADDRINUSE') {
    return new DossierError(
      'INVALID_INPUT',
      `port ${port} on ${host} is already in use; choose another with --port or DOSSIER_PORT`,
      {
        issues: [{ path: '--port / DOSSIER_PORT', message: 'in use' }],
      },
    );
  }
  if (code === 'EADDRNOTAVAIL' || code === 'ENOTFOUND' || code === 'EACCES') {
    return new DossierError(
      'INVALID_INPUT',
      `cannot listen on ${host}:${port} (${code}); check --host and --port`,
      {
        issues: [{ path: '--host / DOSSIER_HOST', message: String(code) }],
      },
    );
  }
  return error as Error;
}

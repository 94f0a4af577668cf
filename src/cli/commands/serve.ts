import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import type { Command } from 'commander';
import { buildServer } from '../../api/server.ts';
import { loadConfig } from '../../service/config.ts';
import { openDataDir } from '../../service/open-data-dir.ts';
import type { Output } from '../output.ts';

const WEB_ROOT = fileURLToPath(new URL('../../../build/web/', import.meta.url));

export function registerServe(program: Command, io: Output, version: string): void {
  program
    .command('serve')
    .description('serve the API and the web UI on an embedded data directory')
    .option('--port <n>', 'port to listen on (0 picks a free one)')
    .option('--host <h>', 'address to listen on')
    .option('--data <dir>', 'data directory')
    .option('--max-upload-bytes <n>', 'largest evidence file accepted, in bytes')
    .action(
      async (options: { port?: string; host?: string; data?: string; maxUploadBytes?: string }) => {
        const config = loadConfig({
          flags: {
            port: options.port,
            host: options.host,
            dataDir: options.data,
            maxUploadBytes: options.maxUploadBytes,
          },
          env: process.env,
        });
        const services = await openDataDir(config);
        const bootstrap = await services.tokens.ensureBootstrap(config.bootstrapToken);
        const app = await buildServer({
          services,
          config,
          webRoot: existsSync(WEB_ROOT) ? WEB_ROOT : undefined,
          logLevel: 'warn',
          version,
        });
        await app.listen({ port: config.port, host: config.host });
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
        io.out(`Dossier ${version} listening on http://${host}:${port}`);
        await new Promise<void>((resolve) => {
          const stop = () => resolve();
          process.once('SIGINT', stop);
          process.once('SIGTERM', stop);
        });
        await app.close();
        await services.close();
      },
    );
}

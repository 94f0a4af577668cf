import { mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { FastifyInstance } from 'fastify';
import { buildServer } from '../../src/api/server.ts';
import type { AccessConfig } from '../../src/core/access/access-config.ts';
import { openTestServices, type TestServices } from './services.ts';

export interface ApiUnderTest extends TestServices {
  app: FastifyInstance;
  url: string;
  token: string;
  /** fetch against the server with the admin token unless `auth: false`. */
  call(path: string, init?: RequestInit & { auth?: boolean }): Promise<Response>;
  close(): Promise<void>;
}

export const TEST_TOKEN = 'api-test-token-0123456789';

/** The real server on 127.0.0.1 (ephemeral port) over a temporary data directory. */
export async function startApi(
  options: { maxUploadBytes?: number; withWeb?: boolean; access?: AccessConfig } = {},
): Promise<ApiUnderTest> {
  const t = await openTestServices({
    ...(options.maxUploadBytes === undefined ? {} : { maxUploadBytes: options.maxUploadBytes }),
    ...(options.access === undefined ? {} : { access: options.access }),
  });
  await t.services.tokens.ensureBootstrap(TEST_TOKEN);
  let webRoot: string | undefined;
  if (options.withWeb) {
    webRoot = join(t.dataDir, 'web');
    await mkdir(webRoot);
    await writeFile(
      join(webRoot, 'index.html'),
      '<!doctype html><title>Dossier</title><div id="root"></div>',
    );
  }
  const app = await buildServer({
    services: t.services,
    config: t.services.deps.config,
    webRoot,
    logLevel: false,
  });
  await app.listen({ port: 0, host: '127.0.0.1' });
  const address = app.server.address();
  const port = typeof address === 'object' && address ? address.port : 0;
  const url = `http://127.0.0.1:${port}`;
  return {
    ...t,
    app,
    url,
    token: TEST_TOKEN,
    call(path, init = {}) {
      const { auth = true, headers, ...rest } = init;
      const merged = new Headers(headers);
      if (auth) merged.set('authorization', `Bearer ${TEST_TOKEN}`);
      return fetch(`${url}${path}`, { ...rest, headers: merged });
    },
    async close() {
      await app.close();
      await t.dispose();
    },
  };
}

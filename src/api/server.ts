import { existsSync } from 'node:fs';
import { join } from 'node:path';
import fastifyStatic from '@fastify/static';
import Fastify, { type FastifyInstance, type FastifyReply, type FastifyRequest } from 'fastify';
import { DossierError } from '../core/errors.ts';
import type { Config } from '../service/config.ts';
import type { Services } from '../service/services.ts';
import { credentialsOf } from './credentials.ts';
import { buildOpenApiDocument } from './openapi.ts';
import { internalProblem, toProblem } from './problem.ts';
import { parseOrThrow, type Route, toFastifyPath } from './route.ts';
import { accessRoutes } from './routes/access.ts';
import { approvalRoutes } from './routes/approvals.ts';
import { changeRoutes } from './routes/changes.ts';
import { dashboardRoutes } from './routes/dashboards.ts';
import { evidenceRoutes } from './routes/evidence.ts';
import { exceptionRoutes } from './routes/exceptions.ts';
import { healthRoutes } from './routes/health.ts';
import { hookRoutes } from './routes/hooks.ts';
import { importRoutes } from './routes/imports.ts';
import { integrationRoutes } from './routes/integrations.ts';
import { jobRoutes } from './routes/jobs.ts';
import { logRoutes } from './routes/log.ts';
import { outboundWebhookRoutes } from './routes/outbound-webhooks.ts';
import { policyRoutes } from './routes/policies.ts';
import { releaseRoutes } from './routes/releases.ts';

export const ALL_ROUTES: readonly Route[] = [
  ...healthRoutes,
  ...releaseRoutes,
  ...evidenceRoutes,
  ...logRoutes,
  ...importRoutes,
  ...policyRoutes,
  ...changeRoutes,
  ...exceptionRoutes,
  ...approvalRoutes,
  ...outboundWebhookRoutes,
  ...accessRoutes,
  ...hookRoutes,
  ...integrationRoutes,
  ...dashboardRoutes,
  ...jobRoutes,
];

export interface BuildServerOptions {
  services: Services;
  config: Pick<Config, 'maxUploadBytes'>;
  /** Folder of the built web UI (index.html and assets); the UI is not served when absent. */
  webRoot?: string | undefined;
  /** Pino level for the server log; false turns logging off (tests). */
  logLevel?: 'fatal' | 'error' | 'warn' | 'info' | 'debug' | false;
  version?: string;
}

// Same-origin only: the UI loads nothing from, and talks to nothing on, any other host.
const CONTENT_SECURITY_POLICY = [
  "default-src 'self'",
  "img-src 'self' data:",
  "style-src 'self'",
  "script-src 'self'",
  "connect-src 'self'",
  "object-src 'none'",
  "base-uri 'none'",
  "frame-ancestors 'none'",
].join('; ');

/** Builds the HTTP server without listening: `dossier serve` listens, tests may inject. */
export async function buildServer(options: BuildServerOptions): Promise<FastifyInstance> {
  const { services } = options;
  const app = Fastify({
    logger:
      options.logLevel === false || options.logLevel === undefined
        ? false
        : { level: options.logLevel },
    // Tags carry '@' and '+'; ids and digests are long. Evidence bodies bypass this limit (they
    // stream with their own), so it bounds JSON bodies only.
    routerOptions: { maxParamLength: 500 },
    bodyLimit: 1024 * 1024,
  });

  app.setErrorHandler((error, request, reply) => sendError(error, request, reply));
  app.setNotFoundHandler((request, reply) => notFound(request, reply, options.webRoot));

  const openApi = buildOpenApiDocument(ALL_ROUTES, options.version ?? '0.0.0');
  app.get('/openapi.json', async () => openApi);

  for (const route of ALL_ROUTES) {
    if (route.spec.body && 'binary' in route.spec.body) {
      // Evidence uploads stream the raw request to the blob store: no parser may buffer them.
      await app.register(async (scope) => {
        scope.removeAllContentTypeParsers();
        scope.addContentTypeParser('*', (_request, _payload, done) => done(null));
        addRoute(scope, route, services);
      });
    } else {
      addRoute(app, route, services);
    }
  }

  if (options.webRoot && existsSync(join(options.webRoot, 'index.html'))) {
    await app.register(fastifyStatic, {
      root: options.webRoot,
      wildcard: false,
      index: ['index.html'],
      setHeaders: (response) => {
        response.header('content-security-policy', CONTENT_SECURITY_POLICY);
      },
    });
  }
  return app;
}

function addRoute(app: FastifyInstance, route: Route, services: Services): void {
  const { spec } = route;
  app.route({
    method: spec.method,
    url: toFastifyPath(spec.path),
    handler: async (request, reply) => {
      const actor = spec.auth
        ? await services.tokens.authenticate(credentialsOf(request))
        : { id: 'anonymous', roles: [] };
      const params = parseOrThrow(spec.params, request.params, 'path');
      const query = parseOrThrow(spec.query, request.query, 'query');
      return route.handle({ request, reply, params, query, actor, services });
    },
  });
}

function sendError(error: unknown, request: FastifyRequest, reply: FastifyReply) {
  // An answer sent before the body was read (bad token, unknown release, too large): close the
  // connection rather than read and discard what may be hundreds of megabytes.
  if (!request.raw.complete) reply.header('connection', 'close');
  const problem =
    error instanceof DossierError
      ? toProblem(error, request.url)
      : (fastifyClientError(error, request.url) ?? internalProblem(request.url));
  if (problem.status >= 500) request.log.error({ err: error }, 'request failed');
  if (problem.status === 401) reply.header('www-authenticate', 'Bearer realm="dossier"');
  return reply.code(problem.status).type('application/problem+json').send(problem);
}

/** Fastify's own 4xx errors (malformed JSON, oversize JSON body) become problems too. */
function fastifyClientError(error: unknown, instance: string) {
  const status = (error as { statusCode?: number }).statusCode;
  if (typeof status !== 'number' || status < 400 || status >= 500) return undefined;
  const message = (error as Error).message;
  return toProblem(new DossierError('INVALID_INPUT', message), instance);
}

function notFound(request: FastifyRequest, reply: FastifyReply, webRoot: string | undefined) {
  const path = request.url.split('?')[0] ?? '/';
  const isApi = path.startsWith('/v1/') || path === '/v1' || path === '/openapi.json';
  const wantsPage = (request.method === 'GET' || request.method === 'HEAD') && !isApi;
  if (wantsPage && webRoot && existsSync(join(webRoot, 'index.html'))) {
    // Client-side routes (/releases/…) load the app, which then routes itself.
    return reply.header('content-security-policy', CONTENT_SECURITY_POLICY).sendFile('index.html');
  }
  if (wantsPage && path === '/') {
    return reply
      .type('text/plain; charset=utf-8')
      .send('Dossier API is running. The web UI is not built: run `npm run build:web`.\n');
  }
  return sendError(
    new DossierError('NOT_FOUND', `no route ${request.method} ${path}`),
    request,
    reply,
  );
}

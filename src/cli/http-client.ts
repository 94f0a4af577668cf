import { request as httpRequest, type IncomingMessage } from 'node:http';
import { request as httpsRequest } from 'node:https';
import { Readable } from 'node:stream';
import { z } from 'zod';
import { packLeafTexts } from '../core/audit-log/leaf-batch.ts';
import { CI_CONTEXT_HEADER, encodeCiContextHeader } from '../core/ci-context.ts';
import { DossierError, isErrorCode } from '../core/errors.ts';
import {
  ActorJson,
  AttachEvidenceJson,
  AuditEntryPageJson,
  CheckpointJson,
  CheckpointListJson,
  ConsistencyProofJson,
  CreatedTokenJson,
  EligibilityJson,
  EvidenceJson,
  EvidenceListJson,
  JobPageJson,
  LeafTextPageJson,
  LogKeysJson,
  ReleaseJson,
  ReleasePageJson,
  RoleChangeJson,
  RotatedKeyJson,
  SessionJson,
  TokenJson,
  TokenListJson,
  TrainingListJson,
  TrainingRecordJson,
  UserJson,
  UserListJson,
} from '../core/wire-schemas.ts';
import { AddedIntegrationJson, IntegrationListJson } from '../core/wire-schemas-webhooks.ts';
import type { DossierClient } from './client.ts';
import { httpPolicyClient } from './http-policy-client.ts';
import { DEFAULT_RETRY_DELAYS_MS, HttpStatusError, withRetries } from './retry.ts';

/** The most leaf texts `GET /v1/log/leaves` returns at once. */
const LEAF_PAGE = 10_000;

export interface HttpClientOptions {
  baseUrl: string;
  /** API token, session token or OIDC ID token; none only for signing in. */
  token?: string | undefined;
  userAgent?: string;
  /** Waits before retrying a transient failure of an upload (default 0.5, 1, 2, 4, 8 s). */
  retryDelaysMs?: readonly number[];
  /** A request that sends or receives nothing for this long fails as ETIMEDOUT (default 2 min). */
  idleTimeoutMs?: number;
}

interface HttpResponse {
  status: number;
  headers: IncomingMessage['headers'];
  body: Buffer;
}

const ImportResultJson = z.object({
  release: ReleaseJson,
  record: EvidenceJson,
  created: z.boolean(),
});

/** Talks to a Dossier server. Errors come back as the server's DossierErrors (problem `code`). */
export function httpClient(options: HttpClientOptions): DossierClient {
  const base = new URL(options.baseUrl.endsWith('/') ? options.baseUrl : `${options.baseUrl}/`);
  const call = async <T extends z.ZodType>(
    method: string,
    path: string,
    schema: T,
    body?: { json: unknown } | { stream: Readable; size: number; headers?: Record<string, string> },
  ): Promise<{ status: number; data: z.output<T> }> => {
    const url = new URL(path.replace(/^\//, ''), base);
    const headers: Record<string, string> = {
      accept: 'application/json',
      'user-agent': options.userAgent ?? 'dossier-cli',
    };
    if (options.token) headers.authorization = `Bearer ${options.token}`;
    let payload: Buffer | Readable | undefined;
    if (body && 'json' in body) {
      payload = Buffer.from(JSON.stringify(body.json));
      headers['content-type'] = 'application/json';
      headers['content-length'] = String(payload.byteLength);
    } else if (body) {
      payload = body.stream;
      headers['content-type'] = 'application/octet-stream';
      headers['content-length'] = String(body.size);
      Object.assign(headers, body.headers);
    }
    const response = await send(method, url, headers, payload, options.idleTimeoutMs ?? 120_000);
    if (response.status >= 400) throw toError(response, url);
    if (response.status === 204) return { status: 204, data: undefined as z.output<T> };
    const parsed = schema.safeParse(parseJson(response, url));
    if (!parsed.success) {
      throw new DossierError(
        'SERVER_ERROR',
        `unexpected answer from ${url.origin}: ${parsed.error.message}`,
      );
    }
    return { status: response.status, data: parsed.data };
  };

  return {
    ...httpPolicyClient(call),
    async createRelease(input) {
      const { status, data } = await call('POST', '/v1/releases', ReleaseJson, { json: input });
      return { release: data, created: status === 201 };
    },
    async getRelease(idOrTag) {
      return (await call('GET', `/v1/releases/${encodeURIComponent(idOrTag)}`, ReleaseJson)).data;
    },
    async listReleases(params) {
      const query = new URLSearchParams();
      if (params.limit !== undefined) query.set('limit', String(params.limit));
      if (params.cursor) query.set('cursor', params.cursor);
      if (params.service) query.set('service', params.service);
      const suffix = query.size > 0 ? `?${query}` : '';
      return (await call('GET', `/v1/releases${suffix}`, ReleasePageJson)).data;
    },
    async listEvidence(idOrTag) {
      const path = `/v1/releases/${encodeURIComponent(idOrTag)}/evidence`;
      return (await call('GET', path, EvidenceListJson)).data.items;
    },
    async attachEvidence(file) {
      const query = new URLSearchParams({ kind: file.kind, name: file.name });
      const path = `/v1/releases/${encodeURIComponent(file.release)}/evidence?${query}`;
      const headers: Record<string, string> = file.ciContext
        ? { [CI_CONTEXT_HEADER]: encodeCiContextHeader(file.ciContext) }
        : {};
      // Safe to repeat: the server keeps one record per release, kind and SHA-256, so an upload
      // whose answer was lost and is sent again finds the record the first one made.
      return withRetries(
        async () => {
          const stream = file.open() as unknown as Readable;
          try {
            return (
              await call('POST', path, AttachEvidenceJson, { stream, size: file.size, headers })
            ).data;
          } finally {
            stream.destroy();
          }
        },
        {
          delaysMs: (options.retryDelaysMs ?? DEFAULT_RETRY_DELAYS_MS).slice(0, file.retries),
          onRetry: file.onRetry,
        },
      );
    },
    listIntegrations: async () =>
      (await call('GET', '/v1/integrations', IntegrationListJson)).data.items,
    putIntegration: async (source, secret) =>
      (
        await call('PUT', `/v1/integrations/${encodeURIComponent(source)}`, AddedIntegrationJson, {
          json: { secret },
        })
      ).data,
    async removeIntegration(source) {
      await call('DELETE', `/v1/integrations/${encodeURIComponent(source)}`, z.unknown());
    },
    logCheckpoint: async () => (await call('GET', '/v1/log/checkpoint', CheckpointJson)).data,
    logCheckpoints: async (fromSize, limit) =>
      (await call('GET', `/v1/log/checkpoints?from=${fromSize}&limit=${limit}`, CheckpointListJson))
        .data.items,
    logKeys: async () => (await call('GET', '/v1/log/keys', LogKeysJson)).data,
    logEntries: async (fromSeq, limit) =>
      (await call('GET', `/v1/log/entries?from=${fromSeq}&limit=${limit}`, AuditEntryPageJson)).data
        .items,
    async logLeafBatch(fromSeq, toSeq) {
      const texts: string[] = [];
      for (let from = fromSeq; from < toSeq; ) {
        const limit = Math.min(LEAF_PAGE, toSeq - from);
        const page = (
          await call('GET', `/v1/log/leaves?from=${from}&limit=${limit}`, LeafTextPageJson)
        ).data.items;
        texts.push(...page);
        if (page.length < limit) break;
        from += limit;
      }
      return packLeafTexts(texts);
    },
    logConsistency: async (from, to) =>
      (await call('GET', `/v1/log/proof/consistency?from=${from}&to=${to}`, ConsistencyProofJson))
        .data,
    async listJobs(params) {
      const query = new URLSearchParams();
      for (const [name, value] of Object.entries(params)) {
        if (value !== undefined) query.set(name, String(value));
      }
      const suffix = query.size > 0 ? `?${query}` : '';
      return (await call('GET', `/v1/jobs${suffix}`, JobPageJson)).data;
    },
    rotateLogKey: async () =>
      (await call('POST', '/v1/log/keys/rotate', RotatedKeyJson, { json: {} })).data,
    async importLegacy(bytes) {
      const { status, data } = await call('POST', '/v1/imports/legacy-release', ImportResultJson, {
        stream: Readable.from([Buffer.from(bytes)]),
        size: bytes.byteLength,
      });
      return { ...data, created: status === 201 };
    },
    async exportDossier(idOrTag) {
      const url = new URL(`v1/releases/${encodeURIComponent(idOrTag)}/dossier`, base);
      const response = await openStream(url, {
        ...(options.token ? { authorization: `Bearer ${options.token}` } : {}),
        'user-agent': options.userAgent ?? 'dossier-cli',
      });
      if ((response.statusCode ?? 0) >= 400) {
        const chunks: Buffer[] = [];
        for await (const chunk of response) chunks.push(chunk as Buffer);
        throw toError(
          {
            status: response.statusCode ?? 0,
            headers: response.headers,
            body: Buffer.concat(chunks),
          },
          url,
        );
      }
      const disposition = /filename="([^"]+)"/.exec(
        String(response.headers['content-disposition'] ?? ''),
      )?.[1];
      return { fileName: disposition ?? 'release.dossier.zip', stream: response };
    },
    async login(username, password) {
      return (await call('POST', '/v1/sessions', SessionJson, { json: { username, password } }))
        .data;
    },
    async logout() {
      await call('DELETE', '/v1/sessions/current', z.unknown());
    },
    whoAmI: async () => (await call('GET', '/v1/sessions/current', ActorJson)).data,
    createUser: async (input) => (await call('POST', '/v1/users', UserJson, { json: input })).data,
    listUsers: async () => (await call('GET', '/v1/users', UserListJson)).data.items,
    disableUser: async (username) =>
      (
        await call('POST', `/v1/users/${encodeURIComponent(username)}/disable`, UserJson, {
          json: {},
        })
      ).data,
    grantRole: async (username, role) =>
      (
        await call('POST', `/v1/users/${encodeURIComponent(username)}/roles`, RoleChangeJson, {
          json: { role },
        })
      ).data,
    revokeRole: async (username, role) =>
      (
        await call(
          'DELETE',
          `/v1/users/${encodeURIComponent(username)}/roles/${encodeURIComponent(role)}`,
          RoleChangeJson,
        )
      ).data,
    recordTraining: async (username, input) =>
      (
        await call(
          'POST',
          `/v1/users/${encodeURIComponent(username)}/training`,
          TrainingRecordJson,
          {
            json: input,
          },
        )
      ).data,
    listTraining: async (username) =>
      (await call('GET', `/v1/users/${encodeURIComponent(username)}/training`, TrainingListJson))
        .data.items,
    eligibility: async (username, role) =>
      (
        await call(
          'GET',
          `/v1/users/${encodeURIComponent(username)}/eligibility?role=${encodeURIComponent(role)}`,
          EligibilityJson,
        )
      ).data,
    createToken: async (input) =>
      (await call('POST', '/v1/tokens', CreatedTokenJson, { json: input })).data,
    listTokens: async () => (await call('GET', '/v1/tokens', TokenListJson)).data.items,
    revokeToken: async (idOrName) =>
      (
        await call('POST', `/v1/tokens/${encodeURIComponent(idOrName)}/revoke`, TokenJson, {
          json: {},
        })
      ).data,
    async close() {},
  };
}

/**
 * Sends one request. The server may answer before it has read the whole body (a 413, a 404 for
 * an unknown release) and then close the connection; that answer is what the user needs to see,
 * so an error writing the body after a response arrived is not reported over it.
 */
function send(
  method: string,
  url: URL,
  headers: Record<string, string>,
  payload: Buffer | Readable | undefined,
  idleTimeoutMs: number,
): Promise<HttpResponse> {
  return new Promise((resolve, reject) => {
    const requester = url.protocol === 'https:' ? httpsRequest : httpRequest;
    let answered = false;
    const request = requester(url, { method, headers }, (response) => {
      answered = true;
      const chunks: Buffer[] = [];
      response.on('data', (chunk: Buffer) => chunks.push(chunk));
      response.on('end', () =>
        resolve({
          status: response.statusCode ?? 0,
          headers: response.headers,
          body: Buffer.concat(chunks),
        }),
      );
      response.on('error', (error) => reject(unreachable(url, error)));
    });
    request.on('error', (error) => {
      if (!answered) reject(unreachable(url, error));
    });
    request.setTimeout(idleTimeoutMs, () => {
      const error = Object.assign(new Error(`no data for ${idleTimeoutMs / 1000} s`), {
        code: 'ETIMEDOUT',
      });
      request.destroy(error);
      if (answered) reject(unreachable(url, error));
    });
    if (payload === undefined) {
      request.end();
    } else if (Buffer.isBuffer(payload)) {
      request.end(payload);
    } else {
      payload.on('error', (error) => {
        request.destroy(error);
        reject(
          new DossierError('INVALID_INPUT', `cannot read the file: ${error.message}`, {
            cause: error,
          }),
        );
      });
      payload.pipe(request);
    }
  });
}

/** GET whose body is streamed to the caller rather than buffered (archives can be large). */
function openStream(url: URL, headers: Record<string, string>): Promise<IncomingMessage> {
  return new Promise((resolve, reject) => {
    const requester = url.protocol === 'https:' ? httpsRequest : httpRequest;
    const request = requester(url, { method: 'GET', headers }, resolve);
    request.on('error', (error) => reject(unreachable(url, error)));
    request.end();
  });
}

function unreachable(url: URL, error: Error): DossierError {
  const code = (error as NodeJS.ErrnoException).code;
  return new DossierError(
    'SERVER_UNREACHABLE',
    `cannot reach Dossier at ${url.origin}${code ? ` (${code})` : ''}: ${error.message}`,
    { cause: error },
  );
}

function parseJson(response: HttpResponse, url: URL): unknown {
  try {
    return JSON.parse(response.body.toString('utf8'));
  } catch {
    throw new DossierError(
      'SERVER_ERROR',
      `${url.origin} answered ${response.status} with a body that is not JSON; is DOSSIER_URL a Dossier server?`,
    );
  }
}

function toError(response: HttpResponse, url: URL): DossierError {
  let problem: { code?: unknown; detail?: unknown; issues?: unknown } = {};
  try {
    problem = JSON.parse(response.body.toString('utf8'));
  } catch {
    // Not a problem document (a proxy's error page): described by status below.
  }
  const detail = typeof problem.detail === 'string' ? problem.detail : `HTTP ${response.status}`;
  if (response.status >= 500) {
    return new DossierError('SERVER_ERROR', `${url.origin} failed: ${detail}`, {
      cause: new HttpStatusError(response.status),
    });
  }
  const code = isErrorCode(problem.code) ? problem.code : 'INVALID_INPUT';
  const issues = Array.isArray(problem.issues) ? problem.issues : [];
  return new DossierError(code, detail, { issues });
}

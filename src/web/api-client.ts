import type {
  EvidenceJson,
  EvidenceListJson,
  ProblemJson,
  ReleaseJson,
  ReleasePageJson,
} from '../core/wire-schemas.ts';

export type Release = ReleaseJson;
export type Evidence = EvidenceJson;
export type ReleasePage = ReleasePageJson;

/**
 * A request the server answered with an error (an RFC 9457 problem when it could), or one that
 * never reached it (status 0). `message` is what a person should read: the problem's `detail`.
 */
export class ApiError extends Error {
  override readonly name = 'ApiError';
  readonly status: number;
  readonly code: string;

  constructor(status: number, code: string, message: string) {
    super(message);
    this.status = status;
    this.code = code;
  }
}

export interface ListReleasesOptions {
  limit?: number;
  cursor?: string | null;
  service?: string;
  signal?: AbortSignal;
}

export interface ApiClientOptions {
  token: string;
  /** Called when the server rejects the token, before the ApiError is thrown. */
  onUnauthorized?: () => void;
  baseUrl?: string;
}

export interface ApiClient {
  listReleases(options?: ListReleasesOptions): Promise<ReleasePage>;
  getRelease(idOrTag: string, signal?: AbortSignal): Promise<Release>;
  listEvidence(idOrTag: string, signal?: AbortSignal): Promise<Evidence[]>;
  downloadBlob(sha256: string, signal?: AbortSignal): Promise<Blob>;
}

export function createApiClient(options: ApiClientOptions): ApiClient {
  const baseUrl = options.baseUrl ?? '';

  async function request(path: string, signal: AbortSignal | undefined): Promise<Response> {
    let response: Response;
    try {
      response = await fetch(`${baseUrl}${path}`, {
        headers: { authorization: `Bearer ${options.token}`, accept: 'application/json' },
        ...(signal ? { signal } : {}),
      });
    } catch (error) {
      if (signal?.aborted) throw error;
      throw new ApiError(0, 'NETWORK', 'Could not reach the Dossier server. Is it running?');
    }
    if (response.ok) return response;
    const problem = await readProblem(response);
    if (response.status === 401) options.onUnauthorized?.();
    throw problem;
  }

  async function json<T>(path: string, signal: AbortSignal | undefined): Promise<T> {
    const response = await request(path, signal);
    return (await response.json()) as T;
  }

  return {
    listReleases({ limit, cursor, service, signal } = {}) {
      const query = new URLSearchParams();
      if (limit !== undefined) query.set('limit', String(limit));
      if (cursor) query.set('cursor', cursor);
      if (service) query.set('service', service);
      const suffix = query.size > 0 ? `?${query}` : '';
      return json<ReleasePage>(`/v1/releases${suffix}`, signal);
    },
    getRelease(idOrTag, signal) {
      return json<Release>(`/v1/releases/${encodeURIComponent(idOrTag)}`, signal);
    },
    async listEvidence(idOrTag, signal) {
      const list = await json<EvidenceListJson>(
        `/v1/releases/${encodeURIComponent(idOrTag)}/evidence`,
        signal,
      );
      return list.items;
    },
    async downloadBlob(sha256, signal) {
      const response = await request(`/v1/blobs/${encodeURIComponent(sha256)}`, signal);
      return response.blob();
    },
  };
}

async function readProblem(response: Response): Promise<ApiError> {
  const fallback = `The server answered ${response.status} ${response.statusText}`.trim();
  try {
    const body = (await response.json()) as Partial<ProblemJson>;
    const detail = typeof body.detail === 'string' && body.detail ? body.detail : undefined;
    const title = typeof body.title === 'string' && body.title ? body.title : undefined;
    const code = typeof body.code === 'string' ? body.code : 'HTTP_ERROR';
    return new ApiError(response.status, code, detail ?? title ?? fallback);
  } catch {
    return new ApiError(response.status, 'HTTP_ERROR', fallback);
  }
}

/** Checks a token by listing one release; resolves to the problem when it is refused. */
export async function checkToken(token: string): Promise<ApiError | null> {
  try {
    await createApiClient({ token }).listReleases({ limit: 1 });
    return null;
  } catch (error) {
    if (error instanceof ApiError) return error;
    throw error;
  }
}

/** The sentence to show a person for anything a call threw. */
export function errorMessage(caught: unknown): string {
  if (caught instanceof ApiError) return caught.message;
  return caught instanceof Error ? caught.message : String(caught);
}

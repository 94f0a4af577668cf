import type { z } from 'zod';
import type {
  AuditEntryJson,
  EvidenceJson,
  EvidenceListJson,
  ProblemJson,
  ReleaseJson,
  ReleasePageJson,
} from '../core/wire-schemas.ts';
import type {
  ChangeViewJson,
  DeploymentJson,
  GateAnswerJson,
  GateOutcomeJson,
} from '../core/wire-schemas-policy.ts';
import type {
  DeliveryDashboardJson,
  EvidenceDashboardJson,
  GateOverviewJson,
  ReleaseListQuery,
  ThroughputDashboardJson,
} from '../core/wire-schemas-workspace.ts';

export type Release = ReleaseJson;
export type GateOverview = GateOverviewJson;
export type GateAnswer = z.infer<typeof GateAnswerJson>;
export type GateOutcome = z.infer<typeof GateOutcomeJson>;
export type ChangeView = z.infer<typeof ChangeViewJson>;
export type Deployment = z.infer<typeof DeploymentJson>;
export type AuditEntry = AuditEntryJson;
export type ThroughputDashboard = ThroughputDashboardJson;
export type EvidenceDashboard = EvidenceDashboardJson;
export type DeliveryDashboard = DeliveryDashboardJson;
/** The release list's filters and sort, as the API names them. */
export type ReleaseListFilters = Omit<z.input<typeof ReleaseListQuery>, 'limit' | 'cursor'>;
export interface DashboardPeriod {
  from: string;
  to: string;
  bucket?: 'day' | 'week' | 'month' | undefined;
}
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

export interface ListReleasesOptions extends ReleaseListFilters {
  limit?: number;
  cursor?: string | null;
  signal?: AbortSignal;
}

/** A file the server sent for saving, with the name it gave it. */
export interface DownloadedFile {
  blob: Blob;
  fileName: string;
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
  getGates(idOrTag: string, signal?: AbortSignal): Promise<GateOverview>;
  /** Asks the gate now: evaluates, and records the decision when it changed. */
  decideGate(idOrTag: string, environment: string): Promise<GateAnswer>;
  getChange(id: string, signal?: AbortSignal): Promise<ChangeView>;
  listDeployments(idOrTag: string, signal?: AbortSignal): Promise<Deployment[]>;
  listAuditTrail(idOrTag: string, signal?: AbortSignal): Promise<AuditEntry[]>;
  downloadDossier(idOrTag: string): Promise<DownloadedFile>;
  throughput(period: DashboardPeriod, signal?: AbortSignal): Promise<ThroughputDashboard>;
  evidenceCompleteness(period: DashboardPeriod, signal?: AbortSignal): Promise<EvidenceDashboard>;
  delivery(
    period: DashboardPeriod & { env?: string },
    signal?: AbortSignal,
  ): Promise<DeliveryDashboard>;
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
    listReleases({ limit, cursor, signal, ...filters } = {}) {
      const query = new URLSearchParams();
      if (limit !== undefined) query.set('limit', String(limit));
      if (cursor) query.set('cursor', cursor);
      for (const [name, value] of Object.entries(filters)) {
        if (value !== undefined && value !== '') query.set(name, String(value));
      }
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
    getGates(idOrTag, signal) {
      return json<GateOverview>(`${releasePath(idOrTag)}/gates`, signal);
    },
    decideGate(idOrTag, environment) {
      const query = new URLSearchParams({ env: environment });
      return json<GateAnswer>(`${releasePath(idOrTag)}/gate?${query}`, undefined);
    },
    getChange(id, signal) {
      return json<ChangeView>(`/v1/changes/${encodeURIComponent(id)}`, signal);
    },
    async listDeployments(idOrTag, signal) {
      return (await json<{ items: Deployment[] }>(`${releasePath(idOrTag)}/deployments`, signal))
        .items;
    },
    async listAuditTrail(idOrTag, signal) {
      return (await json<{ items: AuditEntry[] }>(`${releasePath(idOrTag)}/audit`, signal)).items;
    },
    async downloadDossier(idOrTag) {
      const response = await request(`${releasePath(idOrTag)}/dossier`, undefined);
      const disposition = response.headers.get('content-disposition') ?? '';
      const fileName = /filename="([^"]+)"/.exec(disposition)?.[1] ?? 'dossier.zip';
      return { blob: await response.blob(), fileName };
    },
    throughput(period, signal) {
      return json<ThroughputDashboard>(`/v1/dashboards/throughput?${periodQuery(period)}`, signal);
    },
    evidenceCompleteness(period, signal) {
      return json<EvidenceDashboard>(`/v1/dashboards/evidence?${periodQuery(period)}`, signal);
    },
    delivery(period, signal) {
      return json<DeliveryDashboard>(`/v1/dashboards/delivery?${periodQuery(period)}`, signal);
    },
  };
}

function releasePath(idOrTag: string): string {
  return `/v1/releases/${encodeURIComponent(idOrTag)}`;
}

function periodQuery(period: DashboardPeriod & { env?: string }): URLSearchParams {
  const query = new URLSearchParams({ from: period.from, to: period.to });
  if (period.bucket) query.set('bucket', period.bucket);
  if (period.env) query.set('env', period.env);
  return query;
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

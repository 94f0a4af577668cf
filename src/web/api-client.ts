import type { z } from 'zod';
import type {
  ActorJson,
  AuditEntryJson,
  EligibilityJson,
  EvidenceJson,
  EvidenceListJson,
  PersonJson,
  ProblemJson,
  ReleaseJson,
  ReleasePageJson,
  RoleChangeJson,
  SessionJson,
  TrainingRecordJson,
  UserJson,
} from '../core/wire-schemas.ts';
import type {
  ChangeViewJson,
  DelegationJson,
  DeploymentJson,
  ExceptionJson,
  ExceptionListJson,
  GateAnswerJson,
  GateOutcomeJson,
  SignatureJson,
  SigningViewJson,
} from '../core/wire-schemas-policy.ts';
import type {
  ApprovalCycleDashboardJson,
  DeliveryDashboardJson,
  EvidenceDashboardJson,
  ExceptionAgingDashboardJson,
  GateOverviewJson,
  PendingApprovalsDashboardJson,
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
export type PendingApprovalsDashboard = PendingApprovalsDashboardJson;
export type ApprovalCycleDashboard = ApprovalCycleDashboardJson;
export type ExceptionAgingDashboard = ExceptionAgingDashboardJson;
/** The release list's filters and sort, as the API names them. */
export type ReleaseListFilters = Omit<z.input<typeof ReleaseListQuery>, 'limit' | 'cursor'>;
export interface DashboardPeriod {
  from: string;
  to: string;
  bucket?: 'day' | 'week' | 'month' | undefined;
}
export type Evidence = EvidenceJson;
export type Actor = ActorJson;
export type User = UserJson;
export type Person = PersonJson;
export type RoleChange = RoleChangeJson;
export type TrainingRecord = TrainingRecordJson;
export type Eligibility = EligibilityJson;
export type Delegation = z.infer<typeof DelegationJson>;
/** What POST /v1/users takes. */
export interface CreateUserRequest {
  username: string;
  fullName: string;
  password: string;
  roles: string[];
}
/** What POST /v1/users/{username}/training takes. */
export interface TrainingRequest {
  course: string;
  version: string;
  completedOn: string;
  expiresOn: string | null;
}
/** What POST /v1/delegations takes. */
export interface DelegationRequest {
  delegate: string;
  role: string;
  startsAt: string;
  endsAt: string;
  reason: string;
}
export type Signature = z.infer<typeof SignatureJson>;
export type SigningView = z.infer<typeof SigningViewJson>;
export type Exception = z.infer<typeof ExceptionJson>;
export type ExceptionList = z.infer<typeof ExceptionListJson>;
export type ExceptionState = NonNullable<Exception['state']>;
/** GET /v1/exceptions filters and page. */
export interface ListExceptionsOptions {
  /** Release id or tag: the exceptions that apply to it (its own and its service's). */
  release?: string;
  state?: ExceptionState;
  limit?: number;
  cursor?: string | null;
  signal?: AbortSignal;
}
/** What POST /v1/releases/{idOrTag}/approvals takes. */
export interface SignRequest {
  role: string;
  meaning: string;
  password: string;
  condition?: { text: string; owner: string; deadline: string };
}
/** What POST /v1/exceptions takes: exactly one of release and service. */
export interface ExceptionRequest {
  ruleId: string;
  release?: string;
  service?: string;
  environment?: string;
  reason: string;
  compensatingControl: string;
  expiresAt: string;
}
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
  /** An API token sent as a bearer; null: the session cookie the browser holds. */
  token: string | null;
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
  pendingApprovals(
    period: DashboardPeriod,
    signal?: AbortSignal,
  ): Promise<PendingApprovalsDashboard>;
  approvalCycles(period: DashboardPeriod, signal?: AbortSignal): Promise<ApprovalCycleDashboard>;
  exceptionAging(period: DashboardPeriod, signal?: AbortSignal): Promise<ExceptionAgingDashboard>;
  whoAmI(signal?: AbortSignal): Promise<Actor>;
  getUser(username: string, signal?: AbortSignal): Promise<User>;
  /** Ends the session the cookie names (and clears the cookie). */
  signOut(): Promise<void>;
  getApprovals(idOrTag: string, signal?: AbortSignal): Promise<SigningView>;
  sign(idOrTag: string, request: SignRequest): Promise<Signature>;
  /** A new signed record naming the approval; needs the signer's password again. */
  withdraw(signatureId: string, request: { meaning: string; password: string }): Promise<Signature>;
  meetCondition(signatureId: string, evidenceId: string): Promise<void>;
  listDelegations(signal?: AbortSignal): Promise<Delegation[]>;
  createDelegation(request: DelegationRequest): Promise<Delegation>;
  /** Enabled people by username and name: the directory anyone may read. */
  listPeople(signal?: AbortSignal): Promise<Person[]>;
  listUsers(signal?: AbortSignal): Promise<User[]>;
  createUser(request: CreateUserRequest): Promise<User>;
  disableUser(username: string): Promise<User>;
  grantRole(username: string, role: string): Promise<RoleChange>;
  revokeRole(username: string, role: string): Promise<RoleChange>;
  listTraining(username: string, signal?: AbortSignal): Promise<TrainingRecord[]>;
  recordTraining(username: string, request: TrainingRequest): Promise<TrainingRecord>;
  eligibility(username: string, role: string, signal?: AbortSignal): Promise<Eligibility>;
  listExceptions(options?: ListExceptionsOptions): Promise<ExceptionList>;
  requestException(request: ExceptionRequest): Promise<Exception>;
  approveException(id: string): Promise<Exception>;
}

export function createApiClient(options: ApiClientOptions): ApiClient {
  const baseUrl = options.baseUrl ?? '';

  async function request(
    path: string,
    signal: AbortSignal | undefined,
    init: { method?: string; body?: unknown } = {},
  ): Promise<Response> {
    const headers: Record<string, string> = { accept: 'application/json' };
    if (options.token !== null) headers.authorization = `Bearer ${options.token}`;
    if (init.body !== undefined) headers['content-type'] = 'application/json';
    let response: Response;
    try {
      // Same origin only: the session cookie (HttpOnly, SameSite=Strict) goes with it.
      response = await fetch(`${baseUrl}${path}`, {
        method: init.method ?? 'GET',
        headers,
        credentials: 'same-origin',
        ...(init.body !== undefined ? { body: JSON.stringify(init.body) } : {}),
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

  async function post<T>(path: string, body: unknown): Promise<T> {
    const response = await request(path, undefined, { method: 'POST', body });
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
    pendingApprovals(period, signal) {
      return json<PendingApprovalsDashboard>(
        `/v1/dashboards/approvals?${periodQuery(period)}`,
        signal,
      );
    },
    approvalCycles(period, signal) {
      return json<ApprovalCycleDashboard>(
        `/v1/dashboards/approval-cycles?${periodQuery(period)}`,
        signal,
      );
    },
    exceptionAging(period, signal) {
      return json<ExceptionAgingDashboard>(
        `/v1/dashboards/exceptions?${periodQuery(period)}`,
        signal,
      );
    },
    whoAmI(signal) {
      return json<Actor>('/v1/sessions/current', signal);
    },
    getUser(username, signal) {
      return json<User>(`/v1/users/${encodeURIComponent(username)}`, signal);
    },
    async signOut() {
      await request('/v1/sessions/current', undefined, { method: 'DELETE' });
    },
    getApprovals(idOrTag, signal) {
      return json<SigningView>(`${releasePath(idOrTag)}/approvals`, signal);
    },
    sign(idOrTag, signRequest) {
      return post<Signature>(`${releasePath(idOrTag)}/approvals`, signRequest);
    },
    withdraw(signatureId, withdrawRequest) {
      return post<Signature>(`/v1/signatures/${encodeURIComponent(signatureId)}/withdraw`, {
        meaning: withdrawRequest.meaning,
        password: withdrawRequest.password,
      });
    },
    async meetCondition(signatureId, evidenceId) {
      // 204: nothing to read back.
      await request(`/v1/signatures/${encodeURIComponent(signatureId)}/condition-met`, undefined, {
        method: 'POST',
        body: { evidenceId },
      });
    },
    async listDelegations(signal) {
      return (await json<{ items: Delegation[] }>('/v1/delegations', signal)).items;
    },
    createDelegation(delegationRequest) {
      return post<Delegation>('/v1/delegations', delegationRequest);
    },
    async listPeople(signal) {
      return (await json<{ items: Person[] }>('/v1/people', signal)).items;
    },
    async listUsers(signal) {
      return (await json<{ items: User[] }>('/v1/users', signal)).items;
    },
    createUser(userRequest) {
      return post<User>('/v1/users', userRequest);
    },
    disableUser(username) {
      return post<User>(`${userPath(username)}/disable`, {});
    },
    grantRole(username, role) {
      return post<RoleChange>(`${userPath(username)}/roles`, { role });
    },
    async revokeRole(username, role) {
      const response = await request(
        `${userPath(username)}/roles/${encodeURIComponent(role)}`,
        undefined,
        { method: 'DELETE' },
      );
      return (await response.json()) as RoleChange;
    },
    async listTraining(username, signal) {
      return (await json<{ items: TrainingRecord[] }>(`${userPath(username)}/training`, signal))
        .items;
    },
    recordTraining(username, trainingRequest) {
      return post<TrainingRecord>(`${userPath(username)}/training`, trainingRequest);
    },
    eligibility(username, role, signal) {
      const query = new URLSearchParams({ role });
      return json<Eligibility>(`${userPath(username)}/eligibility?${query}`, signal);
    },
    listExceptions({ signal, ...options } = {}) {
      const query = new URLSearchParams();
      if (options.release) query.set('release', options.release);
      if (options.state) query.set('state', options.state);
      if (options.limit !== undefined) query.set('limit', String(options.limit));
      if (options.cursor) query.set('cursor', options.cursor);
      const suffix = query.size > 0 ? `?${query}` : '';
      return json<ExceptionList>(`/v1/exceptions${suffix}`, signal);
    },
    requestException(exceptionRequest) {
      return post<Exception>('/v1/exceptions', exceptionRequest);
    },
    approveException(id) {
      return post<Exception>(`/v1/exceptions/${encodeURIComponent(id)}/approve`, {});
    },
  };
}

function releasePath(idOrTag: string): string {
  return `/v1/releases/${encodeURIComponent(idOrTag)}`;
}

function userPath(username: string): string {
  return `/v1/users/${encodeURIComponent(username)}`;
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

/**
 * Signs in with a username and password. The server answers with the session and sets it as an
 * HttpOnly cookie, which every later request carries; the token itself is not kept here.
 */
export async function signInWithPassword(username: string, password: string): Promise<SessionJson> {
  let response: Response;
  try {
    response = await fetch('/v1/sessions', {
      method: 'POST',
      headers: { 'content-type': 'application/json', accept: 'application/json' },
      credentials: 'same-origin',
      body: JSON.stringify({ username, password }),
    });
  } catch {
    throw new ApiError(0, 'NETWORK', 'Could not reach the Dossier server. Is it running?');
  }
  if (!response.ok) throw await readProblem(response);
  return (await response.json()) as SessionJson;
}

/** The sentence to show a person for anything a call threw. */
export function errorMessage(caught: unknown): string {
  if (caught instanceof ApiError) return caught.message;
  return caught instanceof Error ? caught.message : String(caught);
}

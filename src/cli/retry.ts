import { DossierError } from '../core/errors.ts';

/** Answers a proxy or load balancer gives while the server restarts or is overloaded. */
const RETRYABLE_STATUS = new Set([502, 503, 504]);

/** Connection failures that a later attempt may not meet. */
const RETRYABLE_ERRNO = new Set([
  'ECONNRESET',
  'ECONNREFUSED',
  'ECONNABORTED',
  'ETIMEDOUT',
  'EPIPE',
  'EAI_AGAIN',
  'ENETUNREACH',
  'EHOSTUNREACH',
  'ENETDOWN',
]);

/** Carried as the cause of a SERVER_ERROR, so a retry can tell a 503 from a 500. */
export class HttpStatusError extends Error {
  readonly status: number;
  constructor(status: number) {
    super(`HTTP ${status}`);
    this.name = 'HttpStatusError';
    this.status = status;
  }
}

/** Whether another attempt of the same (idempotent) request may succeed. */
export function isTransient(error: unknown): boolean {
  if (!(error instanceof DossierError)) return false;
  const cause = error.cause as { code?: unknown } | undefined;
  if (error.code === 'SERVER_UNREACHABLE') {
    return typeof cause?.code === 'string' && RETRYABLE_ERRNO.has(cause.code);
  }
  return error.code === 'SERVER_ERROR' && cause instanceof HttpStatusError
    ? RETRYABLE_STATUS.has(cause.status)
    : false;
}

export interface RetryOptions {
  /** Waits before attempts 2, 3, …; its length is the number of retries. */
  delaysMs: readonly number[];
  onRetry?: ((attempt: number, delayMs: number, reason: string) => void) | undefined;
  sleep?: (ms: number) => Promise<void>;
}

/** 0.5 s, 1 s, 2 s, 4 s, 8 s: five retries within about 15 s, for a server restart to finish. */
export const DEFAULT_RETRY_DELAYS_MS = [500, 1000, 2000, 4000, 8000] as const;

/**
 * Runs `attempt` until it succeeds, fails for good, or the retries run out. Only for requests
 * that are safe to repeat: evidence uploads are (same release, kind and bytes → same record).
 */
export async function withRetries<T>(attempt: () => Promise<T>, options: RetryOptions): Promise<T> {
  const sleep = options.sleep ?? ((ms) => new Promise((resolve) => setTimeout(resolve, ms)));
  for (let tries = 0; ; tries++) {
    try {
      return await attempt();
    } catch (error) {
      const delay = options.delaysMs[tries];
      if (delay === undefined || !isTransient(error)) throw error;
      // Jitter: many jobs retrying against one restarted server do not arrive together.
      const wait = Math.round(delay * (0.75 + Math.random() * 0.5));
      options.onRetry?.(tries + 2, wait, (error as Error).message);
      await sleep(wait);
    }
  }
}

import { DossierError, type ErrorCode } from '../core/errors.ts';
import type { ProblemJson } from '../core/wire-schemas.ts';

/** The only place an error code becomes an HTTP status (RFC 9457 problem details). */
const STATUS: Record<ErrorCode, number> = {
  INVALID_INPUT: 400,
  UNKNOWN_EVIDENCE_KIND: 400,
  EMPTY_EVIDENCE: 400,
  INVALID_DIGEST: 400,
  UPLOAD_INCOMPLETE: 400,
  EVIDENCE_TOO_LARGE: 413,
  EVIDENCE_UNRECOGNIZED: 422,
  EVIDENCE_MALFORMED: 422,
  UNAUTHENTICATED: 401,
  FORBIDDEN: 403,
  TOKEN_EXPIRED: 401,
  TOKEN_REVOKED: 401,
  ACCOUNT_LOCKED: 429,
  REAUTHENTICATION_FAILED: 403,
  USER_NOT_FOUND: 404,
  TOKEN_NOT_FOUND: 404,
  NAME_TAKEN: 409,
  RELEASE_NOT_FOUND: 404,
  BLOB_NOT_FOUND: 404,
  NOT_FOUND: 404,
  TAG_CONFLICT: 409,
  INVALID_POLICY: 422,
  NO_ACTIVE_POLICY: 409,
  CHANGE_NOT_FOUND: 404,
  CHANGE_CONFLICT: 409,
  SERVICE_NOT_FOUND: 404,
  RISK_NOT_ASSESSED: 409,
  EXCEPTION_NOT_FOUND: 404,
  EXCEPTION_REFUSED: 403,
  SIGNATURE_NOT_FOUND: 404,
  SIGNATURE_REFUSED: 403,
  DATA_DIR_UNUSABLE: 500,
  BLOB_DAMAGED: 500,
  STORAGE_UNAVAILABLE: 503,
  LOG_KEY_MISSING: 500,
  ARCHIVE_UNREADABLE: 400,
  WEBHOOK_NOT_CONFIGURED: 404,
  WEBHOOK_SIGNATURE_INVALID: 401,
  SERVER_UNREACHABLE: 502,
  SERVER_ERROR: 502,
  INTERNAL: 500,
};

const TITLES: Record<ErrorCode, string> = {
  INVALID_INPUT: 'Invalid input',
  UNKNOWN_EVIDENCE_KIND: 'Unknown evidence kind',
  EMPTY_EVIDENCE: 'Empty evidence',
  INVALID_DIGEST: 'Invalid digest',
  UPLOAD_INCOMPLETE: 'Upload incomplete',
  EVIDENCE_TOO_LARGE: 'Evidence too large',
  EVIDENCE_UNRECOGNIZED: 'Evidence not recognized',
  EVIDENCE_MALFORMED: 'Evidence malformed',
  UNAUTHENTICATED: 'Authentication required',
  FORBIDDEN: 'Forbidden',
  TOKEN_EXPIRED: 'Credential expired',
  TOKEN_REVOKED: 'Credential revoked',
  ACCOUNT_LOCKED: 'Account locked',
  REAUTHENTICATION_FAILED: 'Re-authentication failed',
  USER_NOT_FOUND: 'User not found',
  TOKEN_NOT_FOUND: 'API token not found',
  NAME_TAKEN: 'Name taken',
  RELEASE_NOT_FOUND: 'Release not found',
  BLOB_NOT_FOUND: 'Blob not found',
  NOT_FOUND: 'Not found',
  TAG_CONFLICT: 'Release tag conflict',
  INVALID_POLICY: 'Invalid policy',
  NO_ACTIVE_POLICY: 'No active policy',
  CHANGE_NOT_FOUND: 'Change request not found',
  CHANGE_CONFLICT: 'Change request conflict',
  SERVICE_NOT_FOUND: 'Service not found',
  RISK_NOT_ASSESSED: 'Risk not assessed',
  EXCEPTION_NOT_FOUND: 'Exception not found',
  EXCEPTION_REFUSED: 'Exception refused',
  SIGNATURE_NOT_FOUND: 'Signature not found',
  SIGNATURE_REFUSED: 'Signature refused',
  DATA_DIR_UNUSABLE: 'Data directory unusable',
  BLOB_DAMAGED: 'Stored evidence bytes damaged',
  STORAGE_UNAVAILABLE: 'Storage unavailable',
  LOG_KEY_MISSING: 'Log signing key missing',
  ARCHIVE_UNREADABLE: 'Archive unreadable',
  WEBHOOK_NOT_CONFIGURED: 'Webhook not configured',
  WEBHOOK_SIGNATURE_INVALID: 'Webhook signature invalid',
  SERVER_UNREACHABLE: 'Server unreachable',
  SERVER_ERROR: 'Server error',
  INTERNAL: 'Internal error',
};

export function statusOf(code: ErrorCode): number {
  return STATUS[code];
}

export function toProblem(error: DossierError, instance?: string): ProblemJson {
  const problem: ProblemJson = {
    // A URN rather than a URL: nothing is fetched, and docs/errors.md explains each code.
    type: `urn:dossier:error:${error.code}`,
    title: TITLES[error.code],
    status: STATUS[error.code],
    detail: error.message,
    code: error.code,
  };
  if (instance !== undefined) problem.instance = instance;
  if (error.issues.length > 0) problem.issues = error.issues;
  return problem;
}

/** Faults that are not DossierErrors are reported without their internals. */
export function internalProblem(instance?: string): ProblemJson {
  return toProblem(
    new DossierError('INTERNAL', 'the server failed to handle this request; see the server log'),
    instance,
  );
}

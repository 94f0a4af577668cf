/**
 * Every failure Dossier reports carries one of these codes. The code, not the message, is the
 * contract: `api/problem.ts` maps it to an HTTP status and `cli/exit-codes.ts` to an exit code,
 * and `docs/errors.md` explains each one (a test keeps the three in step).
 */
export const ERROR_CODES = [
  'INVALID_INPUT',
  'UNKNOWN_EVIDENCE_KIND',
  'EMPTY_EVIDENCE',
  'EVIDENCE_TOO_LARGE',
  'EVIDENCE_UNRECOGNIZED',
  'EVIDENCE_MALFORMED',
  'INVALID_DIGEST',
  'UPLOAD_INCOMPLETE',
  'RELEASE_NOT_FOUND',
  'BLOB_NOT_FOUND',
  'BLOB_DAMAGED',
  'TAG_CONFLICT',
  'INVALID_POLICY',
  'NO_ACTIVE_POLICY',
  'CHANGE_NOT_FOUND',
  'CHANGE_CONFLICT',
  'SERVICE_NOT_FOUND',
  'RISK_NOT_ASSESSED',
  'EXCEPTION_NOT_FOUND',
  'EXCEPTION_REFUSED',
  'SIGNATURE_NOT_FOUND',
  'SIGNATURE_REFUSED',
  'UNAUTHENTICATED',
  'FORBIDDEN',
  'TOKEN_EXPIRED',
  'TOKEN_REVOKED',
  'ACCOUNT_LOCKED',
  'REAUTHENTICATION_FAILED',
  'USER_NOT_FOUND',
  'TOKEN_NOT_FOUND',
  'NAME_TAKEN',
  'NOT_FOUND',
  'DATA_DIR_UNUSABLE',
  'STORAGE_UNAVAILABLE',
  'LOG_KEY_MISSING',
  'ARCHIVE_UNREADABLE',
  'WEBHOOK_NOT_CONFIGURED',
  'WEBHOOK_SIGNATURE_INVALID',
  'SERVER_UNREACHABLE',
  'SERVER_ERROR',
  'INTERNAL',
] as const;

export type ErrorCode = (typeof ERROR_CODES)[number];

/** One problem found in an input, with where it is (`commit`, `artifacts[1]`). */
export interface InputIssue {
  path: string;
  message: string;
}

export interface DossierErrorOptions {
  cause?: unknown;
  issues?: InputIssue[];
}

export class DossierError extends Error {
  readonly code: ErrorCode;
  readonly issues: InputIssue[];

  constructor(code: ErrorCode, message: string, options: DossierErrorOptions = {}) {
    super(message, options.cause === undefined ? undefined : { cause: options.cause });
    this.name = 'DossierError';
    this.code = code;
    this.issues = options.issues ?? [];
  }
}

export function isDossierError(value: unknown): value is DossierError {
  return value instanceof DossierError;
}

export function isErrorCode(value: unknown): value is ErrorCode {
  return typeof value === 'string' && (ERROR_CODES as readonly string[]).includes(value);
}

import type { ErrorCode } from '../core/errors.ts';

/** What a pipeline reads from `dossier`: 0 done, 1 a check said no, 2 bad usage or input, 3 server. */
export const EXIT = { ok: 0, checkFailed: 1, badInput: 2, serverFailed: 3 } as const;
export type ExitCode = (typeof EXIT)[keyof typeof EXIT];

/** The only place an error code becomes an exit code. */
const EXIT_BY_CODE: Record<ErrorCode, ExitCode> = {
  INVALID_INPUT: EXIT.badInput,
  UNKNOWN_EVIDENCE_KIND: EXIT.badInput,
  EMPTY_EVIDENCE: EXIT.badInput,
  EVIDENCE_TOO_LARGE: EXIT.badInput,
  EVIDENCE_UNRECOGNIZED: EXIT.badInput,
  EVIDENCE_MALFORMED: EXIT.badInput,
  INVALID_DIGEST: EXIT.badInput,
  RELEASE_NOT_FOUND: EXIT.badInput,
  BLOB_NOT_FOUND: EXIT.badInput,
  NOT_FOUND: EXIT.badInput,
  TAG_CONFLICT: EXIT.badInput,
  INVALID_POLICY: EXIT.badInput,
  NO_ACTIVE_POLICY: EXIT.badInput,
  CHANGE_NOT_FOUND: EXIT.badInput,
  CHANGE_CONFLICT: EXIT.badInput,
  SERVICE_NOT_FOUND: EXIT.badInput,
  RISK_NOT_ASSESSED: EXIT.badInput,
  EXCEPTION_NOT_FOUND: EXIT.badInput,
  EXCEPTION_REFUSED: EXIT.badInput,
  SIGNATURE_NOT_FOUND: EXIT.badInput,
  SIGNATURE_REFUSED: EXIT.badInput,
  UNAUTHENTICATED: EXIT.badInput,
  FORBIDDEN: EXIT.badInput,
  TOKEN_EXPIRED: EXIT.badInput,
  TOKEN_REVOKED: EXIT.badInput,
  ACCOUNT_LOCKED: EXIT.badInput,
  REAUTHENTICATION_FAILED: EXIT.badInput,
  USER_NOT_FOUND: EXIT.badInput,
  TOKEN_NOT_FOUND: EXIT.badInput,
  NAME_TAKEN: EXIT.badInput,
  DATA_DIR_UNUSABLE: EXIT.badInput,
  BLOB_DAMAGED: EXIT.serverFailed,
  STORAGE_UNAVAILABLE: EXIT.serverFailed,
  LOG_KEY_MISSING: EXIT.serverFailed,
  ARCHIVE_UNREADABLE: EXIT.badInput,
  UPLOAD_INCOMPLETE: EXIT.serverFailed,
  WEBHOOK_NOT_CONFIGURED: EXIT.badInput,
  WEBHOOK_SIGNATURE_INVALID: EXIT.badInput,
  SERVER_UNREACHABLE: EXIT.serverFailed,
  SERVER_ERROR: EXIT.serverFailed,
  INTERNAL: EXIT.serverFailed,
};

export function exitCodeOf(code: ErrorCode): ExitCode {
  return EXIT_BY_CODE[code];
}

import type { CaseStatus } from './junit-summary.ts';

/**
 * `status`/`result` attributes, read only when the case has no outcome element: tst writes
 * status="disabled", GoogleTest status="notrun" and result="skipped"/"suppressed".
 */
export function statusFromAttributes(
  status: string | undefined,
  result: string | undefined,
): CaseStatus {
  const value = status?.toLowerCase();
  switch (value) {
    case undefined:
      break;
    case 'failed':
    case 'failure':
    case 'fail':
      return 'failed';
    case 'error':
    case 'errored':
      return 'errored';
    case 'skipped':
    case 'skip':
    case 'disabled':
    case 'notrun':
    case 'ignored':
      return 'skipped';
  }
  const outcome = result?.toLowerCase();
  if (outcome === 'skipped' || outcome === 'suppressed') return 'skipped';
  return 'passed';
}

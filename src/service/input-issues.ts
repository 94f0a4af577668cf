import type { z } from 'zod';
import { DossierError, type InputIssue } from '../core/errors.ts';

/** Turns zod's issues into Dossier's: every problem, each with the field it is about. */
export function toInputIssues(error: z.ZodError): InputIssue[] {
  return error.issues.map((issue) => {
    const path = issue.path
      .map((part, index) =>
        typeof part === 'number' ? `[${part}]` : index === 0 ? String(part) : `.${String(part)}`,
      )
      .join('');
    if (issue.code === 'unrecognized_keys') {
      return { path: path || '(body)', message: `unknown field(s): ${issue.keys.join(', ')}` };
    }
    return { path: path || '(body)', message: issue.message };
  });
}

export function invalidInput(what: string, issues: InputIssue[]): DossierError {
  const list = issues.map((issue) => `${issue.path}: ${issue.message}`).join('; ');
  return new DossierError('INVALID_INPUT', `invalid ${what}: ${list}`, { issues });
}

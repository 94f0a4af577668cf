import { readFileSync } from 'node:fs';
import { parseVerifierKey, type VerifierKey } from '../core/audit-log/signed-note.ts';
import { DossierError } from '../core/errors.ts';

/**
 * The keys an auditor pinned with `--key`: each value a verifier key itself, or a file holding
 * keys one per line (# comments). A malformed key is bad input, named.
 */
export function pinnedKeys(values: readonly string[]): VerifierKey[] {
  const lines = values.flatMap((value) => (value.includes('+') ? [value] : readKeyFile(value)));
  return lines.map((line) => {
    try {
      return parseVerifierKey(line);
    } catch (error) {
      throw new DossierError(
        'INVALID_INPUT',
        `--key ${line.slice(0, 60)}: ${(error as Error).message}`,
      );
    }
  });
}

function readKeyFile(path: string): string[] {
  try {
    return readFileSync(path, 'utf8')
      .split('\n')
      .map((line) => line.trim())
      .filter((line) => line && !line.startsWith('#'));
  } catch (error) {
    throw new DossierError(
      'INVALID_INPUT',
      `cannot read key file ${path}: ${(error as Error).message}`,
    );
  }
}

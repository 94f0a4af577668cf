import { readFile, stat } from 'node:fs/promises';
import { DossierError } from '../core/errors.ts';

/** Reads a small UTF-8 file the user named (a policy, a fixture), with a clear error if not. */
export async function readTextFile(path: string, maxBytes: number, what: string): Promise<string> {
  const info = await stat(path).catch((error: NodeJS.ErrnoException) => {
    throw new DossierError(
      'INVALID_INPUT',
      `cannot read ${what} ${path}: ${error.code ?? error.message}`,
    );
  });
  if (!info.isFile()) throw new DossierError('INVALID_INPUT', `${path} is not a file`);
  if (info.size > maxBytes) {
    throw new DossierError('INVALID_INPUT', `${what} ${path} is larger than ${maxBytes} bytes`);
  }
  const bytes = await readFile(path);
  try {
    return new TextDecoder('utf-8', { fatal: true }).decode(bytes);
  } catch {
    throw new DossierError('INVALID_INPUT', `${what} ${path} is not UTF-8 text`);
  }
}

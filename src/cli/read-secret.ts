import { DossierError } from '../core/errors.ts';

/**
 * Reads a password from standard input (`--password-stdin`): everything up to end of input, less
 * one trailing newline, so `printf '%s' "$PW" | dossier …` and `echo "$PW" | dossier …` agree.
 * Passwords never come from a flag: flags show up in `ps` and shell history.
 */
export async function readSecretFromStdin(
  stdin: NodeJS.ReadableStream = process.stdin,
): Promise<string> {
  if ((stdin as { isTTY?: boolean }).isTTY) {
    throw new DossierError(
      'INVALID_INPUT',
      '--password-stdin reads the password from a pipe, e.g. printf %s "$PASSWORD" | dossier …',
      { issues: [{ path: '--password-stdin', message: 'standard input is a terminal' }] },
    );
  }
  const chunks: Buffer[] = [];
  for await (const chunk of stdin) chunks.push(Buffer.from(chunk as Buffer));
  const text = Buffer.concat(chunks)
    .toString('utf8')
    .replace(/\r?\n$/, '');
  if (text.length === 0) {
    throw new DossierError('INVALID_INPUT', 'no password on standard input', {
      issues: [{ path: '--password-stdin', message: 'empty' }],
    });
  }
  return text;
}

/** `--password-stdin` is the only way in for now: refuse a command run without it. */
export async function requirePassword(options: { passwordStdin?: boolean }): Promise<string> {
  if (!options.passwordStdin) {
    throw new DossierError(
      'INVALID_INPUT',
      'give the password on standard input with --password-stdin',
      { issues: [{ path: '--password-stdin', message: 'required' }] },
    );
  }
  return readSecretFromStdin();
}

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

/**
 * The password from standard input with `--password-stdin`; otherwise, at a terminal, from a
 * prompt that does not echo. Anywhere else (a pipeline without the flag) it is refused.
 */
export async function requirePassword(
  options: { passwordStdin?: boolean },
  prompt = 'Password: ',
): Promise<string> {
  if (options.passwordStdin) return readSecretFromStdin();
  if (process.stdin.isTTY && process.stderr.isTTY) return promptSecret(prompt);
  throw new DossierError(
    'INVALID_INPUT',
    'give the password on standard input with --password-stdin',
    {
      issues: [{ path: '--password-stdin', message: 'required' }],
    },
  );
}

/** Reads one line at the terminal in raw mode, echoing nothing. */
function promptSecret(prompt: string): Promise<string> {
  const stdin = process.stdin;
  process.stderr.write(prompt);
  stdin.setRawMode(true);
  stdin.setEncoding('utf8');
  stdin.resume();
  return new Promise((resolve, reject) => {
    let typed = '';
    const finish = (error?: DossierError) => {
      stdin.off('data', onData);
      stdin.setRawMode(false);
      stdin.pause();
      process.stderr.write('\n');
      if (error) reject(error);
      else resolve(typed);
    };
    const onData = (chunk: string) => {
      for (const char of chunk) {
        if (char === '\r' || char === '\n' || char === '\u0004') {
          finish(typed ? undefined : new DossierError('INVALID_INPUT', 'no password entered'));
          return;
        }
        if (char === '\u0003') {
          finish(new DossierError('INVALID_INPUT', 'cancelled'));
          return;
        }
        if (char === '\u007f' || char === '\b') typed = typed.slice(0, -1);
        else typed += char;
      }
    };
    stdin.on('data', onData);
  });
}

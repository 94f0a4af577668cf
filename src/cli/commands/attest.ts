import { createReadStream } from 'node:fs';
import { stat } from 'node:fs/promises';
import { basename } from 'node:path';
import type { Command } from 'commander';
import { detectCiContext } from '../../core/ci-context.ts';
import { DossierError } from '../../core/errors.ts';
import { EVIDENCE_KINDS, isEvidenceKind } from '../../core/evidence-record.ts';
import type { AttachEvidenceJson } from '../../core/wire-schemas.ts';
import type { AttachFile } from '../client.ts';
import { connect, type GlobalOptions } from '../connect.ts';
import { formatBytes, json, type Output } from '../output.ts';

export function registerAttest(program: Command, io: Output): void {
  program
    .command('attest')
    .description('upload evidence files to a release')
    .argument('<kind>', `evidence kind: ${EVIDENCE_KINDS.join(', ')}, or auto to detect it`)
    .argument('<files...>', 'files to upload, byte for byte')
    .requiredOption('--release <id-or-tag>', 'release id or tag')
    .option('--json', 'print the evidence records as JSON')
    .option(
      '--retries <n>',
      'retry a file this many times on a dropped connection or a 502/503/504, backing off from 0.5 s',
      '5',
    )
    .action(
      async (
        kind: string,
        paths: string[],
        options: { release: string; json?: boolean; retries: string },
        command: Command,
      ) => {
        if (kind !== 'auto' && !isEvidenceKind(kind)) {
          throw new DossierError(
            'UNKNOWN_EVIDENCE_KIND',
            `unknown evidence kind "${kind}"; expected one of ${EVIDENCE_KINDS.join(', ')}, or auto`,
          );
        }
        const retries = Number(options.retries);
        if (!Number.isInteger(retries) || retries < 0 || retries > 10) {
          throw new DossierError('INVALID_INPUT', '--retries must be a whole number from 0 to 10', {
            issues: [{ path: '--retries', message: 'must be 0 to 10' }],
          });
        }
        // Check every file before sending any, so a typo does not leave half a set uploaded.
        const files = await Promise.all(
          paths.map((path) => describeFile(path, kind, options.release)),
        );
        const client = await connect(command.optsWithGlobals<GlobalOptions>(), process.env);
        const ciContext = detectCiContext(process.env);
        const progress = progressLines(io, files.length, Boolean(process.stderr.isTTY));
        const results: AttachEvidenceJson[] = [];
        try {
          for (const [index, file] of files.entries()) {
            progress.sending(index, paths[index] ?? file.name, file.size);
            const result = await client.attachEvidence({
              ...file,
              ciContext,
              retries,
              onRetry: (attempt, delayMs, reason) =>
                progress.retrying(index, paths[index] ?? file.name, attempt, delayMs, reason),
            });
            results.push(result);
            if (!options.json) {
              const { evidence } = result;
              io.out(
                `${result.created ? 'attached' : 'already attached'} ${evidence.kind}${evidence.format ? ` (${evidence.format})` : ''} ${paths[index]} ` +
                  `(${formatBytes(evidence.size)}, sha256 ${evidence.sha256}) as ${evidence.id}`,
              );
            }
          }
        } catch (error) {
          // What was stored before the failure is still reported, so a retry can be reasoned about.
          if (options.json && results.length > 0) io.out(json(results));
          throw error;
        } finally {
          progress.done();
          await client.close();
        }
        if (options.json) io.out(json(results));
      },
    );
}

async function describeFile(path: string, kind: string, release: string): Promise<AttachFile> {
  let size: number;
  try {
    const info = await stat(path);
    if (!info.isFile()) throw new Error('not a regular file');
    size = info.size;
  } catch (error) {
    throw new DossierError('INVALID_INPUT', `cannot read ${path}: ${(error as Error).message}`, {
      issues: [{ path, message: 'cannot read' }],
    });
  }
  if (size === 0) {
    throw new DossierError('EMPTY_EVIDENCE', `${path} is empty; evidence must have content`);
  }
  return { release, kind, name: basename(path), size, open: () => createReadStream(path) };
}

/**
 * Progress on standard error, so standard output stays the result: on a terminal one line that
 * updates in place, in a CI log (not a TTY) one line per file.
 */
function progressLines(io: Output, total: number, tty: boolean) {
  const width = String(total).length;
  const position = (index: number) => `[${String(index + 1).padStart(width)}/${total}]`;
  let open = false;
  return {
    sending(index: number, path: string, size: number) {
      const line = `${position(index)} sending ${path} (${formatBytes(size)})`;
      if (tty) {
        process.stderr.write(`\r\x1b[2K${line}`);
        open = true;
      } else {
        io.err(line);
      }
    },
    retrying(index: number, path: string, attempt: number, delayMs: number, reason: string) {
      if (open) process.stderr.write('\n');
      open = false;
      io.err(
        `${position(index)} ${path}: ${reason}; retrying in ${(delayMs / 1000).toFixed(1)} s (attempt ${attempt})`,
      );
    },
    done() {
      if (open) process.stderr.write('\r\x1b[2K');
      open = false;
    },
  };
}

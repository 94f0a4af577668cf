import { createReadStream } from 'node:fs';
import { stat } from 'node:fs/promises';
import { basename } from 'node:path';
import type { Command } from 'commander';
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
    .action(
      async (
        kind: string,
        paths: string[],
        options: { release: string; json?: boolean },
        command: Command,
      ) => {
        if (kind !== 'auto' && !isEvidenceKind(kind)) {
          throw new DossierError(
            'UNKNOWN_EVIDENCE_KIND',
            `unknown evidence kind "${kind}"; expected one of ${EVIDENCE_KINDS.join(', ')}, or auto`,
          );
        }
        // Check every file before sending any, so a typo does not leave half a set uploaded.
        const files = await Promise.all(
          paths.map((path) => describeFile(path, kind, options.release)),
        );
        const client = await connect(command.optsWithGlobals<GlobalOptions>(), process.env);
        const results: AttachEvidenceJson[] = [];
        try {
          for (const [index, file] of files.entries()) {
            const result = await client.attachEvidence(file);
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

import { readFile, stat } from 'node:fs/promises';
import type { Command } from 'commander';
import { DossierError } from '../../core/errors.ts';
import { connect, type GlobalOptions } from '../connect.ts';
import { json, type Output } from '../output.ts';

const MAX_BYTES = 16 * 1024 * 1024;

export function registerImport(program: Command, io: Output): void {
  program
    .command('import')
    .description(
      'bring in a legacy release record (JSON: release_id, product, version, git_sha, …), marked imported',
    )
    .argument('<file>', 'the legacy release evidence bundle')
    .option('--json', 'print the release and the stored record as JSON')
    .action(async (file: string, options: { json?: boolean }, command: Command) => {
      const info = await stat(file).catch((error: Error) => {
        throw new DossierError('INVALID_INPUT', `cannot read ${file}: ${error.message}`);
      });
      if (!info.isFile() || info.size === 0 || info.size > MAX_BYTES) {
        throw new DossierError(
          'INVALID_INPUT',
          `${file} must be a non-empty file of at most 16 MiB`,
        );
      }
      const bytes = await readFile(file);
      const client = await connect(command.optsWithGlobals<GlobalOptions>(), process.env);
      try {
        const result = await client.importLegacy(bytes);
        if (options.json) {
          io.out(json(result));
          return;
        }
        io.out(
          `${result.created ? 'Imported' : 'Already imported:'} ${result.release.tag} (${result.release.id})`,
        );
        io.out(
          `  record ${result.record.id}, sha256 ${result.record.sha256}: facts marked imported, not verified`,
        );
      } finally {
        await client.close();
      }
    });
}

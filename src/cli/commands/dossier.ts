import { createWriteStream } from 'node:fs';
import { rename, rm } from 'node:fs/promises';
import { pipeline } from 'node:stream/promises';
import type { Command } from 'commander';
import { verifyDossier } from '../../core/dossier/verify-dossier.ts';
import { DossierError } from '../../core/errors.ts';
import { readDossierArchive } from '../../service/export/read-dossier-archive.ts';
import { CheckFailed } from '../check-failed.ts';
import { connect, type GlobalOptions } from '../connect.ts';
import { pinnedKeys } from '../key-arguments.ts';
import { json, type Output } from '../output.ts';

export function registerDossier(program: Command, io: Output): void {
  program
    .command('export')
    .description('write the release dossier: one archive an auditor verifies offline')
    .argument('<id-or-tag>', 'release id or tag')
    .option('-o, --output <file>', 'where to write the archive (default: <tag>.dossier.zip)')
    .action(async (idOrTag: string, options: { output?: string }, command: Command) => {
      const client = await connect(command.optsWithGlobals<GlobalOptions>(), process.env);
      try {
        const exported = await client.exportDossier(idOrTag);
        const target = options.output ?? exported.fileName;
        // Written under a temporary name and renamed: an interrupted export leaves no half archive.
        const partial = `${target}.partial`;
        try {
          await pipeline(exported.stream, createWriteStream(partial, { mode: 0o644 }));
          await rename(partial, target);
        } catch (error) {
          await rm(partial, { force: true });
          if (error instanceof DossierError) throw error;
          throw new DossierError(
            'SERVER_ERROR',
            `the export did not complete: ${(error as Error).message}`,
            { cause: error },
          );
        }
        io.out(`Wrote ${target}`);
      } finally {
        await client.close();
      }
    });

  program
    .command('verify')
    .description('verify a release dossier offline against the server key you pinned')
    .argument('<file>', 'the dossier archive')
    .requiredOption(
      '--key <vkey-or-file...>',
      "the server's verifier key(s) (from `dossier log keys`), never taken from the archive",
    )
    .option('--json', 'print every check as JSON')
    .action(async (file: string, options: { key: string[]; json?: boolean }) => {
      const keys = pinnedKeys(options.key);
      const verdict = verifyDossier(await readDossierArchive(file), keys);
      if (options.json) {
        io.out(json(verdict));
      } else {
        const failed = verdict.checks.filter((check) => !check.ok);
        const passed = verdict.checks.length - failed.length;
        if (verdict.verified) {
          io.out(
            `VERIFIED ${verdict.release?.tag} (${verdict.release?.id}): ${passed} checks passed`,
          );
          io.out(
            `  checkpoint: tree size ${verdict.checkpoint?.size}, signed by ${verdict.checkpoint?.keyName}`,
          );
        } else {
          io.out(
            `NOT VERIFIED ${verdict.release?.tag ?? file}: ${failed.length} check(s) failed, ${passed} passed`,
          );
          for (const check of failed) io.out(`  ${check.target}: ${check.check}: ${check.detail}`);
        }
      }
      if (!verdict.verified) throw new CheckFailed('the dossier did not verify');
    });
}

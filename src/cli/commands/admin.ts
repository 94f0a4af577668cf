import type { Command } from 'commander';
import { backupDataDir, restoreDataDir } from '../../service/backup.ts';
import { loadConfig } from '../../service/config.ts';
import { openDataDir, storageDescription } from '../../service/open-data-dir.ts';
import { formatBytes, type Output } from '../output.ts';

export function registerAdmin(program: Command, io: Output): void {
  program
    .command('migrate')
    .description('bring the storage schema up to date (forward-only; safe to run again)')
    .option('--data <dir>', 'data directory')
    .option('--database-url <url>', 'PostgreSQL instead of the embedded database')
    .option('--database-schema <name>', 'PostgreSQL schema')
    .action(async (options: { data?: string; databaseUrl?: string; databaseSchema?: string }) => {
      const config = loadConfig({
        flags: {
          dataDir: options.data,
          databaseUrl: options.databaseUrl,
          databaseSchema: options.databaseSchema,
        },
        env: process.env,
      });
      const services = await openDataDir(config);
      await services.close();
      io.out(`${storageDescription(config)}: schema up to date`);
    });

  program
    .command('backup')
    .description(
      'back up an embedded data directory (database snapshot, evidence, log keys) while it runs',
    )
    .option('--data <dir>', 'data directory')
    .requiredOption('-o, --output <file>', 'the backup archive to write')
    .action(async (options: { data?: string; output: string }) => {
      const config = loadConfig({ flags: { dataDir: options.data }, env: process.env });
      const result = await backupDataDir(config.dataDir, options.output);
      io.out(
        `Backed up ${config.dataDir} to ${result.file}: ${result.files} files, ${formatBytes(result.bytes)}`,
      );
      io.out('It holds the log signing keys: keep it as secret as the data directory.');
    });

  program
    .command('restore')
    .description('restore a backup into an empty or new data directory')
    .argument('<file>', 'a backup written by dossier backup')
    .requiredOption('--data <dir>', 'the data directory to create')
    .action(async (file: string, options: { data: string }) => {
      const config = loadConfig({ flags: { dataDir: options.data }, env: process.env });
      const result = await restoreDataDir(file, config.dataDir);
      io.out(
        `Restored ${result.files} files into ${config.dataDir} (schema version ${result.schemaVersion})`,
      );
    });
}

import type { Command } from 'commander';
import { DossierError } from '../../core/errors.ts';
import { MAX_PAGE_SIZE } from '../../core/page.ts';
import { connect, type GlobalOptions } from '../connect.ts';
import { describeRelease, evidenceTable, json, type Output, table } from '../output.ts';

interface CreateOptions {
  service: string;
  version: string;
  commit: string;
  change?: string;
  artifact?: string[];
  json?: boolean;
}

export function registerRelease(program: Command, io: Output): void {
  const release = program.command('release').description('create and read releases');

  release
    .command('create')
    .description(
      'create a release (a repeat with the same tag and commit returns the existing one)',
    )
    .requiredOption('--service <name>', 'service being released, e.g. payments-api')
    .requiredOption('--version <version>', 'version, e.g. 1.18.4')
    .requiredOption('--commit <sha>', 'full git commit SHA')
    .option('--change <id>', 'change request, e.g. CHG-1842')
    .option('--artifact <digest...>', 'artifact digest sha256:<hex> (repeatable)')
    .option('--json', 'print the release as JSON')
    .action(async (options: CreateOptions, command: Command) => {
      const client = await connect(command.optsWithGlobals<GlobalOptions>(), process.env);
      try {
        const input: Record<string, unknown> = {
          service: options.service,
          version: options.version,
          commit: options.commit,
        };
        if (options.change !== undefined) input.change = options.change;
        if (options.artifact !== undefined) input.artifacts = options.artifact;
        const { release: created, created: isNew } = await client.createRelease(input);
        if (options.json) {
          io.out(json(created));
        } else {
          io.out(`${isNew ? 'Created' : 'Already exists:'} ${created.tag}`);
          io.out(`  id ${created.id}`);
        }
      } finally {
        await client.close();
      }
    });

  release
    .command('show')
    .description('show a release and its evidence')
    .argument('<id-or-tag>', 'release id (rel_…) or tag')
    .option('--json', 'print JSON: the release with its evidence')
    .action(async (idOrTag: string, options: { json?: boolean }, command: Command) => {
      const client = await connect(command.optsWithGlobals<GlobalOptions>(), process.env);
      try {
        const found = await client.getRelease(idOrTag);
        const evidence = await client.listEvidence(found.id);
        if (options.json) {
          io.out(json({ ...found, evidence }));
          return;
        }
        for (const line of describeRelease(found)) io.out(line);
        io.out('');
        io.out('Evidence');
        for (const line of evidenceTable(evidence)) io.out(line);
      } finally {
        await client.close();
      }
    });

  release
    .command('list')
    .description('list releases, newest first')
    .option('--service <name>', 'only this service')
    .option('--limit <n>', 'at most this many (1-500)', parseLimit, 50)
    .option('--cursor <cursor>', 'continue from a previous page')
    .option('--json', 'print JSON: { items, nextCursor }')
    .action(
      async (
        options: { service?: string; limit: number; cursor?: string; json?: boolean },
        command: Command,
      ) => {
        const client = await connect(command.optsWithGlobals<GlobalOptions>(), process.env);
        try {
          const page = await client.listReleases({
            service: options.service,
            limit: options.limit,
            cursor: options.cursor,
          });
          if (options.json) {
            io.out(json(page));
            return;
          }
          if (page.items.length === 0) {
            io.out('No releases yet.');
            return;
          }
          const rows = page.items.map((item) => [
            item.tag,
            item.id,
            item.commit.slice(0, 12),
            item.state,
            String(item.evidenceCount),
            item.createdAt,
          ]);
          for (const line of table([
            ['TAG', 'ID', 'COMMIT', 'STATE', 'EVIDENCE', 'CREATED'],
            ...rows,
          ])) {
            io.out(line);
          }
          if (page.nextCursor) io.out(`More: --cursor ${page.nextCursor}`);
        } finally {
          await client.close();
        }
      },
    );
}

export function parseLimit(value: string): number {
  const limit = Number(value);
  if (!/^\d+$/.test(value) || limit < 1 || limit > MAX_PAGE_SIZE) {
    throw new DossierError(
      'INVALID_INPUT',
      `--limit must be a whole number from 1 to ${MAX_PAGE_SIZE}, not "${value}"`,
      {
        issues: [{ path: '--limit', message: `must be from 1 to ${MAX_PAGE_SIZE}` }],
      },
    );
  }
  return limit;
}

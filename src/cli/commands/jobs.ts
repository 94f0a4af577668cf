import type { Command } from 'commander';
import { JOB_STATES } from '../../core/job.ts';
import { connect, type GlobalOptions } from '../connect.ts';
import { json, type Output, table } from '../output.ts';
import { parseLimit } from './release.ts';

export function registerJobs(program: Command, io: Output): void {
  const jobs = program.command('jobs').description('the background job queue (admin)');

  jobs
    .command('list')
    .description('list background jobs, newest first, with a count per state')
    .option('--state <state>', `only jobs in this state: ${JOB_STATES.join(', ')}`)
    .option('--kind <kind>', 'only jobs of this kind (e.g. log.checkpoint)')
    .option('--limit <n>', 'at most this many (1-500)', parseLimit, 50)
    .option('--cursor <cursor>', 'continue from a previous page')
    .option('--json', 'print JSON: { items, nextCursor, counts }')
    .action(
      async (
        options: { state?: string; kind?: string; limit: number; cursor?: string; json?: boolean },
        command: Command,
      ) => {
        const client = await connect(command.optsWithGlobals<GlobalOptions>(), process.env);
        try {
          const page = await client.listJobs({
            state: options.state,
            kind: options.kind,
            limit: options.limit,
            cursor: options.cursor,
          });
          if (options.json) {
            io.out(json(page));
            return;
          }
          io.out(JOB_STATES.map((state) => `${state} ${page.counts[state] ?? 0}`).join('  '));
          if (page.items.length === 0) {
            io.out('No jobs.');
            return;
          }
          const rows = page.items.map((job) => [
            job.state,
            job.kind,
            `${job.attempts}/${job.maxAttempts}`,
            job.runAt,
            job.id,
            job.lastError ?? '',
          ]);
          for (const line of table([
            ['STATE', 'KIND', 'ATTEMPTS', 'RUN AT', 'ID', 'LAST ERROR'],
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

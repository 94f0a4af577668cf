import type { Command } from 'commander';
import { DossierError } from '../../core/errors.ts';
import { WEBHOOK_SOURCES } from '../../core/webhooks/webhook-source.ts';
import type { DossierClient } from '../client.ts';
import { connect, type GlobalOptions } from '../connect.ts';
import { json, type Output, table } from '../output.ts';

export function registerIntegration(program: Command, io: Output): void {
  const integration = program
    .command('integration')
    .description('webhook secrets for GitHub, GitLab and CDEvents (admin)');

  integration
    .command('add')
    .description("set a source's webhook secret, replacing any earlier one")
    .argument('<source>', WEBHOOK_SOURCES.join(', '))
    .option('--secret-stdin', 'read the secret from standard input (never from an argument)')
    .action(async (source: string, options: { secretStdin?: boolean }, command: Command) => {
      if (!options.secretStdin) {
        throw new DossierError(
          'INVALID_INPUT',
          'give the secret on standard input with --secret-stdin (arguments show in the process list)',
          { issues: [{ path: '--secret-stdin', message: 'required' }] },
        );
      }
      const secret = await readSecret(process.stdin);
      await withClient(command, async (client) => {
        const { replaced } = await client.putIntegration(source, secret);
        io.out(
          `${replaced ? 'Replaced' : 'Set'} the ${source} webhook secret; deliveries to /v1/hooks/${source} are checked against it`,
        );
      });
    });

  integration
    .command('list')
    .description('sources whose deliveries can be verified, and where each secret comes from')
    .option('--json', 'print JSON')
    .action(async (options: { json?: boolean }, command: Command) => {
      await withClient(command, async (client) => {
        const items = await client.listIntegrations();
        if (options.json) return io.out(json(items));
        if (items.length === 0) return io.out('(no integrations: webhooks are refused)');
        for (const line of table([
          ['SOURCE', 'SECRET FROM', 'SET BY', 'AT'],
          ...items.map((item) => [
            item.source,
            item.origin === 'stored' ? 'dossier integration add' : 'environment',
            item.createdBy ?? '-',
            item.createdAt ?? '-',
          ]),
        ])) {
          io.out(line);
        }
      });
    });

  integration
    .command('remove')
    .description("remove a source's stored secret; its deliveries are refused from then on")
    .argument('<source>', WEBHOOK_SOURCES.join(', '))
    .action(async (source: string, _options: unknown, command: Command) => {
      await withClient(command, async (client) => {
        await client.removeIntegration(source);
        io.out(`Removed the ${source} webhook secret`);
      });
    });
}

async function withClient(command: Command, work: (client: DossierClient) => Promise<void>) {
  const client = await connect(command.optsWithGlobals<GlobalOptions>(), process.env);
  try {
    await work(client);
  } finally {
    await client.close();
  }
}

/** All of standard input, without the one line ending `echo` or a heredoc adds. */
async function readSecret(stdin: NodeJS.ReadableStream): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const chunk of stdin) chunks.push(Buffer.from(chunk as Buffer));
  return Buffer.concat(chunks)
    .toString('utf8')
    .replace(/\r?\n$/, '');
}

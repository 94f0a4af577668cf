import type { Command } from 'commander';
import { DossierError } from '../../core/errors.ts';
import { OUTBOUND_EVENTS } from '../../core/outbound/outbound-webhook.ts';
import { connect, type GlobalOptions } from '../connect.ts';
import { json, type Output, table } from '../output.ts';
import { readSecretFromStdin } from '../read-secret.ts';

export function registerWebhook(program: Command, io: Output): void {
  const webhook = program
    .command('webhook')
    .description('outbound webhooks: release events to your receivers, HMAC-signed (admin)');

  webhook
    .command('add')
    .description('subscribe a receiver; each body is signed with the secret (x-dossier-signature)')
    .argument('<url>', 'the receiver, http(s)')
    .requiredOption('--event <event...>', OUTBOUND_EVENTS.join(', '))
    .option('--secret-stdin', 'read the signing secret from standard input')
    .option('--json', 'print JSON')
    .action(
      async (
        url: string,
        options: { event: string[]; secretStdin?: boolean; json?: boolean },
        command: Command,
      ) => {
        if (!options.secretStdin) {
          throw new DossierError(
            'INVALID_INPUT',
            'give the secret on standard input with --secret-stdin (arguments show in the process list)',
            { issues: [{ path: '--secret-stdin', message: 'required' }] },
          );
        }
        const secret = await readSecretFromStdin();
        const client = await connect(command.optsWithGlobals<GlobalOptions>(), process.env);
        try {
          const added = await client.addOutboundWebhook({ url, secret, events: options.event });
          if (options.json) io.out(json(added));
          else io.out(`Subscribed ${added.id}: ${added.url} ← ${added.events.join(', ')}`);
        } finally {
          await client.close();
        }
      },
    );

  webhook
    .command('list')
    .description('the subscriptions (never their secrets)')
    .option('--json', 'print JSON')
    .action(async (options: { json?: boolean }, command: Command) => {
      const client = await connect(command.optsWithGlobals<GlobalOptions>(), process.env);
      try {
        const list = await client.listOutboundWebhooks();
        if (options.json) {
          io.out(json(list));
          return;
        }
        for (const line of table([
          ['id', 'url', 'events', 'created'],
          ...list.items.map((w) => [
            w.id,
            w.url,
            w.events.join(','),
            `${w.createdAt} by ${w.createdBy}`,
          ]),
        ])) {
          io.out(line);
        }
      } finally {
        await client.close();
      }
    });

  webhook
    .command('remove')
    .description('unsubscribe a receiver')
    .argument('<id>', 'owh_…')
    .action(async (id: string, _options: unknown, command: Command) => {
      const client = await connect(command.optsWithGlobals<GlobalOptions>(), process.env);
      try {
        await client.removeOutboundWebhook(id);
        io.out(`Removed ${id}`);
      } finally {
        await client.close();
      }
    });
}

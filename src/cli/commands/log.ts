import type { Command } from 'commander';
import { parseVerifierKey } from '../../core/audit-log/signed-note.ts';
import { CheckFailed } from '../check-failed.ts';
import type { DossierClient } from '../client.ts';
import { connect, type GlobalOptions } from '../connect.ts';
import { pinnedKeys } from '../key-arguments.ts';
import { json, type Output } from '../output.ts';
import { verifyLog } from '../verify-log.ts';

export function registerLog(program: Command, io: Output): void {
  const log = program.command('log').description('the tamper-evident audit log');

  log
    .command('checkpoint')
    .description('print the latest signed checkpoint (C2SP signed note)')
    .option('--json', 'print JSON')
    .action(async (options: { json?: boolean }, command: Command) => {
      await withClient(command, async (client) => {
        const checkpoint = await client.logCheckpoint();
        io.out(options.json ? json(checkpoint) : checkpoint.note.trimEnd());
      });
    });

  log
    .command('keys')
    .description("print the log's origin and verifier keys (pin these to verify offline)")
    .option('--json', 'print JSON')
    .action(async (options: { json?: boolean }, command: Command) => {
      await withClient(command, async (client) => {
        const keys = await client.logKeys();
        if (options.json) return io.out(json(keys));
        io.out(`origin ${keys.origin}`);
        for (const key of keys.keys) io.out(`${key.verifierKey}${key.active ? '  (active)' : ''}`);
      });
    });

  log
    .command('rotate-key')
    .description('sign checkpoints with a new key from now on (admin); the old key stays published')
    .action(async (_options: unknown, command: Command) => {
      await withClient(command, async (client) => {
        const { previous, active } = await client.rotateLogKey();
        io.out(`Signing key rotated: ${previous} → ${active}`);
      });
    });

  log
    .command('verify')
    .description(
      'replay the whole log against every signed checkpoint, and check checkpoints are consistent',
    )
    .option('--key <vkey-or-file...>', 'pinned verifier key(s), or files holding them one per line')
    .option('--json', 'print the result as JSON')
    .action(async (options: { key?: string[]; json?: boolean }, command: Command) => {
      await withClient(command, async (client) => {
        const published = await client.logKeys();
        const pinned = options.key
          ? pinnedKeys(options.key)
          : published.keys.map((k) => parseVerifierKey(k.verifierKey));
        if (!options.key && !options.json) {
          io.err(
            'warning: no --key given; trusting the keys the server publishes (pin them for an independent check)',
          );
        }
        const result = await verifyLog(client, pinned, published.origin);
        if (options.json) {
          io.out(json({ verified: result.problems.length === 0, ...result }));
        } else if (result.problems.length === 0) {
          io.out(
            `Log verified: ${result.entries} entries, ${result.checkpoints} checkpoints, ` +
              `latest ${result.latest.size} with root ${result.latest.rootHash} signed by ${result.latest.keyName}`,
          );
        } else {
          io.out(`Log NOT verified: ${result.problems.length} problem(s)`);
          for (const problem of result.problems.slice(0, 50))
            io.out(`  ${problem.where}: ${problem.problem}`);
        }
        if (result.problems.length > 0) throw new CheckFailed('the audit log did not verify');
      });
    });
}

async function withClient(
  command: Command,
  work: (client: DossierClient) => Promise<void>,
): Promise<void> {
  const client = await connect(command.optsWithGlobals<GlobalOptions>(), process.env);
  try {
    await work(client);
  } finally {
    await client.close();
  }
}

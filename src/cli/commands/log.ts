import type { Command } from 'commander';
import type { AuditEntry } from '../../core/audit-log/audit-entry.ts';
import type { SignedCheckpoint } from '../../core/audit-log/checkpoint.ts';
import { parseVerifierKey, type VerifierKey } from '../../core/audit-log/signed-note.ts';
import {
  checkCheckpoint,
  checkConsistency,
  type LogProblem,
  LogReplay,
} from '../../core/audit-log/verify-log.ts';
import type { CheckpointJson } from '../../core/wire-schemas.ts';
import { CheckFailed } from '../check-failed.ts';
import type { DossierClient } from '../client.ts';
import { connect, type GlobalOptions } from '../connect.ts';
import { pinnedKeys } from '../key-arguments.ts';
import { json, type Output } from '../output.ts';

const PAGE = 10_000;

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

async function verifyLog(client: DossierClient, keys: VerifierKey[], origin: string) {
  const latest = await client.logCheckpoint();
  const checkpoints: CheckpointJson[] = [];
  for (let from = 0; ; ) {
    const page = await client.logCheckpoints(from, PAGE);
    checkpoints.push(...page);
    if (page.length < PAGE) break;
    from = (page.at(-1)?.size ?? from) + 1;
  }
  const signed = checkpoints.map(toSigned);
  const problems: LogProblem[] = signed.flatMap((checkpoint) =>
    checkCheckpoint(checkpoint, keys, origin),
  );
  for (let i = 1; i < signed.length; i++) {
    const earlier = signed[i - 1] as SignedCheckpoint;
    const later = signed[i] as SignedCheckpoint;
    if (earlier.size === 0) continue;
    const proof = await client.logConsistency(earlier.size, later.size);
    problems.push(...checkConsistency(earlier, later, proof.proof));
  }
  // Fast path over canonical leaf texts; only if a root does not match, replay the structured
  // entries to name the entry that breaks it.
  const fast = new LogReplay(signed);
  for (let from = 0; from < latest.size; from += PAGE) {
    const leaves = await client.logLeaves(from, Math.min(PAGE, latest.size - from));
    if (leaves.length === 0) break;
    for (const leaf of leaves) fast.addLeafText(leaf);
  }
  let replay = fast;
  if (fast.finish().length > 0) {
    replay = new LogReplay(signed);
    for (let from = 0; from < latest.size; from += PAGE) {
      const entries = await client.logEntries(from, Math.min(PAGE, latest.size - from));
      if (entries.length === 0) break;
      for (const entry of entries) replay.add(entry as AuditEntry);
    }
  }
  problems.push(...(replay === fast ? fast.problems : replay.finish()));
  return { entries: replay.size, checkpoints: signed.length, latest, problems };
}

function toSigned(checkpoint: CheckpointJson): SignedCheckpoint {
  return { ...checkpoint, rootHash: Buffer.from(checkpoint.rootHash, 'hex') };
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

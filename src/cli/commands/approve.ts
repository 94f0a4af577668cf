import type { Command } from 'commander';
import { connect, type GlobalOptions } from '../connect.ts';
import { json, type Output, table } from '../output.ts';
import { requirePassword } from '../read-secret.ts';

interface ApproveOptions {
  role: string;
  meaning: string;
  condition?: string;
  conditionOwner?: string;
  conditionDeadline?: string;
  onBehalfOf?: string;
  passwordStdin?: boolean;
  json?: boolean;
}

export function registerApprove(program: Command, io: Output): void {
  program
    .command('approvals')
    .description(
      'what a signature on the release would cover now, and every signature with its status',
    )
    .argument('<release>', 'release id (rel_…) or tag')
    .option('--json', 'print JSON')
    .action(async (release: string, options: { json?: boolean }, command: Command) => {
      const client = await connect(command.optsWithGlobals<GlobalOptions>(), process.env);
      try {
        const view = await client.signingView(release);
        if (options.json) {
          io.out(json(view));
          return;
        }
        io.out('A signature now covers:');
        for (const line of view.lines) io.out(`  ${line}`);
        io.out('');
        if (view.signatures.length === 0) {
          io.out('No signatures yet.');
          return;
        }
        for (const line of table([
          ['id', 'kind', 'role', 'signer', 'signed at', 'status'],
          ...view.signatures.map((s) => [
            s.id,
            s.kind,
            s.role,
            `${s.signer.fullName} (${s.signer.username})`,
            s.signedAt,
            `${s.status ?? ''}: ${s.statusReason ?? ''}`,
          ]),
        ])) {
          io.out(line);
        }
      } finally {
        await client.close();
      }
    });

  program
    .command('approve')
    .description(
      'sign an approval of the release for one role; you re-enter your password (signed-in person only)',
    )
    .argument('<release>', 'release id (rel_…) or tag')
    .requiredOption('--role <role>', 'the role you sign for, e.g. qa')
    .requiredOption('--meaning <text>', 'what your signature means, e.g. "QA evidence reviewed"')
    .option('--on-behalf-of <username>', 'sign as a backup approver, under a delegation in force')
    .option('--condition <text>', 'approve on a condition that must be met by the deadline')
    .option('--condition-owner <username>', 'who must meet the condition')
    .option('--condition-deadline <time>', 'ISO 8601; unmet by then, the approval lapses')
    .option('--password-stdin', 'read your password from standard input (default: prompt)')
    .option('--json', 'print the signature as JSON')
    .action(async (release: string, options: ApproveOptions, command: Command) => {
      const client = await connect(command.optsWithGlobals<GlobalOptions>(), process.env);
      try {
        const view = await client.signingView(release);
        if (!options.json) {
          io.err('You are signing:');
          for (const line of view.lines) io.err(`  ${line}`);
        }
        const password = await requirePassword(options, 'Password (to sign): ');
        const input: Record<string, unknown> = {
          role: options.role,
          meaning: options.meaning,
          password,
        };
        if (options.onBehalfOf !== undefined) input.onBehalfOf = options.onBehalfOf;
        if (options.condition !== undefined) {
          input.condition = {
            text: options.condition,
            owner: options.conditionOwner,
            deadline: options.conditionDeadline,
          };
        }
        const signature = await client.signApproval(release, input);
        if (options.json) {
          io.out(json(signature));
          return;
        }
        io.out(
          `Signed ${signature.id}: ${signature.signer.fullName} (${signature.signer.username}) as ${signature.role}, "${signature.meaning}", ${signature.signedAt}`,
        );
        io.out(`  covers sha256:${signature.contentHash}`);
      } finally {
        await client.close();
      }
    });

  program
    .command('withdraw')
    .description('withdraw your approval (recorded as a new signed record)')
    .argument('<signature>', 'sig_…')
    .requiredOption('--meaning <text>', 'why you withdraw it')
    .option('--password-stdin', 'read your password from standard input (default: prompt)')
    .option('--json', 'print JSON')
    .action(
      async (
        signature: string,
        options: { meaning: string; passwordStdin?: boolean; json?: boolean },
        command: Command,
      ) => {
        const client = await connect(command.optsWithGlobals<GlobalOptions>(), process.env);
        try {
          const password = await requirePassword(options, 'Password (to sign): ');
          const withdrawal = await client.withdrawApproval(signature, {
            meaning: options.meaning,
            password,
          });
          if (options.json) io.out(json(withdrawal));
          else io.out(`Withdrew ${signature} by ${withdrawal.id}`);
        } finally {
          await client.close();
        }
      },
    );

  program
    .command('condition-met')
    .description("record that a conditional approval's condition is met, with the evidence")
    .argument('<signature>', 'sig_…')
    .requiredOption('--evidence <id>', 'the evidence (evd_…) on the release that shows it')
    .action(async (signature: string, options: { evidence: string }, command: Command) => {
      const client = await connect(command.optsWithGlobals<GlobalOptions>(), process.env);
      try {
        await client.meetCondition(signature, options.evidence);
        io.out(`Condition of ${signature} met by ${options.evidence}`);
      } finally {
        await client.close();
      }
    });

  program
    .command('delegate')
    .description('name a backup approver who may sign for you, in one role, for a time window')
    .requiredOption('--to <username>', 'the backup approver')
    .requiredOption('--role <role>', 'the role they may sign for in your place')
    .requiredOption('--from <time>', 'ISO 8601: start of the window')
    .requiredOption('--until <time>', 'ISO 8601: end of the window (at most 90 days later)')
    .requiredOption('--reason <text>', 'why (absence, holiday)')
    .option('--for <username>', 'admins: record it for another person')
    .option('--json', 'print JSON')
    .action(
      async (
        options: {
          to: string;
          role: string;
          from: string;
          until: string;
          reason: string;
          for?: string;
          json?: boolean;
        },
        command: Command,
      ) => {
        const client = await connect(command.optsWithGlobals<GlobalOptions>(), process.env);
        try {
          const input: Record<string, unknown> = {
            delegate: options.to,
            role: options.role,
            startsAt: options.from,
            endsAt: options.until,
            reason: options.reason,
          };
          if (options.for) input.delegator = options.for;
          const delegation = await client.createDelegation(input);
          if (options.json) io.out(json(delegation));
          else
            io.out(
              `${delegation.delegate} may sign as ${delegation.role} for ${delegation.delegator} from ${delegation.startsAt} until ${delegation.endsAt} (${delegation.id})`,
            );
        } finally {
          await client.close();
        }
      },
    );
}

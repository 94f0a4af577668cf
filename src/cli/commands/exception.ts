import { type Command, Option } from 'commander';
import { EXCEPTION_STATES, type ExceptionState } from '../../core/exception/exception.ts';
import { connect, type GlobalOptions } from '../connect.ts';
import { json, type Output, table } from '../output.ts';
import { parseLimit } from './release.ts';

interface RequestOptions {
  rule: string;
  release?: string;
  service?: string;
  env?: string;
  reason: string;
  control: string;
  expires: string;
  json?: boolean;
}

export function registerException(program: Command, io: Output): void {
  const exception = program
    .command('exception')
    .description('exceptions (waivers) of one requirement: request, approve, list');

  exception
    .command('request')
    .description('ask for an exception to one rule, for a release or a whole service, until a time')
    .requiredOption('--rule <id>', 'rule id, evidence:<kind> or promote-from:<environment>')
    .option('--release <id-or-tag>', 'only this release')
    .option('--service <name>', 'every release of this service')
    .option('--env <environment>', 'only in this environment')
    .requiredOption('--reason <text>', 'why the requirement cannot be met')
    .requiredOption('--control <text>', 'the compensating control')
    .requiredOption('--expires <time>', 'ISO 8601; it stops counting then, by itself')
    .option('--json', 'print JSON')
    .action(async (options: RequestOptions, command: Command) => {
      const client = await connect(command.optsWithGlobals<GlobalOptions>(), process.env);
      try {
        const input: Record<string, unknown> = {
          ruleId: options.rule,
          reason: options.reason,
          compensatingControl: options.control,
          expiresAt: options.expires,
        };
        if (options.release) input.release = options.release;
        if (options.service) input.service = options.service;
        if (options.env) input.environment = options.env;
        const created = await client.requestException(input);
        if (options.json) io.out(json(created));
        else {
          io.out(`Requested ${created.id}: waive ${created.ruleId} until ${created.expiresAt}`);
          io.out('  it counts once another person with the authority approves it');
        }
      } finally {
        await client.close();
      }
    });

  exception
    .command('approve')
    .description('approve an exception (not your own; needs a role the policy names)')
    .argument('<id>', 'exc_…')
    .option('--json', 'print JSON')
    .action(async (id: string, options: { json?: boolean }, command: Command) => {
      const client = await connect(command.optsWithGlobals<GlobalOptions>(), process.env);
      try {
        const approved = await client.approveException(id);
        if (options.json) io.out(json(approved));
        else
          io.out(
            `Approved ${approved.id} as ${approved.approval?.role}: ${approved.ruleId} waived until ${approved.expiresAt}`,
          );
      } finally {
        await client.close();
      }
    });

  exception
    .command('list')
    .description(
      'exceptions, newest first, with their state: requested, active, expiring soon, expired',
    )
    .option('--release <idOrTag>', 'only those that apply to this release (its own or its service)')
    .addOption(
      new Option('--state <state>', 'only those in this state now').choices(EXCEPTION_STATES),
    )
    .option('--limit <n>', 'at most this many (1-500)', parseLimit, 50)
    .option('--cursor <cursor>', 'continue from a previous page')
    .option('--json', 'print JSON: { items, nextCursor, aging }')
    .action(async (options: ExceptionListFlags, command: Command) => {
      const client = await connect(command.optsWithGlobals<GlobalOptions>(), process.env);
      try {
        const list = await client.listExceptions({
          release: options.release,
          state: options.state,
          limit: options.limit,
          cursor: options.cursor,
        });
        if (options.json) {
          io.out(json(list));
          return;
        }
        const { aging } = list;
        io.out(
          `${aging.requested} requested, ${aging.active} active, ${aging.expiringSoon} expiring soon, ${aging.expired} expired`,
        );
        for (const line of table([
          ['id', 'state', 'rule', 'scope', 'expires', 'requested by', 'approved by'],
          ...list.items.map((e) => [
            e.id,
            e.state ?? '',
            e.ruleId,
            e.scope.releaseId ?? `service ${e.scope.service}`,
            e.expiresAt,
            e.requestedBy,
            e.approval?.approvedBy ?? '—',
          ]),
        ])) {
          io.out(line);
        }
        if (list.nextCursor) io.out(`More: --cursor ${list.nextCursor}`);
      } finally {
        await client.close();
      }
    });
}

interface ExceptionListFlags {
  release?: string;
  state?: ExceptionState;
  limit: number;
  cursor?: string;
  json?: boolean;
}

import type { Command } from 'commander';
import { DossierError } from '../../core/errors.ts';
import { connect, type GlobalOptions } from '../connect.ts';
import { json, type Output, table } from '../output.ts';
import type { PolicyClient } from '../policy-client.ts';

type RiskRecord = Awaited<ReturnType<PolicyClient['assessRisk']>>;

function level(name: string) {
  return (value: string): number => {
    const n = Number(value);
    if (!Number.isInteger(n) || n < 1 || n > 5) {
      throw new DossierError('INVALID_INPUT', `${name} must be a level from 1 to 5`);
    }
    return n;
  };
}

function describeRisk(risk: RiskRecord): string[] {
  const f = risk.assessment.factors;
  const lines = [
    `Risk (version ${risk.version}, ${risk.event}): score ${risk.assessment.score}, baseline ${risk.assessment.baselineClass}` +
      (risk.chosenClass && risk.chosenClass !== risk.assessment.baselineClass
        ? `, chosen ${risk.chosenClass}`
        : ''),
    ...table([
      ['factor', 'level', 'weight', 'points'],
      ...Object.entries(f).map(([name, factor]) => [
        name,
        String(factor.level),
        String(factor.weight),
        String(factor.points),
      ]),
    ]).map((line) => `  ${line}`),
    `  defect history: ${f.defectHistory.explanation}`,
  ];
  if (risk.justification) lines.push(`  justification: ${risk.justification}`);
  lines.push('', 'Narrative', `  ${risk.narrative}`);
  return lines;
}

export function registerChange(program: Command, io: Output): void {
  const change = program.command('change').description('change requests and their risk assessment');

  change
    .command('create')
    .description('record a change request (CHG-n)')
    .requiredOption('--service <name>', 'the service it changes')
    .requiredOption('--title <text>', 'what changes')
    .requiredOption('--type <type>', 'code, config, operational, flag or emergency')
    .requiredOption('--reason <text>', 'why the change exists')
    .option('--requirement <id...>', 'linked requirement ids (repeatable)')
    .option('--id <CHG-n>', "the change's id in an external tracker")
    .option('--author <name>', 'the author (default: you)')
    .option('--json', 'print JSON')
    .action(
      async (
        options: Record<string, string | string[] | boolean | undefined>,
        command: Command,
      ) => {
        const client = await connect(command.optsWithGlobals<GlobalOptions>(), process.env);
        try {
          const input: Record<string, unknown> = {
            service: options.service,
            title: options.title,
            type: options.type,
            reason: options.reason,
          };
          if (options.requirement) input.requirements = options.requirement;
          if (options.id) input.id = options.id;
          if (options.author) input.author = options.author;
          const { change: created, created: isNew } = await client.createChange(input);
          if (options.json) io.out(json(created));
          else
            io.out(
              `${isNew ? 'Created' : 'Already exists:'} ${created.id} (${created.service}, ${created.type})`,
            );
        } finally {
          await client.close();
        }
      },
    );

  change
    .command('show')
    .description('show a change request, its releases and its risk assessment')
    .argument('<id>', 'CHG-n')
    .option('--json', 'print JSON')
    .action(async (id: string, options: { json?: boolean }, command: Command) => {
      const client = await connect(command.optsWithGlobals<GlobalOptions>(), process.env);
      try {
        const view = await client.getChange(id);
        if (options.json) {
          io.out(json(view));
          return;
        }
        const c = view.change;
        io.out(`${c.id}  ${c.title}`);
        io.out(`  service ${c.service}, type ${c.type}, author ${c.author}`);
        io.out(`  reason: ${c.reason}`);
        if (c.requirements.length > 0) io.out(`  requirements: ${c.requirements.join(', ')}`);
        io.out(`  releases: ${view.releases.map((r) => r.tag).join(', ') || 'none'}`);
        io.out('');
        if (view.risk) for (const line of describeRisk(view.risk)) io.out(line);
        else io.out(`Risk: not assessed (dossier change assess ${c.id} …)`);
      } finally {
        await client.close();
      }
    });

  change
    .command('list')
    .description('list change requests, newest first')
    .option('--service <name>', 'only this service')
    .option('--limit <n>', 'at most this many (1-500)', (v) => Number(v), 50)
    .option('--cursor <cursor>', 'continue from a previous page')
    .option('--json', 'print JSON')
    .action(
      async (
        options: { service?: string; limit: number; cursor?: string; json?: boolean },
        command: Command,
      ) => {
        const client = await connect(command.optsWithGlobals<GlobalOptions>(), process.env);
        try {
          const page = await client.listChanges(options);
          if (options.json) {
            io.out(json(page));
            return;
          }
          for (const line of table([
            ['id', 'service', 'type', 'title'],
            ...page.items.map((c) => [c.id, c.service, c.type, c.title]),
          ])) {
            io.out(line);
          }
          if (page.nextCursor) io.out(`(more: --cursor ${page.nextCursor})`);
        } finally {
          await client.close();
        }
      },
    );

  change
    .command('assess')
    .description(
      "score a change's risk: you state scope, customer impact and rollback complexity (1-5); criticality comes from the service, defect history from its past releases",
    )
    .argument('<id>', 'CHG-n')
    .requiredOption('--scope <1-5>', 'how much of the system the change touches', level('scope'))
    .requiredOption(
      '--customer-impact <1-5>',
      'what a failure would do to customers',
      level('customer impact'),
    )
    .requiredOption('--rollback <1-5>', 'how hard it is to undo', level('rollback complexity'))
    .option('--json', 'print JSON')
    .action(
      async (
        id: string,
        options: { scope: number; customerImpact: number; rollback: number; json?: boolean },
        command: Command,
      ) => {
        const client = await connect(command.optsWithGlobals<GlobalOptions>(), process.env);
        try {
          const risk = await client.assessRisk(id, {
            scope: options.scope,
            customerImpact: options.customerImpact,
            rollbackComplexity: options.rollback,
          });
          if (options.json) io.out(json(risk));
          else for (const line of describeRisk(risk)) io.out(line);
        } finally {
          await client.close();
        }
      },
    );

  change
    .command('choose-class')
    .description('choose the risk class; another than the baseline needs --justification')
    .argument('<id>', 'CHG-n')
    .argument('<class>', 'a risk class of the policy')
    .option('--justification <text>', 'why (at least a sentence)')
    .option('--json', 'print JSON')
    .action(
      async (
        id: string,
        riskClass: string,
        options: { justification?: string; json?: boolean },
        command: Command,
      ) => {
        const client = await connect(command.optsWithGlobals<GlobalOptions>(), process.env);
        try {
          const input: Record<string, unknown> = { riskClass };
          if (options.justification !== undefined) input.justification = options.justification;
          const risk = await client.chooseRiskClass(id, input);
          if (options.json) io.out(json(risk));
          else for (const line of describeRisk(risk)) io.out(line);
        } finally {
          await client.close();
        }
      },
    );

  change
    .command('narrative')
    .description('replace the drafted risk narrative with your text (the draft stays on record)')
    .argument('<id>', 'CHG-n')
    .requiredOption('--text <text>', 'the narrative')
    .option('--json', 'print JSON')
    .action(async (id: string, options: { text: string; json?: boolean }, command: Command) => {
      const client = await connect(command.optsWithGlobals<GlobalOptions>(), process.env);
      try {
        const risk = await client.editRiskNarrative(id, options.text);
        if (options.json) io.out(json(risk));
        else io.out(`Narrative of ${risk.changeId} recorded (version ${risk.version}).`);
      } finally {
        await client.close();
      }
    });
}

import type { Command } from 'commander';
import { DossierError } from '../../core/errors.ts';
import { connect, type GlobalOptions } from '../connect.ts';
import { json, type Output } from '../output.ts';

export function registerService(program: Command, io: Output): void {
  const service = program.command('service').description('services: criticality and owners');

  service
    .command('set')
    .description("record a service's criticality (1-5, a risk factor of every change) and owners")
    .argument('<name>', 'service name')
    .requiredOption('--criticality <1-5>', 'how much harm a failure of the service can do', (v) => {
      const n = Number(v);
      if (!Number.isInteger(n) || n < 1 || n > 5) {
        throw new DossierError('INVALID_INPUT', 'criticality must be a level from 1 to 5');
      }
      return n;
    })
    .option('--owner <name...>', 'owners (repeatable)')
    .option('--description <text>', 'what the service does')
    .option('--json', 'print JSON')
    .action(
      async (
        name: string,
        options: { criticality: number; owner?: string[]; description?: string; json?: boolean },
        command: Command,
      ) => {
        const client = await connect(command.optsWithGlobals<GlobalOptions>(), process.env);
        try {
          const input: Record<string, unknown> = { criticality: options.criticality };
          if (options.owner) input.owners = options.owner;
          if (options.description !== undefined) input.description = options.description;
          const record = await client.putService(name, input);
          if (options.json) io.out(json(record));
          else
            io.out(
              `${record.name}: criticality ${record.criticality}, owners ${record.owners.join(', ') || 'none'}`,
            );
        } finally {
          await client.close();
        }
      },
    );

  service
    .command('show')
    .description('show a service record')
    .argument('<name>', 'service name')
    .option('--json', 'print JSON')
    .action(async (name: string, options: { json?: boolean }, command: Command) => {
      const client = await connect(command.optsWithGlobals<GlobalOptions>(), process.env);
      try {
        const record = await client.getService(name);
        if (options.json) io.out(json(record));
        else {
          io.out(
            `${record.name}: criticality ${record.criticality}, owners ${record.owners.join(', ') || 'none'}`,
          );
          if (record.description) io.out(`  ${record.description}`);
          io.out(`  updated ${record.updatedAt} by ${record.updatedBy}`);
        }
      } finally {
        await client.close();
      }
    });
}

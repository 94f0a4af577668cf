import type { Command } from 'commander';
import { DEPLOYMENT_STATUSES } from '../../core/deployment/deployment.ts';
import { CheckFailed } from '../check-failed.ts';
import { connect, type GlobalOptions } from '../connect.ts';
import { json, type Output, table } from '../output.ts';

const MARK: Record<string, string> = {
  passed: 'ok',
  failed: 'FAILED',
  'missing-evidence': 'MISSING',
  waived: 'waived',
  'pending-approval': 'PENDING',
};

export function registerGate(program: Command, io: Output): void {
  program
    .command('gate')
    .description(
      'may the release enter the environment? exit 0 allowed, 1 blocked, 2 error (the decision is recorded when it changes)',
    )
    .argument('<release>', 'release id (rel_…) or tag')
    .requiredOption('--env <environment>', 'the environment, e.g. production')
    .option('--json', 'print the decision as JSON')
    .action(async (release: string, options: { env: string; json?: boolean }, command: Command) => {
      const client = await connect(command.optsWithGlobals<GlobalOptions>(), process.env);
      let answer: Awaited<ReturnType<typeof client.decideGate>>;
      try {
        answer = await client.decideGate(release, options.env);
      } finally {
        await client.close();
      }
      const d = answer.decision;
      if (options.json) {
        io.out(json(answer));
      } else {
        io.out(
          `${d.decision === 'allowed' ? 'ALLOWED' : 'BLOCKED'}: ${release} → ${d.environment} (risk class ${d.riskClass}, policy v${answer.policyVersion})`,
        );
        for (const line of table([
          ['outcome', 'status', 'reason'],
          ...d.outcomes.map((o) => [
            o.id,
            MARK[o.status] ?? o.status,
            o.exceptionId ? `${o.reason} (exception ${o.exceptionId})` : o.reason,
          ]),
        ])) {
          io.out(`  ${line}`);
        }
        io.out(`  decision ${d.decisionHash}`);
      }
      if (d.decision !== 'allowed') throw new CheckFailed(`blocked for ${d.environment}`);
    });

  program
    .command('deploy')
    .description('record a deployment of the release to an environment')
    .argument('<release>', 'release id (rel_…) or tag')
    .requiredOption('--env <environment>', 'the environment, e.g. staging')
    .option('--status <status>', DEPLOYMENT_STATUSES.join(', '), 'succeeded')
    .option('--at <time>', 'when it happened, ISO 8601 (default: now)')
    .option('--url <url>', 'link to the deployment run')
    .option('--json', 'print JSON')
    .action(
      async (
        release: string,
        options: { env: string; status: string; at?: string; url?: string; json?: boolean },
        command: Command,
      ) => {
        const client = await connect(command.optsWithGlobals<GlobalOptions>(), process.env);
        try {
          const input: Record<string, unknown> = {
            environment: options.env,
            status: options.status,
            source: 'cli',
          };
          if (options.at) input.at = options.at;
          if (options.url) input.url = options.url;
          const deployment = await client.recordDeployment(release, input);
          if (options.json) io.out(json(deployment));
          else
            io.out(
              `Recorded: ${release} ${deployment.status} in ${deployment.environment} (${deployment.id})`,
            );
        } finally {
          await client.close();
        }
      },
    );
}

import type { Command } from 'commander';
import { parsePolicyFixtures, runPolicyFixture } from '../../core/policy/policy-fixture.ts';
import { MAX_POLICY_BYTES, parsePolicy } from '../../core/policy/policy-schema.ts';
import { CheckFailed } from '../check-failed.ts';
import { connect, type GlobalOptions } from '../connect.ts';
import { json, type Output } from '../output.ts';
import { readTextFile } from '../read-text-file.ts';

export function registerPolicy(program: Command, io: Output): void {
  const policy = program
    .command('policy')
    .description('validate, test, apply and show policy-as-code documents');

  policy
    .command('validate')
    .description('check a policy document (offline); exit 0 valid, 1 refused')
    .argument('<file>', 'the policy YAML')
    .option('--json', 'print the result as JSON')
    .action(async (file: string, options: { json?: boolean }) => {
      const text = await readTextFile(file, MAX_POLICY_BYTES, 'policy');
      const result = parsePolicy(text);
      if (options.json) {
        io.out(
          json(
            result.policy
              ? { valid: true, sha256: result.policy.sha256, problems: [] }
              : { valid: false, sha256: null, problems: result.problems },
          ),
        );
      } else if (result.policy) {
        io.out(`${file}: valid (sha256 ${result.policy.sha256})`);
      } else {
        for (const problem of result.problems) {
          const where = problem.path ? ` ${problem.path}` : '';
          io.err(`${file}:${problem.line}:${problem.column}${where}: ${problem.message}`);
        }
      }
      if (!result.policy) {
        throw new CheckFailed(`${file}: ${result.problems.length} problem(s)`);
      }
    });

  policy
    .command('test')
    .description(
      'evaluate a policy against fixture files (a release and the decision expected), offline; exit 0 all pass, 1 any fails',
    )
    .argument('<policy>', 'the policy YAML')
    .argument('<fixtures...>', 'fixture files (YAML or JSON): one fixture, or `fixtures: [...]`')
    .option('--json', 'print every result as JSON')
    .action(async (file: string, fixtureFiles: string[], options: { json?: boolean }) => {
      const parsed = parsePolicy(await readTextFile(file, MAX_POLICY_BYTES, 'policy'));
      if (!parsed.policy) {
        for (const problem of parsed.problems) {
          io.err(`${file}:${problem.line}:${problem.column} ${problem.path}: ${problem.message}`);
        }
        throw new CheckFailed(`${file} is not a valid policy`);
      }
      const results = [];
      let failed = 0;
      for (const fixtureFile of fixtureFiles) {
        const text = await readTextFile(fixtureFile, MAX_POLICY_BYTES, 'fixture');
        const fixtures = parsePolicyFixtures(text);
        if (!fixtures.fixtures) {
          failed++;
          for (const problem of fixtures.problems) io.err(`${fixtureFile}: ${problem}`);
          results.push({
            file: fixtureFile,
            name: null,
            passed: false,
            mismatches: fixtures.problems,
          });
          continue;
        }
        for (const fixture of fixtures.fixtures) {
          const result = runPolicyFixture(parsed.policy, fixture);
          if (!result.passed) failed++;
          results.push({ file: fixtureFile, ...result });
          if (!options.json) {
            io.out(`${result.passed ? 'pass' : 'FAIL'}  ${fixtureFile}: ${result.name}`);
            for (const mismatch of result.mismatches) io.out(`      ${mismatch}`);
          }
        }
      }
      if (options.json) io.out(json({ policySha256: parsed.policy.sha256, results }));
      else io.out(`${results.length - failed} passed, ${failed} failed`);
      if (failed > 0) throw new CheckFailed(`${failed} fixture(s) failed`);
    });

  policy
    .command('apply')
    .description('validate and activate a policy for all services, or for one with --service')
    .argument('<file>', 'the policy YAML')
    .option('--service <name>', 'only this service')
    .option('--json', 'print the active policy as JSON')
    .action(
      async (file: string, options: { service?: string; json?: boolean }, command: Command) => {
        const text = await readTextFile(file, MAX_POLICY_BYTES, 'policy');
        const client = await connect(command.optsWithGlobals<GlobalOptions>(), process.env);
        try {
          const applied = await client.applyPolicy(text, options.service);
          if (options.json) {
            io.out(json(applied));
            return;
          }
          const scope = applied.scope === '*' ? 'all services' : `service ${applied.scope}`;
          io.out(
            applied.changed === false
              ? `Already active for ${scope}: ${applied.name} v${applied.version}`
              : `Active for ${scope}: ${applied.name} v${applied.version}`,
          );
          io.out(`  sha256 ${applied.sha256}`);
        } finally {
          await client.close();
        }
      },
    );

  policy
    .command('show')
    .description('print the active policy (for all services, or the one a service is held to)')
    .option('--service <name>', 'the policy this service is held to')
    .option('--json', 'print JSON, with the text')
    .action(async (options: { service?: string; json?: boolean }, command: Command) => {
      const client = await connect(command.optsWithGlobals<GlobalOptions>(), process.env);
      try {
        const active = await client.showPolicy(options.service);
        if (options.json) {
          io.out(json(active));
          return;
        }
        const scope = active.scope === '*' ? 'all services' : `service ${active.scope}`;
        io.out(`# ${active.name} v${active.version}, active for ${scope}`);
        io.out(`# sha256 ${active.sha256}`);
        io.out(`# activated ${active.activatedAt} by ${active.activatedBy}`);
        io.out(active.text.trimEnd());
      } finally {
        await client.close();
      }
    });
}

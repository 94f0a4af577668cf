import { readFileSync } from 'node:fs';
import { globalAgent as httpAgent } from 'node:http';
import { globalAgent as httpsAgent } from 'node:https';
import { Command, CommanderError } from 'commander';
import { DossierError } from '../core/errors.ts';
import { CheckFailed } from './check-failed.ts';
import { registerAccess } from './commands/access.ts';
import { registerAdmin } from './commands/admin.ts';
import { registerApprove } from './commands/approve.ts';
import { registerAttest } from './commands/attest.ts';
import { registerChange } from './commands/change.ts';
import { registerDossier } from './commands/dossier.ts';
import { registerException } from './commands/exception.ts';
import { registerGate } from './commands/gate.ts';
import { registerImport } from './commands/import.ts';
import { registerInspect } from './commands/inspect.ts';
import { registerIntegration } from './commands/integration.ts';
import { registerJobs } from './commands/jobs.ts';
import { registerLog } from './commands/log.ts';
import { registerPolicy } from './commands/policy.ts';
import { registerRelease } from './commands/release.ts';
import { registerServe, type ServeExtensions } from './commands/serve.ts';
import { registerService } from './commands/service.ts';
import { registerWebhook } from './commands/webhook.ts';
import { EXIT, type ExitCode, exitCodeOf } from './exit-codes.ts';
import { type Output, stdio } from './output.ts';

const VERSION = (
  JSON.parse(readFileSync(new URL('../../package.json', import.meta.url), 'utf8')) as {
    version: string;
  }
).version;

export function buildProgram(io: Output, extensions: ServeExtensions = {}): Command {
  const program = new Command('dossier')
    .description('Dossier: release records, evidence and gates for regulated delivery')
    .option('--url <url>', 'Dossier server URL (default: $DOSSIER_URL)')
    .option(
      '--token <token>',
      'API token (default: $DOSSIER_TOKEN, else the dossier login session)',
    )
    .option('--local <dir>', 'work on this data directory in-process instead of a server')
    .showHelpAfterError('(run with --help for usage)')
    .exitOverride()
    .configureOutput({
      writeOut: (text) => io.out(text.trimEnd()),
      writeErr: (text) => io.err(text.trimEnd()),
    });
  program
    .command('version')
    .description('print the version of Dossier')
    .action(() => io.out(VERSION));
  registerServe(program, io, VERSION, extensions);
  registerRelease(program, io);
  registerAttest(program, io);
  registerPolicy(program, io);
  registerService(program, io);
  registerChange(program, io);
  registerGate(program, io);
  registerException(program, io);
  registerApprove(program, io);
  registerWebhook(program, io);
  registerLog(program, io);
  registerDossier(program, io);
  registerInspect(program, io);
  registerImport(program, io);
  registerAdmin(program, io);
  registerAccess(program, io);
  registerIntegration(program, io);
  registerJobs(program, io);
  for (const command of program.commands) applyToTree(command);
  return program;
}

function applyToTree(command: Command): void {
  command.exitOverride();
  for (const child of command.commands) applyToTree(child);
}

export async function run(
  argv: string[],
  io: Output = stdio,
  extensions: ServeExtensions = {},
): Promise<ExitCode> {
  const program = buildProgram(io, extensions);
  // `--version` belongs to `release create`; alone, it asks for Dossier's own version.
  if (argv.length === 1 && (argv[0] === '--version' || argv[0] === '-V')) {
    io.out(VERSION);
    return EXIT.ok;
  }
  try {
    await program.parseAsync(argv, { from: 'user' });
    return EXIT.ok;
  } catch (error) {
    return reportError(error, io);
  }
}

function reportError(error: unknown, io: Output): ExitCode {
  if (error instanceof CommanderError) {
    // Help and --version end with exit code 0; everything else commander rejects is bad usage.
    return error.exitCode === 0 ? EXIT.ok : EXIT.badInput;
  }
  if (error instanceof CheckFailed) return EXIT.checkFailed;
  if (error instanceof DossierError) {
    io.err(`dossier: ${error.message}`);
    for (const issue of error.issues) io.err(`  ${issue.path}: ${issue.message}`);
    return exitCodeOf(error.code);
  }
  io.err(`dossier: unexpected failure: ${(error as Error)?.stack ?? String(error)}`);
  return EXIT.serverFailed;
}

if (import.meta.main) {
  process.exitCode = await run(process.argv.slice(2));
  // A command that has answered is done: idle keep-alive connections to the server must not hold
  // the process open (a pipeline step would wait for the agent's socket timeout).
  httpAgent.destroy();
  httpsAgent.destroy();
}

/** `dossier …` with the test-only probe job kind registered, as an embedding program would. */
import { run } from '../../src/cli/main.ts';
import { stdio } from '../../src/cli/output.ts';
import { probeJobHandler } from './job-probe.ts';

process.exitCode = await run(process.argv.slice(2), stdio, {
  jobHandlers: [probeJobHandler(process.env)],
});

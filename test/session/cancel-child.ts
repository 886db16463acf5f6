/**
 * A child process for signal-cancellation.test.ts: opens a Session on a fixture project and runs
 * its `slow` pipeline with an AbortController wired to SIGTERM and SIGINT, mirroring the CLI's
 * contract (a cancelled run exits with 130). Prints the outcome as one JSON line on stdout.
 *
 * Usage: node --import tsx test/session/cancel-child.ts <projectPath> <dataDir> [runner]
 */
import type { Runner } from '../../src/index.ts';
import { ParallelRunner, RunCancelledError, Session } from '../../src/index.ts';

const [projectPath, dataDir, runner = 'sequential'] = process.argv.slice(2);
const controller = new AbortController();
for (const signal of ['SIGTERM', 'SIGINT'] as const) process.once(signal, () => controller.abort(signal));

const session = await Session.create({
  projectPath: projectPath!,
  runtimeParams: { data_dir: dataDir! },
  log: (line) => process.stderr.write(`${line}\n`),
});
// Two workers whatever the machine, so that two of the four nodes are left to not start.
const chosen: Runner | 'sequential' | 'async' = runner === 'parallel' ? new ParallelRunner({ maxWorkers: 2 }) : (runner as 'sequential' | 'async');
try {
  await session.run({ pipelineName: 'slow', runner: chosen, signal: controller.signal });
  process.stdout.write(`${JSON.stringify({ outcome: 'finished' })}\n`);
} catch (error) {
  const { name, message } = error as Error;
  process.stdout.write(`${JSON.stringify({ outcome: 'failed', name, message })}\n`);
  process.exitCode = error instanceof RunCancelledError ? 130 : 1;
}

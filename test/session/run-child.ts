/**
 * A child process for the session tests that need a process of their own: opens a Session on a
 * fixture project and runs one pipeline with an AbortController wired to SIGTERM and SIGINT,
 * mirroring the CLI's contract (a cancelled run exits with 130). Prints the outcome as one JSON
 * line on stdout as soon as the run returns.
 *
 * Usage: node --import tsx test/session/run-child.ts <projectPath> <dataDir> <pipelineName> [runner]
 */
import type { Runner } from '../../src/index.ts';
import { ParallelRunner, RunCancelledError, Session } from '../../src/index.ts';

const [projectPath, dataDir, pipelineName, runner = 'sequential'] = process.argv.slice(2);
const controller = new AbortController();
for (const signal of ['SIGTERM', 'SIGINT'] as const)
  process.once(signal, () => {
    controller.abort(signal);
    // Tests wait for this line, not a clock, to know the run has been told to stop.
    process.stderr.write(`Received ${signal}\n`);
  });

const session = await Session.create({
  projectPath: projectPath!,
  runtimeParams: { data_dir: dataDir! },
  log: (line) => process.stderr.write(`${line}\n`),
});
// Two workers whatever the machine, so that the tests know how many nodes start at once, and
// every node on one of them (a cancelled node's thread can be terminated).
const chosen: Runner | 'sequential' | 'async' =
  runner === 'parallel'
    ? new ParallelRunner({ maxWorkers: 2, startInMainThread: false, serialBelow: 0 })
    : (runner as 'sequential' | 'async');
try {
  await session.run({ pipelineName: pipelineName!, runner: chosen, signal: controller.signal });
  process.stdout.write(`${JSON.stringify({ outcome: 'finished' })}\n`);
} catch (error) {
  const { name, message } = error as Error;
  process.stdout.write(`${JSON.stringify({ outcome: 'failed', name, message })}\n`);
  process.exitCode = error instanceof RunCancelledError ? 130 : 1;
}

/**
 * The parallel runner seen from outside a process: after a run the process must be able to exit
 * (every worker thread stopped), whether the run succeeded or a worker failed to set up. Each run
 * is a child process (test/session/run-child.ts), since a leaked worker would keep it alive.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { SAFETY_NET_MS } from '../support/safety-net.ts';
import type { TraceLine } from './support.ts';
import { freshDataDir, readRecord, TRACED } from './support.ts';

const REPO = fileURLToPath(new URL('../../', import.meta.url));
const CHILD = fileURLToPath(new URL('./run-child.ts', import.meta.url));

interface Outcome {
  /** The JSON line the child printed when its run returned. */
  printed: { outcome: string; name?: string; message?: string };
  /** The exit code, or 'still running' when the child had not exited by the safety net (a leaked worker). */
  exit: number | 'still running';
  lines: TraceLine[];
}

/** Runs the traced project's default pipeline on the parallel runner in a child process. */
async function runChild(env: (dataDir: string) => Record<string, string>): Promise<Outcome> {
  const { dataDir, recordFile } = freshDataDir(TRACED);
  const child = spawn(
    process.execPath,
    ['--import', 'tsx', CHILD, TRACED, dataDir, '__default__', 'parallel'],
    {
      cwd: REPO,
      env: { ...process.env, SLUICE_TRACE_RECORD: recordFile, ...env(dataDir) },
      stdio: ['ignore', 'pipe', 'pipe'],
    },
  );
  let stdout = '';
  let stderr = '';
  child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
  child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
  const printedLine = new Promise<void>((resolve) =>
    child.stdout.on('data', () => {
      if (stdout.includes('\n')) resolve();
    }),
  );
  // 'close', not 'exit': by then every byte of stdout has arrived.
  const exited = new Promise<number>((resolve) => child.once('close', (code) => resolve(code ?? -1)));
  let timer: NodeJS.Timeout | undefined;
  const hung = new Promise<'still running'>((resolve) => {
    timer = setTimeout(() => resolve('still running'), SAFETY_NET_MS);
  });
  try {
    // Events, not a clock: the outcome line, then the exit, which a leaked worker would prevent.
    await Promise.race([printedLine, exited, hung]);
    if (!stdout.includes('\n')) throw new Error(`the child printed no outcome:\n${stdout}\n${stderr}`);
    const printed = JSON.parse(stdout.split('\n')[0]!) as Outcome['printed'];
    const exit = await Promise.race([exited, hung]);
    return { printed, exit, lines: readRecord(recordFile) };
  } finally {
    clearTimeout(timer);
    if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
  }
}

test('after a successful parallel run the process exits on its own, with code 0', async () => {
  const { printed, exit, lines } = await runChild(() => ({}));
  assert.deepEqual(printed, { outcome: 'finished' });
  assert.equal(exit, 0);
  assert.equal(lines.filter((line) => line.hook === 'afterPipelineRun').length, 1);
});

test('when one worker fails to set up, the run fails once and the process still exits (the started worker is stopped)', async () => {
  // The first worker to set up succeeds; the second fails (see the traced fixture's hooks).
  const { printed, exit, lines } = await runChild((dataDir) => ({
    SLUICE_TRACE_WORKER_SETUP_MARKER: join(dataDir, 'marker'),
  }));
  assert.equal(printed.outcome, 'failed');
  assert.equal(printed.message, 'A worker thread could not load the project: worker setup failed on purpose');
  assert.equal(lines.filter((line) => line.hook === 'onPipelineError').length, 1);
  assert.equal(exit, 1, 'the process exits once the run failed');
});

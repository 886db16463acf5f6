/**
 * Cancellation by a real signal: a child process runs the basic fixture's `slow` pipeline with an
 * AbortController wired to SIGTERM/SIGINT (test/session/run-child.ts). Once its first node has
 * started we signal it, then check the record: the running node(s) settled, nothing new started,
 * onPipelineError got RunCancelledError exactly once, and the child exited with 130.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { existsSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { setTimeout as sleep } from 'node:timers/promises';
import { SAFETY_NET_MS } from '../support/safety-net.ts';
import { BASIC, freshDataDir, readRecord } from './support.ts';

interface Line {
  plugin: string;
  hook: string;
  subject: string | null;
  threadId: number;
  pid: number;
  error?: string;
  message?: string;
}

const REPO = fileURLToPath(new URL('../../', import.meta.url));
const CHILD = fileURLToPath(new URL('./run-child.ts', import.meta.url));

interface ChildOutcome {
  code: number | null;
  signal: NodeJS.Signals | null;
  stdout: string;
  stderr: string;
  lines: Line[];
  childPid: number;
}

/**
 * Starts the child, waits for the first beforeNodeRun in its record, sends `signal`, and once the
 * child says it received it, lets the held nodes finish; then waits for the child to exit. The
 * nodes wait for that hold file rather than a clock, so they are surely running when the signal
 * lands, however loaded the machine is.
 */
async function cancelChild(
  signal: NodeJS.Signals,
  runner: 'sequential' | 'async' | 'parallel',
): Promise<ChildOutcome> {
  const { dataDir, recordFile } = freshDataDir(BASIC);
  const hold = join(dataDir, 'release');
  const child = spawn(process.execPath, ['--import', 'tsx', CHILD, BASIC, dataDir, 'slow', runner], {
    cwd: REPO,
    env: {
      ...process.env,
      SLUICE_TEST_RECORD: recordFile,
      SLUICE_TEST_HOLD_FILE: hold,
      SLUICE_TEST_FAIL: '',
    },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let stdout = '';
  let stderr = '';
  child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
  child.stderr.on('data', (chunk: Buffer) => {
    stderr += chunk.toString();
    if (stderr.includes(`Received ${signal}`) && !existsSync(hold)) writeFileSync(hold, '');
  });
  const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) =>
    child.once('exit', (code, exitSignal) => resolve({ code, signal: exitSignal })),
  );
  try {
    const deadline = Date.now() + SAFETY_NET_MS;
    while (!readRecord<Line>(recordFile).some((line) => line.hook === 'beforeNodeRun')) {
      if (child.exitCode !== null || Date.now() > deadline)
        throw new Error(`the child never started a node:\n${stdout}\n${stderr}`);
      await sleep(10);
    }
    child.kill(signal);
    const { code, signal: exitSignal } = await exited;
    return {
      code,
      signal: exitSignal,
      stdout,
      stderr,
      lines: readRecord<Line>(recordFile),
      childPid: child.pid!,
    };
  } finally {
    if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
  }
}

const started = (lines: Line[]) =>
  lines
    .filter((line) => line.plugin === 'recorder' && line.hook === 'beforeNodeRun')
    .map((line) => line.subject);
const finished = (lines: Line[]) =>
  lines
    .filter((line) => line.plugin === 'recorder' && line.hook === 'afterNodeRun')
    .map((line) => line.subject);

test('SIGTERM mid-run (sequential): the first node settles, nothing else starts, RunCancelledError once, exit code 130', async () => {
  const { code, signal, stdout, lines, childPid } = await cancelChild('SIGTERM', 'sequential');
  assert.equal(signal, null, 'the child handled the signal itself');
  assert.equal(code, 130, stdout);
  assert.deepEqual(JSON.parse(stdout.trim()), {
    outcome: 'failed',
    name: 'RunCancelledError',
    message: 'The run was cancelled (SIGTERM).',
  });
  assert.deepEqual(started(lines), ['a']);
  assert.deepEqual(finished(lines), ['a'], 'the running node settled');
  const errors = lines.filter((line) => line.hook === 'onPipelineError');
  assert.deepEqual(
    errors.map((line) => [line.error, line.pid, line.threadId]),
    [['RunCancelledError', childPid, 0]],
  );
  assert.equal(lines.at(-1)?.hook, 'onPipelineError');
  assert.equal(
    lines.some((line) => line.hook === 'afterPipelineRun'),
    false,
  );
});

test('SIGINT mid-run (async runner): every node in flight settles, RunCancelledError once, exit code 130', async () => {
  const { code, stdout, lines } = await cancelChild('SIGINT', 'async');
  assert.equal(code, 130, stdout);
  assert.match(stdout, /"message":"The run was cancelled \(SIGINT\)\."/);
  assert.ok(started(lines).length >= 1);
  assert.deepEqual([...finished(lines)].sort(), [...started(lines)].sort(), 'every started node finished');
  assert.equal(
    lines.filter((line) => line.hook === 'onPipelineError' && line.error === 'RunCancelledError').length,
    1,
  );
  assert.equal(lines.filter((line) => line.hook === 'onPipelineError').length, 1);
});

test('SIGTERM mid-run (parallel runner, 2 workers): worker nodes settle, no new node starts, RunCancelledError once in the main thread, exit code 130', async () => {
  const { code, stdout, lines } = await cancelChild('SIGTERM', 'parallel');
  assert.equal(code, 130, stdout);
  // Two workers: a and b were sent out together before the signal; c and d never start.
  assert.deepEqual([...started(lines)].sort(), ['a', 'b']);
  assert.deepEqual([...finished(lines)].sort(), ['a', 'b'], 'both worker nodes settled');
  assert.ok(
    lines
      .filter((line) => line.plugin === 'recorder' && line.hook === 'beforeNodeRun')
      .every((line) => line.threadId !== 0),
  );
  const errors = lines.filter((line) => line.hook === 'onPipelineError');
  assert.deepEqual(
    errors.map((line) => [line.error, line.threadId]),
    [['RunCancelledError', 0]],
  );
});

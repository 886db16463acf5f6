/**
 * A worker thread of the parallel runner that dies (here `process.exit(3)` inside a node) fails
 * exactly the node it was running, the main-process plugins still get that node's onNodeError,
 * and the run ends with a clear error: never a hang, never success. Every combination of
 * continueOnFailure and one or two workers, on the `faults` fixture project:
 * crash → after_crash, and independent beside them.
 */
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { NodeFailuresError, ParallelRunner, ParallelRunnerError, Session } from '../../src/index.ts';
import { readRecord, withEnv } from '../session/support.ts';

const FAULTS = fileURLToPath(new URL('../fixtures/projects/faults/', import.meta.url));

interface Line {
  plugin: 'watcher' | 'main-watcher';
  hook: string;
  subject: string | null;
  threadId: number;
  error?: string;
  message?: string;
}

interface Outcome {
  error?: Error;
  lines: Line[];
  session: Session;
}

async function runFaults(
  options: { maxWorkers: number; continueOnFailure: boolean; pipelineName?: string },
  env: Record<string, string> = {},
): Promise<Outcome> {
  const record = join(mkdtempSync(join(tmpdir(), 'sluice-faults-')), 'record.jsonl');
  return withEnv({ SLUICE_FAULTS_RECORD: record, ...env }, async () => {
    const session = await Session.create({ projectPath: FAULTS, log: () => {} });
    try {
      await session.run({
        pipelineName: options.pipelineName ?? 'crash',
        // Isolation is what is tested: no node may run in the main thread.
        runner: new ParallelRunner({
          maxWorkers: options.maxWorkers,
          startInMainThread: false,
          serialBelow: 0,
        }),
        continueOnFailure: options.continueOnFailure,
      });
      return { lines: readRecord<Line>(record), session };
    } catch (error) {
      return { error: error as Error, lines: readRecord<Line>(record), session };
    }
  });
}

/** Runs `pipelineName` on one worker; its throw_later node's thread dies of an uncaught error. */
async function diesOfUncaughtError(pipelineName: string): Promise<Outcome & { error: ParallelRunnerError }> {
  const outcome = await runFaults({ maxWorkers: 1, continueOnFailure: false, pipelineName });
  const { error } = outcome;
  assert.ok(error instanceof ParallelRunnerError, `got ${String(error)}`);
  assert.equal(
    error.message,
    'A worker thread died of an uncaught error while running node "throw_later": thrown from a timer (3)',
  );
  return { ...outcome, error };
}

const CRASH_MESSAGE = 'A worker thread exited (code 3) while running node "crash".';

/** Where each node's beforeNodeRun fired in a worker: node name → thread id. */
function threadsOf(lines: readonly Line[]): Record<string, number> {
  return Object.fromEntries(
    lines
      .filter((line) => line.plugin === 'watcher' && line.hook === 'beforeNodeRun')
      .map((line) => [line.subject, line.threadId]),
  );
}

function assertCrashReported(lines: readonly Line[], pipelineError: string): void {
  const nodeErrors = lines.filter((line) => line.hook === 'onNodeError');
  assert.deepEqual(
    nodeErrors.map((line) => [line.plugin, line.subject, line.threadId, line.error, line.message]),
    [['main-watcher', 'crash', 0, 'ParallelRunnerError', CRASH_MESSAGE]],
    'only the crashed node failed, and the main plugin heard of it',
  );
  assert.deepEqual(
    lines.filter((line) => line.hook === 'onPipelineError').map((line) => [line.threadId, line.error]),
    [[0, pipelineError]],
    'onPipelineError fired once, in the main thread',
  );
  assert.equal(lines.at(-1)?.hook, 'onPipelineError');
  assert.ok(!lines.some((line) => line.hook === 'afterPipelineRun'));
  assert.ok(!lines.some((line) => line.subject === 'after_crash'), 'nothing behind the crash started');
}

// One test at a time: each sets environment variables that its worker threads inherit.
describe('a worker thread that dies mid-node', () => {
  for (const maxWorkers of [1, 2]) {
    test(`continueOnFailure, ${maxWorkers} worker(s): only the crashed node fails, the independent node still runs, the run fails with NodeFailuresError`, async () => {
      const { error, lines, session } = await runFaults({ maxWorkers, continueOnFailure: true });
      assert.ok(error instanceof NodeFailuresError, `got ${String(error)}`);
      assert.deepEqual(
        error.failures.map((failure) => [failure.nodeName, failure.error.name, failure.error.message]),
        [['crash', 'ParallelRunnerError', CRASH_MESSAGE]],
      );
      assert.ok(error.failures[0]!.error instanceof ParallelRunnerError);
      assert.deepEqual(error.skippedNodes, ['after_crash']);
      assert.deepEqual(session.report?.state.completed, ['independent']);
      assertCrashReported(lines, 'NodeFailuresError');
      const threads = threadsOf(lines);
      assert.ok(threads.independent !== undefined, 'independent ran');
      assert.notEqual(threads.independent, threads.crash, 'independent did not run on the dead thread');
      assert.ok(
        lines.some(
          (line) =>
            line.plugin === 'main-watcher' && line.hook === 'afterNodeRun' && line.subject === 'independent',
        ),
      );
    });

    test(`stop on failure, ${maxWorkers} worker(s): the run fails with the crash's ParallelRunnerError`, async () => {
      const { error, lines, session } = await runFaults({ maxWorkers, continueOnFailure: false });
      assert.ok(error instanceof ParallelRunnerError, `got ${String(error)}`);
      assert.equal(error.message, CRASH_MESSAGE);
      assertCrashReported(lines, 'ParallelRunnerError');
      // With one worker nothing new starts after the crash; with two, independent started beside it.
      assert.deepEqual(session.report?.state.completed, maxWorkers === 1 ? [] : ['independent']);
      assert.deepEqual(
        session.report?.state.failed.map((failure) => failure.nodeName),
        ['crash'],
      );
    });
  }

  test('a worker thread that dies while loading the project fails the run with ParallelRunnerError, no hang', async () => {
    for (const maxWorkers of [1, 2]) {
      const { error, lines } = await runFaults(
        { maxWorkers, continueOnFailure: true },
        { SLUICE_FAULTS_EXIT_AT_START: '1' },
      );
      assert.ok(error instanceof ParallelRunnerError, `got ${String(error)}`);
      assert.equal(error.message, 'A worker thread exited (code 5) while loading the project.');
      assert.deepEqual(
        lines.filter((line) => line.hook === 'onPipelineError').map((line) => line.error),
        ['ParallelRunnerError'],
      );
      assert.ok(!lines.some((line) => line.hook === 'beforeNodeRun'), 'no node started');
    }
  });

  test('a worker thread that dies of an error thrown outside the node fails that node with ParallelRunnerError naming it', async () => {
    const { error, lines } = await diesOfUncaughtError('throw-later');
    assert.equal((error.cause as Error | undefined)?.message, 'thrown from a timer (3)');
    assert.deepEqual(
      lines.filter((line) => line.hook === 'onNodeError').map((line) => [line.plugin, line.subject]),
      [['main-watcher', 'throw_later']],
    );
  });

  test('a thread that dies of an uncaught error while the main thread is still busy with its messages: the node ran, it is not re-run', async () => {
    // Node reports the uncaught error on a channel of its own, which can overtake the thread's
    // `started` message: the node must not be taken for one that never started (and re-run).
    for (let round = 0; round < 3; round++) {
      const { lines } = await diesOfUncaughtError('throw-later-after-chatter');
      assert.deepEqual(
        lines
          .filter((line) => line.hook === 'beforeNodeRun' && line.plugin === 'watcher')
          .map((line) => line.subject),
        ['chatter', 'throw_later'],
        'throw_later started once',
      );
    }
  });

  test('a worker thread that dies between nodes costs no node: the next node runs on another thread and the run succeeds', async () => {
    for (const continueOnFailure of [false, true]) {
      const { error, lines, session } = await runFaults({
        maxWorkers: 1,
        continueOnFailure,
        pipelineName: 'idle-crash',
      });
      assert.equal(error, undefined, `the run succeeded (${String(error)})`);
      assert.deepEqual(session.report?.state.completed, ['arm', 'next']);
      assert.ok(!lines.some((line) => line.hook === 'onNodeError' || line.hook === 'onPipelineError'));
      assert.equal(lines.at(-1)?.hook, 'afterPipelineRun');
    }
  });

  test('a large value kept by a thread that died is lost: its reader fails with ParallelRunnerError naming it', async () => {
    const { error, session } = await runFaults({
      maxWorkers: 1,
      continueOnFailure: true,
      pipelineName: 'lost-value',
    });
    assert.ok(error instanceof NodeFailuresError, `got ${String(error)}`);
    assert.deepEqual(session.report?.state.completed, ['make_large']);
    const [crashed, lost] = error.failures;
    assert.equal(crashed?.nodeName, 'a_crash');
    assert.equal(crashed?.error.message, 'A worker thread exited (code 3) while running node "a_crash".');
    assert.equal(lost?.nodeName, 'count_large');
    assert.ok(lost?.error instanceof ParallelRunnerError);
    assert.match(
      lost.error.message,
      /^Node "count_large" can't run: its input "large" was kept by worker thread \d+, which died\.$/,
    );
  });
});

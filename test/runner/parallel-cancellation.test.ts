/**
 * Cancelling a parallel run whose node never settles (`while (true) {}` on a worker thread, which
 * no signal interrupts): the runner terminates the thread once the grace period has passed, the
 * run rejects with RunCancelledError, and onPipelineError fires once. On the `faults` fixture
 * project: spin → after_spin.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { ParallelRunner, ParallelRunnerError, RunCancelledError, Session } from '../../src/index.ts';
import { readRecord, withEnv } from '../session/support.ts';

const FAULTS = fileURLToPath(new URL('../fixtures/projects/faults/', import.meta.url));

interface Line {
  plugin: string;
  hook: string;
  subject: string | null;
  threadId: number;
  error?: string;
  message?: string;
}

const GRACE_MS = 300;
const TERMINATED = `Node "spin" was stopped: its worker thread was terminated because it had not settled ${GRACE_MS} ms after the run was cancelled.`;

for (const { maxWorkers, continueOnFailure } of [
  { maxWorkers: 1, continueOnFailure: false },
  { maxWorkers: 2, continueOnFailure: true },
]) {
  test(`${maxWorkers} worker(s)${continueOnFailure ? ', continueOnFailure' : ''}: a node spinning forever is terminated after the grace period, the run rejects with RunCancelledError, onPipelineError once`, async () => {
    const record = join(mkdtempSync(join(tmpdir(), 'sluice-spin-')), 'record.jsonl');
    await withEnv({ SLUICE_FAULTS_RECORD: record }, async () => {
      const session = await Session.create({ projectPath: FAULTS, log: () => {} });
      const controller = new AbortController();
      const order: string[] = [];
      // Relayed from the worker as the node starts, so the abort comes while spin is spinning.
      session.hooks.register({
        name: 'abort-on-spin',
        process: 'main',
        beforeNodeRun: ({ node }) => {
          if (node.name !== 'spin') return;
          order.push('abort');
          controller.abort('SIGINT');
        },
        onNodeError: ({ node }) => void order.push(`onNodeError ${node.name}`),
        onPipelineError: () => void order.push('onPipelineError'),
      });
      const error = await session
        .run({
          pipelineName: 'spin',
          // spin never settles: only on a worker can its thread be terminated.
          runner: new ParallelRunner({
            maxWorkers,
            cancelGraceMs: GRACE_MS,
            startInMainThread: false,
            serialBelow: 0,
          }),
          continueOnFailure,
          signal: controller.signal,
        })
        .then(
          () => assert.fail('the run should have been cancelled'),
          (thrown: unknown) => thrown as Error,
        );
      // The run settled, so every worker thread has exited: the pool waits for each exit.
      assert.ok(error instanceof RunCancelledError, `got ${String(error)}`);
      assert.equal(error.message, 'The run was cancelled (SIGINT).');
      if (!continueOnFailure) {
        assert.ok(error.cause instanceof ParallelRunnerError, `cause ${String(error.cause)}`);
        assert.equal(error.cause.message, TERMINATED);
      }
      assert.deepEqual(order, ['abort', 'onNodeError spin', 'onPipelineError']);
      const lines = readRecord<Line>(record);
      assert.deepEqual(
        lines.filter((line) => line.hook === 'onPipelineError').map((line) => [line.threadId, line.error]),
        [[0, 'RunCancelledError']],
        'onPipelineError fired once, in the main thread',
      );
      assert.deepEqual(
        lines
          .filter((line) => line.hook === 'onNodeError')
          .map((line) => [line.plugin, line.subject, line.message]),
        [['main-watcher', 'spin', TERMINATED]],
        'the main plugin heard why spin stopped',
      );
      assert.ok(!lines.some((line) => line.subject === 'after_spin'), 'nothing new started');
      assert.deepEqual(session.report?.state.completed, []);
      // spin is the pipeline's first node: resuming means rerunning the same command.
      assert.deepEqual(session.report?.resumeFromNodes, []);
    });
  });
}

test('cancelGraceMs must be a number of milliseconds of at least 0', () => {
  for (const bad of [-1, Number.NaN, Number.POSITIVE_INFINITY])
    assert.throws(() => new ParallelRunner({ cancelGraceMs: bad }), RangeError);
  assert.equal(new ParallelRunner().cancelGraceMs, 5000);
  assert.equal(new ParallelRunner({ cancelGraceMs: 0 }).cancelGraceMs, 0);
});

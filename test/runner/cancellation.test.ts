/**
 * Cancelling a run with an AbortSignal: running nodes settle, no new node starts, and the run
 * fails with RunCancelledError, which reaches onPipelineError exactly once. Real signals to a
 * child process are in test/session/signal-cancellation.test.ts.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { getEventListeners } from 'node:events';
import type { Runner } from '../../src/index.ts';
import {
  AsyncRunner,
  DataCatalog,
  node,
  Pipeline,
  RunCancelledError,
  SequentialRunner,
} from '../../src/index.ts';
import { blockOf, count, expectedBlock, fed, nodeOrder, pause, runWith } from './helpers.ts';

const runners: [string, () => Runner][] = [
  ['SequentialRunner', () => new SequentialRunner()],
  ['AsyncRunner', () => new AsyncRunner()],
];

/** first → second → third; `first` calls `during()` while it runs. */
function chain(during: () => void): Pipeline {
  return new Pipeline([
    node(
      async (v: number) => {
        during();
        await pause(5);
        return v + 1;
      },
      'start',
      'one',
      { name: 'first' },
    ),
    node((v: number) => v + 1, 'one', 'two', { name: 'second' }),
    node((v: number) => v + 1, 'two', 'three', { name: 'third' }),
  ]);
}

for (const [runnerName, makeRunner] of runners) {
  test(`${runnerName}: aborting mid-run lets the running node finish, starts nothing new, fails with RunCancelledError`, async () => {
    const controller = new AbortController();
    const { error, recording, state } = await runWith(
      chain(() => controller.abort()),
      fed({ start: 0 }),
      {
        runner: makeRunner(),
        signal: controller.signal,
      },
    );
    assert.ok(error instanceof RunCancelledError, `got ${String(error)}`);
    assert.deepEqual(recording.events, [
      'beforePipelineRun',
      ...expectedBlock('first', ['start'], ['one']),
      'onPipelineError',
    ]);
    assert.equal(recording.errors[0]?.error, error);
    assert.deepEqual(state.completed, ['first']);
  });

  test(`${runnerName}: a signal aborted before the run starts no node at all`, async () => {
    const controller = new AbortController();
    controller.abort();
    let ran = false;
    const { error, recording } = await runWith(
      chain(() => (ran = true)),
      fed({ start: 0 }),
      { runner: makeRunner(), signal: controller.signal },
    );
    assert.ok(error instanceof RunCancelledError);
    assert.equal(ran, false);
    assert.deepEqual(recording.events, ['beforePipelineRun', 'onPipelineError']);
  });

  test(`${runnerName}: cancellation wins over continueOnFailure and is reported once`, async () => {
    const controller = new AbortController();
    const { error, recording } = await runWith(
      chain(() => controller.abort()),
      fed({ start: 0 }),
      {
        runner: makeRunner(),
        signal: controller.signal,
        continueOnFailure: true,
      },
    );
    assert.ok(error instanceof RunCancelledError);
    assert.equal(count(recording.events, 'onPipelineError'), 1);
    assert.deepEqual(nodeOrder(recording.events), ['first']);
  });

  test(`${runnerName}: the run removes its abort listener when it ends`, async () => {
    const controller = new AbortController();
    await runWith(
      chain(() => {}),
      fed({ start: 0 }),
      { runner: makeRunner(), signal: controller.signal },
    );
    assert.equal(getEventListeners(controller.signal, 'abort').length, 0);
    const failed = await runWith(
      new Pipeline([
        node(
          (): number => {
            throw new Error('x');
          },
          null,
          'o',
          { name: 'n' },
        ),
      ]),
      new DataCatalog(),
      { runner: makeRunner(), signal: controller.signal },
    );
    assert.equal(failed.error?.message, 'x');
    assert.equal(getEventListeners(controller.signal, 'abort').length, 0);
  });
}

test('AsyncRunner: every node in flight settles before onPipelineError; their children never start', async () => {
  const controller = new AbortController();
  const slow =
    (ms: number, abort = false) =>
    async (v: number) => {
      // Both branches were sent out together, before this first one aborts the run.
      if (abort) controller.abort('stop');
      await pause(ms);
      return v;
    };
  const pipeline = new Pipeline([
    node(slow(30, true), 'seed', 'a', { name: 'branch_a' }),
    node(slow(40), 'seed', 'b', { name: 'branch_b' }),
    node(slow(1), 'a', 'a2', { name: 'after_a' }),
    node(slow(1), 'b', 'b2', { name: 'after_b' }),
  ]);
  const { error, recording, state } = await runWith(pipeline, fed({ seed: 1 }), {
    runner: new AsyncRunner(),
    signal: controller.signal,
  });
  assert.ok(error instanceof RunCancelledError);
  assert.equal(error.message, 'The run was cancelled (stop).');
  assert.deepEqual(blockOf(recording.events, 'branch_a'), expectedBlock('branch_a', ['seed'], ['a']));
  assert.deepEqual(blockOf(recording.events, 'branch_b'), expectedBlock('branch_b', ['seed'], ['b']));
  assert.deepEqual(nodeOrder(recording.events), ['branch_a', 'branch_b']);
  assert.equal(recording.events.at(-1), 'onPipelineError');
  assert.equal(count(recording.events, 'onPipelineError'), 1);
  assert.deepEqual([...state.completed].sort(), ['branch_a', 'branch_b']);
});

test('RunCancelledError names the abort reason when there is one', async () => {
  const cases: [unknown, string][] = [
    [undefined, 'The run was cancelled.'],
    ['SIGTERM', 'The run was cancelled (SIGTERM).'],
    [new Error('user pressed stop'), 'The run was cancelled (user pressed stop).'],
  ];
  for (const [reason, message] of cases) {
    const controller = new AbortController();
    const { error } = await runWith(
      chain(() => controller.abort(reason)),
      fed({ start: 0 }),
      { signal: controller.signal },
    );
    assert.ok(error instanceof RunCancelledError);
    assert.equal(error.message, message);
  }
});

test('a node that fails while settling after the abort still ends the run with RunCancelledError (RunOptions.signal contract)', async () => {
  const controller = new AbortController();
  const pipeline = new Pipeline([
    node(
      async (_v: number): Promise<number> => {
        controller.abort('SIGINT');
        await pause(5);
        throw new Error('interrupted child process');
      },
      'seed',
      'x',
      { name: 'interrupted' },
    ),
    node((x: number) => x, 'x', 'y', { name: 'later' }),
  ]);
  const { error, recording } = await runWith(pipeline, fed({ seed: 1 }), { signal: controller.signal });
  assert.equal(
    count(recording.events, 'onNodeError interrupted'),
    1,
    'the node failure is still reported to onNodeError',
  );
  assert.ok(error instanceof RunCancelledError, `got ${String(error)}`);
  assert.equal(count(recording.events, 'onPipelineError'), 1);
});

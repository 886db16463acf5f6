/**
 * The parallel runner and node duration estimates (`nodeDurationEstimates`), on the `lanes`
 * fixture (`a_first` and `b_second` independent, `c_join` reads both), checked by its trace:
 * ready nodes go longest work ahead first, and a run that lanes can't shorten enough
 * (`serialBelow`) runs serially in the main thread with no worker thread.
 */
import assert from 'node:assert/strict';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { threadId } from 'node:worker_threads';
import { fileURLToPath } from 'node:url';
import type { NodeDurationEstimates, ParallelRunnerOptions, ParallelTraceEvent } from '../../src/index.ts';
import { definePlugin, ParallelRunner, Session } from '../../src/index.ts';

// The fixture projects are shared by every run of these tests: with tracking on, each run's
// history would give the next one estimates (`nodeDurationEstimates`) and change its placements.
process.env['SLUICE_TRACKING'] = 'off';

const LANES = fileURLToPath(new URL('../fixtures/projects/lanes/', import.meta.url));

async function run(
  estimates: NodeDurationEstimates | undefined,
  options: ParallelRunnerOptions,
  nodeNames?: string[],
) {
  const events: ParallelTraceEvent[] = [];
  const session = await Session.create({ projectPath: LANES, log: () => {} });
  if (estimates !== undefined)
    session.hooks.register(definePlugin({ name: 'estimates', nodeDurationEstimates: () => estimates }));
  const runner = new ParallelRunner({ ...options, onTrace: (event) => events.push(event) });
  const outputs = (await session.run({ runner, ...(nodeNames === undefined ? {} : { nodeNames }) }))
    .outputs as { threads: { a: number; b: number; c: number } };
  const placed = events.flatMap((event) => (event.type === 'node' ? [event] : []));
  return { events, outputs, placed, estimated: events.filter((event) => event.type === 'estimate') };
}

/** Every node of the lanes fixture ran serially in the main thread (placed there, and ran there). */
function assertSerialInMain(result: {
  placed: { node: string; thread: number; reason: string }[];
  outputs: { threads: { a: number; b: number; c: number } };
}): void {
  assert.deepEqual(
    result.placed.map((event) => [event.node, event.thread, event.reason]),
    [
      ['a_first', 0, 'serial'],
      ['b_second', 0, 'serial'],
      ['c_join', 0, 'serial'],
    ],
  );
  assert.deepEqual(result.outputs.threads, { a: threadId, b: threadId, c: threadId });
}

test('one lane: ready nodes go longest estimated work first, not in run order', async () => {
  const plain = await run(undefined, { maxWorkers: 1, serialBelow: 0 });
  assert.deepEqual(
    plain.placed.map((event) => event.node),
    ['a_first', 'b_second', 'c_join'],
  );
  const estimated = await run({ a_first: 1, b_second: 100, c_join: 1 }, { maxWorkers: 1, serialBelow: 0 });
  assert.deepEqual(
    estimated.placed.map((event) => event.node),
    ['b_second', 'a_first', 'c_join'],
  );
  assert.ok(
    estimated.placed.every((event) => event.thread !== 0),
    'serialBelow: 0 keeps them on the worker',
  );
  assert.deepEqual(estimated.estimated, [], 'serialBelow: 0 does not weigh the saving');
});

test('a run whose lanes could save little runs serially in the main thread, with no worker thread', async () => {
  // a_first and b_second are short beside c_join: two lanes could save 1% of the work at best.
  const { events, outputs, placed, estimated } = await run(
    { a_first: 1, b_second: 1, c_join: 100 },
    { maxWorkers: 2 },
  );
  assert.equal(estimated.length, 1);
  const [decision] = estimated as [Extract<ParallelTraceEvent, { type: 'estimate' }>];
  assert.ok(decision.serial);
  assert.ok(Math.abs(decision.saving - 1 / 102) < 1e-9, `saving ${decision.saving}`);
  assertSerialInMain({ placed, outputs });
  assert.deepEqual(
    events.filter((event) => event.type === 'pool'),
    [{ type: 'pool', startedIn: 'run', workers: 0 }],
  );
});

test('a run whose lanes could save much stays parallel; serialBelow is checked', async () => {
  const { outputs, placed, estimated } = await run(
    { a_first: 100, b_second: 100, c_join: 1 },
    { maxWorkers: 2 },
  );
  assert.equal(estimated.length, 1);
  const [decision] = estimated as [Extract<ParallelTraceEvent, { type: 'estimate' }>];
  assert.equal(decision.serial, false);
  assert.ok(decision.saving > 0.49 && decision.saving < 0.5, `saving ${decision.saving}`);
  assert.ok(placed.every((event) => event.thread !== 0 && event.reason !== 'serial'));
  assert.notEqual(outputs.threads.c, threadId);
  for (const bad of [-0.1, 1.5, Number.NaN])
    assert.throws(() => new ParallelRunner({ serialBelow: bad }), /serialBelow must be a share/);
});

test('a plugin whose estimate throws fails the run with its error, before any node runs', async () => {
  const events: ParallelTraceEvent[] = [];
  const session = await Session.create({ projectPath: LANES, log: () => {} });
  session.hooks.register(
    definePlugin({
      name: 'broken-estimates',
      nodeDurationEstimates() {
        throw new Error('no history today');
      },
    }),
  );
  const runner = new ParallelRunner({ maxWorkers: 2, onTrace: (event) => events.push(event) });
  await assert.rejects(session.run({ runner }), /no history today/);
  assert.deepEqual(
    events.filter((event) => event.type === 'node'),
    [],
  );
});

test('a one-node run with an estimate goes serial: one lane saves nothing', async () => {
  const { placed, estimated } = await run({ b_second: 50 }, { maxWorkers: 2 }, ['b_second']);
  assert.deepEqual(estimated, [{ type: 'estimate', saving: 0, serial: true, from: 'durations' }]);
  assert.deepEqual(
    placed.map((event) => [event.node, event.thread, event.reason]),
    [['b_second', 0, 'serial']],
  );
});

test('a serial run stops the warm-up thread still loading the project, rather than wait for it', async () => {
  // The gate is never opened: a worker thread would load the project forever. The session's
  // warm-up started one; the serial run must end without it.
  const gate = join(mkdtempSync(join(tmpdir(), 'sluice-lanes-')), 'never-opened');
  const previous = process.env['SLUICE_LANES_WORKER_GATE'];
  process.env['SLUICE_LANES_WORKER_GATE'] = gate;
  try {
    const { outputs, placed, events } = await run(
      { a_first: 1, b_second: 1, c_join: 100 },
      { maxWorkers: 2 },
    );
    assert.deepEqual(events[0], { type: 'warm-up', workers: 1 }, 'the shape (a third saved) warmed one up');
    assert.ok(placed.every((event) => event.reason === 'serial'));
    assert.deepEqual(outputs.threads, { a: threadId, b: threadId, c: threadId });
    assert.deepEqual(
      events.filter((event) => event.type === 'worker-ready'),
      [],
    );
  } finally {
    if (previous === undefined) delete process.env['SLUICE_LANES_WORKER_GATE'];
    else process.env['SLUICE_LANES_WORKER_GATE'] = previous;
  }
});

test('one lane without any estimate (a first run, or tracking off) goes serial; serialBelow: 0 keeps a worker', async () => {
  // maxWorkers: 1 gives the lanes fixture one lane, as a chain has.
  const first = await run(undefined, { maxWorkers: 1 });
  assert.deepEqual(first.estimated, [{ type: 'estimate', saving: 0, serial: true, from: 'node-count' }]);
  assertSerialInMain(first);
  // A one-node run has one lane too.
  const single = await run(undefined, { maxWorkers: 2 }, ['b_second']);
  assert.deepEqual(
    single.placed.map((event) => [event.node, event.thread, event.reason]),
    [['b_second', 0, 'serial']],
  );
  // Known from the selected pipeline before the catalog is built: no thread warms up for them.
  for (const serial of [first, single])
    assert.deepEqual(
      serial.events.filter((event) => event.type === 'warm-up' || event.type === 'worker-ready'),
      [],
    );
  const kept = await run(undefined, { maxWorkers: 1, serialBelow: 0 });
  assert.deepEqual(kept.estimated, []);
  assert.ok(kept.placed.every((event) => event.thread !== 0 && event.reason !== 'serial'));
  assert.deepEqual(kept.events[0], { type: 'warm-up', workers: 1 });
  // Two lanes and no estimate: the shape says two lanes save a third (three nodes, two of them
  // on the longest chain), so parallel, on the thread that warmed up.
  const two = await run(undefined, { maxWorkers: 2 });
  assert.deepEqual(two.estimated, [{ type: 'estimate', saving: 1 / 3, serial: false, from: 'node-count' }]);
  assert.ok(two.placed.every((event) => event.thread !== 0));
  assert.deepEqual(two.events[0], { type: 'warm-up', workers: 1 });
});

test('without estimates, the shape decides: every node counts the same against serialBelow', async () => {
  // The same three nodes, with a bar above what their shape lets two lanes save (a third).
  const serial = await run(undefined, { maxWorkers: 2, serialBelow: 0.4 });
  assert.deepEqual(serial.estimated, [{ type: 'estimate', saving: 1 / 3, serial: true, from: 'node-count' }]);
  assertSerialInMain(serial);
  // Known from the selected pipeline before the catalog is built: no thread warms up for it.
  assert.deepEqual(
    serial.events.filter((event) => event.type === 'warm-up' || event.type === 'worker-ready'),
    [],
  );
  // Durations outweigh the shape: the same bar, and two long independent nodes go parallel.
  const timed = await run({ a_first: 100, b_second: 100, c_join: 1 }, { maxWorkers: 2, serialBelow: 0.4 });
  const [decision] = timed.estimated as [Extract<ParallelTraceEvent, { type: 'estimate' }>];
  assert.equal(decision.from, 'durations');
  assert.equal(decision.serial, false);
  assert.ok(timed.placed.every((event) => event.thread !== 0 && event.reason !== 'serial'));
  assert.deepEqual(
    timed.events.filter((event) => event.type === 'warm-up'),
    [],
    'the shape said serial before the run: its threads start in the run',
  );
  assert.ok(
    timed.events.some((event) => event.type === 'pool' && event.startedIn === 'run' && event.workers > 0),
  );
});

test('a pipeline that is not registered warms up no thread, and the run fails with its error', async () => {
  const events: ParallelTraceEvent[] = [];
  const session = await Session.create({ projectPath: LANES, log: () => {} });
  const runner = new ParallelRunner({ maxWorkers: 2, onTrace: (event) => events.push(event) });
  await assert.rejects(session.run({ runner, pipelineName: 'nowhere' }), /No pipeline named "nowhere"/);
  assert.deepEqual(events, []);
});

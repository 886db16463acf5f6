/**
 * Where the parallel runner puts nodes and which memory values cross threads, checked through its
 * trace events (`onTrace`), never timings, on the `placement` fixture: `produce` makes 20k rows
 * (large) and 5 (small); `count_rows` and `also_rows` read the 20k, `count_small` the 5.
 *
 * - While no worker has loaded the project, the main thread runs ready nodes itself; a node whose
 *   large inputs the main thread holds then stays there (no copy to a worker).
 * - A large value a worker produced stays in that worker, and its readers go there (affinity): it
 *   never crosses threads. A small one is also copied to the main thread, once.
 * - By default, a node the run can only start alone, while no worker is ready, runs in the main
 *   thread (`alone`); `serialBelow: 0` keeps it on a worker.
 * - `mainThread: false` sends every node to a worker; the results are the same every way.
 *
 * And on the `lanes` fixture (two independent nodes, then one reading both), the default: the main
 * thread is one of the lanes, and a node waiting for a lane takes whichever frees first.
 */
import assert from 'node:assert/strict';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { fileURLToPath } from 'node:url';
import type { ParallelTraceEvent } from '../../src/index.ts';
import { ParallelRunner, Session } from '../../src/index.ts';
import { withEnv } from '../session/support.ts';

const PLACEMENT = fileURLToPath(new URL('../fixtures/projects/placement/', import.meta.url));

interface Outputs {
  produced_in: number;
  rows_summary: { sum: number; thread: number };
  both_summary: { count: number; thread: number };
  small_summary: { count: number; thread: number };
}

async function run(options: {
  maxWorkers: number;
  mainThread: boolean;
  gated: boolean;
  startInMainThread?: boolean;
  /** The readers of the 20k rows wait for count_small (SLUICE_PLACEMENT_HOLD). */
  held?: boolean;
}) {
  const events: ParallelTraceEvent[] = [];
  const files = mkdtempSync(join(tmpdir(), 'sluice-gate-'));
  const env = {
    ...(options.gated ? { SLUICE_PLACEMENT_GATE: join(files, 'gate') } : {}),
    ...(options.held ? { SLUICE_PLACEMENT_HOLD: join(files, 'hold') } : {}),
  };
  const outputs = await withEnv(env, async () => {
    const session = await Session.create({ projectPath: PLACEMENT, log: () => {} });
    const runner = new ParallelRunner({
      maxWorkers: options.maxWorkers,
      mainThread: options.mainThread,
      startInMainThread: options.startInMainThread ?? false,
      onTrace: (event) => events.push(event),
    });
    return (await session.run({ runner })).outputs as unknown as Outputs;
  });
  const placed = (name: string) => {
    const found = events.filter((event) => event.type === 'node' && event.node === name);
    assert.equal(found.length, 1, `${name} placed once`);
    return found[0] as Extract<ParallelTraceEvent, { type: 'node' }>;
  };
  const copies = (dataset: string) =>
    events.filter(
      (event): event is Extract<ParallelTraceEvent, { type: 'copy' }> =>
        event.type === 'copy' && event.dataset === dataset,
    );
  return { outputs, events, placed, copies };
}

const EXPECTED_SUM = Array.from({ length: 20_000 }, (_, id) => id % 7).reduce((a, b) => a + b, 0);

function assertResults(outputs: Outputs): void {
  assert.equal(outputs.rows_summary.sum, EXPECTED_SUM);
  assert.equal(outputs.both_summary.count, 20_005);
  assert.equal(outputs.small_summary.count, 5);
}

test('startInMainThread: the main thread runs ready nodes, keeps large values it made, and no thread starts while it only has nodes bound to it', async () => {
  const { outputs, events, placed, copies } = await run({
    maxWorkers: 2,
    mainThread: true,
    startInMainThread: true,
    gated: true,
  });
  assert.deepEqual(
    events.slice(0, 2),
    [
      // By its shape (no history): produce, then three readers of it; two lanes save half.
      { type: 'estimate', saving: 0.5, serial: false, from: 'node-count' },
      { type: 'pool', startedIn: 'run', workers: 1 },
    ],
    'no warm-up: the main thread is one lane, one worker at most the other',
  );
  assert.deepEqual(placed('produce'), {
    type: 'node',
    node: 'produce',
    thread: 0,
    reason: 'workers-starting',
  });
  // The gate opens inside produce: no worker can have been ready before it was placed.
  const producedAt = events.indexOf(placed('produce'));
  const readyAt = events.findIndex((event) => event.type === 'worker-ready');
  assert.ok(readyAt === -1 || readyAt > producedAt, 'no worker was ready before produce was placed');
  assert.equal(outputs.produced_in, 0);
  for (const name of ['count_rows', 'also_rows'])
    assert.deepEqual(placed(name), { type: 'node', node: name, thread: 0, reason: 'large-inputs' });
  assert.equal(outputs.rows_summary.thread, 0);
  assert.equal(outputs.both_summary.thread, 0);
  assert.deepEqual(copies('rows'), [], 'the 20k rows never left the main thread');
  // count_small is ready while the main thread is free (no worker had started) or busy with the
  // readers of the 20k rows, which must run there: it waits for the main thread rather than start
  // a worker thread for itself.
  const small = placed('count_small');
  assert.equal(small.thread, 0);
  assert.ok(['workers-starting', 'main-queued'].includes(small.reason), small.reason);
  assert.equal(outputs.small_summary.thread, 0);
  assert.deepEqual(copies('small'), []);
  assert.equal(readyAt, -1, 'no worker thread started');
  assertResults(outputs);
});

test('a large value stays in the worker that made it, and its readers run there (affinity)', async () => {
  const { outputs, placed, copies } = await run({ maxWorkers: 2, mainThread: false, gated: false });
  const producer = placed('produce').thread;
  assert.notEqual(producer, 0);
  for (const name of ['count_rows', 'also_rows'])
    assert.deepEqual(placed(name), { type: 'node', node: name, thread: producer, reason: 'affinity' });
  assert.equal(outputs.rows_summary.thread, producer);
  assert.equal(outputs.both_summary.thread, producer);
  assert.deepEqual(copies('rows'), [], 'the 20k rows never crossed threads');
  // The 5 rows go to the main thread once, as the worker finishes; from there to count_small if it
  // ran on the other worker.
  const small = placed('count_small');
  assert.deepEqual(
    copies('small').map((copy) => [copy.from, copy.to, copy.elements]),
    [[producer, 0, 5], ...(small.thread === producer ? [] : [[0, small.thread, 5]])],
  );
  assert.equal(small.reason, small.thread === producer ? 'affinity' : 'any');
  // Free outputs come back to the main thread, each once.
  for (const name of ['rows_summary', 'both_summary', 'small_summary', 'produced_in'])
    assert.equal(copies(name).length, 1, name);
  assertResults(outputs);
});

test(
  'by default, a node the run can only start alone, with no worker ready, runs in the main thread, and its large output keeps its readers there',
  {
    // The gate opens inside produce, so no worker can be ready when it is placed. Were produce sent
    // to a worker, the worker would wait for the gate until the fixture gives up (a minute), and
    // the run would fail with that error.
    timeout: 300_000,
  },
  async () => {
    const { outputs, placed, copies } = await run({ maxWorkers: 2, mainThread: true, gated: true });
    assert.deepEqual(placed('produce'), { type: 'node', node: 'produce', thread: 0, reason: 'alone' });
    assert.equal(outputs.produced_in, 0);
    for (const name of ['count_rows', 'also_rows'])
      assert.deepEqual(placed(name), { type: 'node', node: name, thread: 0, reason: 'large-inputs' });
    assert.deepEqual(copies('rows'), [], 'the 20k rows never left the main thread');
    // count_small has no large input: it goes to a worker, as every such node does by default.
    const small = placed('count_small');
    assert.notEqual(small.thread, 0);
    assert.equal(small.reason, 'any');
    assert.equal(outputs.small_summary.thread, small.thread);
    assert.deepEqual(
      copies('small').map((copy) => [copy.from, copy.to, copy.elements]),
      [[0, small.thread, 5]],
    );
    assertResults(outputs);
  },
);

test(
  'by default, a node that would only wait for the busy main thread does not take a lane from a node for a worker',
  {
    // Two lanes. count_rows and also_rows hold the main thread in turn until count_small, a node
    // for a worker, has run: were the second lane given to the reader waiting for the main thread,
    // count_small could not start until the fixture gives up waiting for it (a minute), and the
    // run would fail with that error.
    timeout: 300_000,
  },
  async () => {
    const { outputs, placed } = await run({ maxWorkers: 2, mainThread: true, gated: true, held: true });
    assert.deepEqual(placed('produce'), { type: 'node', node: 'produce', thread: 0, reason: 'alone' });
    for (const name of ['count_rows', 'also_rows'])
      assert.deepEqual(placed(name), { type: 'node', node: name, thread: 0, reason: 'large-inputs' });
    assert.notEqual(placed('count_small').thread, 0);
    assertResults(outputs);
  },
);

test('serialBelow: 0 keeps a lone node on a worker: it waits for one rather than run in the main thread', async () => {
  const events: ParallelTraceEvent[] = [];
  // The workers wait at the gate until the run has its pool (the trace's `pool` event): the
  // scheduler then places produce in the same synchronous step, so no worker can have been heard
  // ready, and produce must wait for one.
  const gate = join(mkdtempSync(join(tmpdir(), 'sluice-gate-')), 'gate');
  const outputs = await withEnv({ SLUICE_PLACEMENT_GATE: gate }, async () => {
    const session = await Session.create({ projectPath: PLACEMENT, log: () => {} });
    const runner = new ParallelRunner({
      maxWorkers: 2,
      serialBelow: 0,
      onTrace: (event) => {
        events.push(event);
        if (event.type === 'pool') writeFileSync(gate, 'open');
      },
    });
    return (await session.run({ runner })).outputs as unknown as Outputs;
  });
  const produce = events.find((event) => event.type === 'node' && event.node === 'produce');
  assert.ok(produce?.type === 'node');
  assert.notEqual(produce.thread, 0);
  assert.notEqual(produce.reason, 'alone');
  assert.notEqual(outputs.produced_in, 0);
  for (const event of events) if (event.type === 'node') assert.notEqual(event.thread, 0, event.node);
  assertResults(outputs);
});

test('mainThread: false runs every node on a worker, with the same results', async () => {
  const { outputs, events } = await run({ maxWorkers: 1, mainThread: false, gated: false });
  const threads = events.flatMap((event) => (event.type === 'node' ? [event.thread] : []));
  assert.equal(threads.length, 4);
  assert.ok(threads.every((thread) => thread !== 0));
  assert.notEqual(outputs.rows_summary.thread, 0);
  assert.notEqual(outputs.small_summary.thread, 0);
  assertResults(outputs);
});

test('a runner without warmUp starts its workers in run', async () => {
  const { events } = await withEnv({}, async () => {
    const session = await Session.create({ projectPath: PLACEMENT, log: () => {} });
    const events: ParallelTraceEvent[] = [];
    const runner = new ParallelRunner({
      maxWorkers: 1,
      startInMainThread: false,
      // One lane would otherwise run serially in the main thread, with no worker to start.
      serialBelow: 0,
      onTrace: (event) => events.push(event),
    });
    // A stand-in runner without warmUp: the session can't start the workers early.
    await session.run({ runner: { name: 'parallel', run: runner.run.bind(runner) } });
    return { events };
  });
  assert.deepEqual(events[0], { type: 'pool', startedIn: 'run', workers: 1 });
});

test('a run starts no more workers than nodes can run at once: a chain gets one thread', async () => {
  const events: ParallelTraceEvent[] = [];
  const outputs = await withEnv({}, async () => {
    const session = await Session.create({ projectPath: PLACEMENT, log: () => {} });
    const runner = new ParallelRunner({
      maxWorkers: 3,
      mainThread: false,
      onTrace: (event) => events.push(event),
    });
    // produce -> count_rows is a chain.
    return (await session.run({ runner, nodeNames: ['produce', 'count_rows'] }))
      .outputs as unknown as Outputs;
  });
  assert.deepEqual(events.slice(0, 2), [
    { type: 'warm-up', workers: 1 },
    { type: 'pool', startedIn: 'warm-up', workers: 1 },
  ]);
  const ready = events.filter((event) => event.type === 'worker-ready');
  assert.equal(ready.length, 1, 'one worker thread started, not maxWorkers');
  const threads = events.flatMap((event) => (event.type === 'node' ? [event.thread] : []));
  assert.deepEqual(threads, [ready[0]!.thread, ready[0]!.thread]);
  assert.equal(outputs.rows_summary.sum, EXPECTED_SUM);
});

test('more workers start only while nodes wait for one, up to the nodes that can run at once', async () => {
  // produce, then count_rows and also_rows bound to its worker (20k rows it keeps) and
  // count_small free to go anywhere: three can run at once, so two threads with maxWorkers 2.
  const { events, placed } = await run({ maxWorkers: 2, mainThread: false, gated: false });
  assert.deepEqual(events.slice(0, 2), [
    { type: 'warm-up', workers: 1 },
    { type: 'pool', startedIn: 'warm-up', workers: 2 },
  ]);
  const ready = events.filter((event) => event.type === 'worker-ready');
  assert.ok(ready.length >= 1 && ready.length <= 2, `${ready.length} worker threads started`);
  // A second thread is only started once a node waits: never before produce was placed.
  const producedAt = events.indexOf(placed('produce'));
  if (ready.length === 2)
    assert.ok(events.indexOf(ready[1]!) > producedAt, 'the second thread started on demand');
  // Every node ran on one of them (a thread that became ready late may have run none).
  const readyThreads = ready.map((event) => (event as { thread: number }).thread);
  for (const event of events)
    if (event.type === 'node')
      assert.ok(readyThreads.includes(event.thread), `${event.node} on a started thread`);
});

test('startInMainThread counts the main thread as a lane: a chain runs there, with no worker thread', async () => {
  const events: ParallelTraceEvent[] = [];
  const outputs = await withEnv({}, async () => {
    const session = await Session.create({ projectPath: PLACEMENT, log: () => {} });
    const runner = new ParallelRunner({
      maxWorkers: 2,
      startInMainThread: true,
      // A chain goes serial by default (one lane saves nothing); this is startInMainThread's own way.
      serialBelow: 0,
      onTrace: (event) => events.push(event),
    });
    return (await session.run({ runner, nodeNames: ['produce', 'count_rows'] }))
      .outputs as unknown as Outputs;
  });
  assert.deepEqual(
    events.filter((event) => event.type === 'pool' || event.type === 'node'),
    [
      { type: 'pool', startedIn: 'run', workers: 0 },
      { type: 'node', node: 'produce', thread: 0, reason: 'main-free' },
      { type: 'node', node: 'count_rows', thread: 0, reason: 'main-free' },
    ],
  );
  assert.equal(outputs.rows_summary.thread, 0);
  assert.equal(outputs.rows_summary.sum, EXPECTED_SUM);
});

const LANES = fileURLToPath(new URL('../fixtures/projects/lanes/', import.meta.url));

/** A run of the `lanes` fixture with the default runner options (and `maxWorkers: 2`). */
async function runLanes(env: Record<string, string>) {
  const events: ParallelTraceEvent[] = [];
  const outputs = await withEnv(env, async () => {
    const session = await Session.create({ projectPath: LANES, log: () => {} });
    const runner = new ParallelRunner({
      maxWorkers: 2,
      startInMainThread: true,
      onTrace: (event) => events.push(event),
    });
    return (await session.run({ runner })).outputs as { threads: { a: number; b: number; c: number } };
  });
  const nodes = events.filter(
    (event): event is Extract<ParallelTraceEvent, { type: 'node' }> => event.type === 'node',
  );
  return { events, nodes, threads: outputs.threads };
}

const gateFile = () => join(mkdtempSync(join(tmpdir(), 'sluice-lanes-')), 'open');

test('startInMainThread: a node waiting for a worker still opening the project runs in the main thread once it frees', async () => {
  // No worker can be ready before c_join: b_second waits for a lane while a_first runs.
  const { events, nodes, threads } = await runLanes({ SLUICE_LANES_WORKER_GATE: gateFile() });
  assert.deepEqual(
    events.slice(0, 2),
    [
      { type: 'estimate', saving: 1 / 3, serial: false, from: 'node-count' },
      { type: 'pool', startedIn: 'run', workers: 1 },
    ],
    'no warm-up',
  );
  assert.deepEqual(nodes, [
    { type: 'node', node: 'a_first', thread: 0, reason: 'workers-starting' },
    { type: 'node', node: 'b_second', thread: 0, reason: 'main-free' },
    { type: 'node', node: 'c_join', thread: 0, reason: 'workers-starting' },
  ]);
  assert.deepEqual(threads, { a: 0, b: 0, c: 0 });
});

test('startInMainThread: a node waiting for a lane goes to the worker when it frees first, and the next ready node to the free main thread', async () => {
  // a_first holds the main thread until b_second has run: b_second can only run on the worker.
  const { events, nodes, threads } = await runLanes({ SLUICE_LANES_HOLD_FIRST: gateFile() });
  const ready = events.filter((event) => event.type === 'worker-ready');
  assert.equal(ready.length, 1, 'one worker thread: the main thread is the other lane');
  const worker = (ready[0] as { thread: number }).thread;
  assert.deepEqual(nodes, [
    { type: 'node', node: 'a_first', thread: 0, reason: 'workers-starting' },
    { type: 'node', node: 'b_second', thread: worker, reason: 'any' },
    { type: 'node', node: 'c_join', thread: 0, reason: 'main-free' },
  ]);
  assert.deepEqual(threads, { a: 0, b: worker, c: 0 });
});

for (const [label, options] of [
  ['startInMainThread: false', { startInMainThread: false }],
  ['by default', {}],
] as const)
  test(`${label}, every node without large inputs runs on a worker when none starts alone (two ready at once, then one with workers free)`, async () => {
    const events: ParallelTraceEvent[] = [];
    const outputs = await withEnv({}, async () => {
      const session = await Session.create({ projectPath: LANES, log: () => {} });
      const runner = new ParallelRunner({
        maxWorkers: 2,
        ...options,
        onTrace: (event) => events.push(event),
      });
      assert.equal(runner.startInMainThread, false);
      return (await session.run({ runner })).outputs as { threads: { a: number; b: number; c: number } };
    });
    assert.deepEqual(events.slice(0, 2), [
      { type: 'warm-up', workers: 1 },
      { type: 'estimate', saving: 1 / 3, serial: false, from: 'node-count' },
    ]);
    assert.equal(events[2]?.type, 'pool');
    assert.equal((events[2] as { startedIn: string }).startedIn, 'warm-up');
    for (const event of events) if (event.type === 'node') assert.notEqual(event.thread, 0, event.node);
    assert.ok(Object.values(outputs.threads).every((thread) => thread !== 0));
  });

test('the defaults: the main thread is not a lane (it runs only nodes on its large values, or alone); mainThread: false turns that off too', () => {
  assert.equal(new ParallelRunner().startInMainThread, false);
  assert.equal(new ParallelRunner({ startInMainThread: true }).startInMainThread, true);
  assert.equal(new ParallelRunner().mainThread, true);
  assert.equal(new ParallelRunner({ mainThread: false }).startInMainThread, false);
});

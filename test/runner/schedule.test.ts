/**
 * Scheduling: the sequential runner's order is Kedro's (Kahn layers, each sorted by name,
 * flattened); the async runner keeps to its concurrency limit and overlaps waiting nodes.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import {
  AsyncRunner,
  createHookManager,
  DataCatalog,
  node,
  ParallelRunner,
  ParallelRunnerError,
  Pipeline,
  SequentialRunner,
} from '../../src/index.ts';
import { newRunState } from '../../src/runner/runner.ts';
import { executeNodes, PICK_WINDOW } from '../../src/runner/schedule.ts';
import type { NodePreference } from '../../src/runner/schedule.ts';
import { count, fed, nodeOrder, pause, recorder, runWith } from './helpers.ts';

const id = (v: unknown) => v;

test('SequentialRunner: Kahn layers flattened (b, z, a), not depth-first (b, a, z)', async () => {
  // a depends on b; z is independent. Declared in the order a, b, z.
  const pipeline = new Pipeline([
    node(id, 'b_out', 'a_out', { name: 'a' }),
    node(id, 'seed', 'b_out', { name: 'b' }),
    node(id, 'seed', 'z_out', { name: 'z' }),
  ]);
  const { recording, result } = await runWith(pipeline, fed({ seed: 1 }));
  assert.deepEqual(nodeOrder(recording.events), ['b', 'z', 'a']);
  assert.deepEqual(result?.completedNodes, ['b', 'z', 'a']);
});

test('SequentialRunner: each layer sorted by name, whatever the declaration order', async () => {
  const pipeline = new Pipeline([
    node(id, 'a_out', 'b_out', { name: 'b_grandchild' }),
    node(id, 'x_out', 'a_out', { name: 'a_child' }),
    node(id, 'seed', 'x_out', { name: 'x_root' }),
    node(id, 'seed', 'm_out', { name: 'm_root' }),
    node(id, 'm_out', 'k_out', { name: 'k_child' }),
  ]);
  const { recording } = await runWith(pipeline, fed({ seed: 1 }));
  assert.deepEqual(nodeOrder(recording.events), ['m_root', 'x_root', 'a_child', 'k_child', 'b_grandchild']);
  assert.deepEqual(
    nodeOrder(recording.events),
    pipeline.layers.flat().map((n) => n.name),
  );
});

test('AsyncRunner with concurrency 1 runs in exactly the sequential order', async () => {
  const pipeline = new Pipeline([
    node(id, 'b_out', 'a_out', { name: 'a' }),
    node(id, 'seed', 'b_out', { name: 'b' }),
    node(id, 'seed', 'z_out', { name: 'z' }),
    node(id, 'a_out', 'c_out', { name: 'c' }),
  ]);
  const sequential = await runWith(pipeline, fed({ seed: 1 }));
  const async1 = await runWith(pipeline, fed({ seed: 1 }), { runner: new AsyncRunner({ concurrency: 1 }) });
  assert.deepEqual(nodeOrder(async1.recording.events), nodeOrder(sequential.recording.events));
  assert.deepEqual(async1.recording.events, sequential.recording.events);
});

/** `width` independent nodes that each wait `ms`, counting how many are in flight at once. */
function sleepers(
  width: number,
  ms: number,
): { pipeline: Pipeline; stats: { inFlight: number; max: number; started: string[] } } {
  const stats = { inFlight: 0, max: 0, started: [] as string[] };
  const nodes = Array.from({ length: width }, (_, i) => {
    const name = `sleep_${String.fromCharCode(97 + i)}`;
    return node(
      async (v: number) => {
        stats.started.push(name);
        stats.inFlight++;
        stats.max = Math.max(stats.max, stats.inFlight);
        await pause(ms);
        stats.inFlight--;
        return v;
      },
      'seed',
      `${name}_out`,
      { name },
    );
  });
  return { pipeline: new Pipeline(nodes.reverse()), stats };
}

for (const concurrency of [1, 2, 3]) {
  test(`AsyncRunner({ concurrency: ${concurrency} }) never has more than ${concurrency} node(s) in flight`, async () => {
    const { pipeline, stats } = sleepers(6, 10);
    const { result } = await runWith(pipeline, fed({ seed: 1 }), {
      runner: new AsyncRunner({ concurrency }),
    });
    assert.equal(result?.completedNodes.length, 6);
    assert.equal(stats.max, concurrency);
  });
}

test('AsyncRunner: the default concurrency is 8', async () => {
  assert.equal(new AsyncRunner().concurrency, 8);
  const { pipeline, stats } = sleepers(10, 10);
  await runWith(pipeline, fed({ seed: 1 }), { runner: new AsyncRunner() });
  assert.equal(stats.max, 8);
});

test('AsyncRunner: among ready nodes, the earliest in run order starts first', async () => {
  const { pipeline, stats } = sleepers(5, 5);
  await runWith(pipeline, fed({ seed: 1 }), { runner: new AsyncRunner({ concurrency: 2 }) });
  assert.deepEqual(stats.started, ['sleep_a', 'sleep_b', 'sleep_c', 'sleep_d', 'sleep_e']);
});

test('AsyncRunner overlaps sleeping nodes that SequentialRunner runs one at a time', async () => {
  // Counted, not timed: every sleeper is in flight at once before the first one wakes up.
  const sequential = sleepers(6, 40);
  await runWith(sequential.pipeline, fed({ seed: 1 }), { runner: new SequentialRunner() });
  assert.equal(sequential.stats.max, 1);
  const concurrent = sleepers(6, 40);
  await runWith(concurrent.pipeline, fed({ seed: 1 }), { runner: new AsyncRunner() });
  assert.equal(concurrent.stats.max, 6, 'all six in flight at once');
  assert.equal(concurrent.stats.started.length, 6);
});

test('AsyncRunner: a child starts only after every parent finished', async () => {
  const finished = new Set<string>();
  const violations: string[] = [];
  const step =
    (name: string, parents: string[], ms: number) =>
    async (..._values: unknown[]) => {
      for (const parent of parents) if (!finished.has(parent)) violations.push(`${name} before ${parent}`);
      await pause(ms);
      finished.add(name);
      return name;
    };
  const pipeline = new Pipeline([
    node(step('p1', [], 20), 'seed', 'o1', { name: 'p1' }),
    node(step('p2', [], 5), 'seed', 'o2', { name: 'p2' }),
    node(step('child', ['p1', 'p2'], 1), ['o1', 'o2'], 'o3', { name: 'child' }),
    node(step('grandchild', ['child'], 1), 'o3', 'o4', { name: 'grandchild' }),
  ]);
  const { result } = await runWith(pipeline, fed({ seed: 1 }), { runner: new AsyncRunner() });
  assert.deepEqual(violations, []);
  assert.deepEqual(result?.completedNodes, ['p2', 'p1', 'child', 'grandchild']);
});

test('AsyncRunner rejects a concurrency that is not a whole number of at least 1', () => {
  for (const bad of [0, -1, 1.5, Number.NaN]) {
    assert.throws(() => new AsyncRunner({ concurrency: bad }), RangeError);
  }
});

test('runners are named as runParams record them', () => {
  assert.equal(new SequentialRunner().name, 'sequential');
  assert.equal(new AsyncRunner().name, 'async');
  assert.equal(new ParallelRunner({ maxWorkers: 1 }).name, 'parallel');
});

test('ParallelRunner rejects a bad maxWorkers, and refuses to run without a project reference', async () => {
  for (const bad of [0, -2, 2.5]) assert.throws(() => new ParallelRunner({ maxWorkers: bad }), RangeError);
  const pipeline = new Pipeline([node(id, 'seed', 'out', { name: 'n' })]);
  await assert.rejects(
    new ParallelRunner({ maxWorkers: 1 }).run(pipeline, fed({ seed: 1 }), createHookManager(), {
      runId: 'r',
    }),
    ParallelRunnerError,
  );
});

test('runner.run alone fires node and dataset hooks but no pipeline hooks, and reports what ran', async () => {
  const recording = recorder();
  const hooks = createHookManager();
  hooks.register(recording.plugin);
  const pipeline = new Pipeline([
    node(id, 'seed', 'mid', { name: 'one' }),
    node(id, 'mid', 'out', { name: 'two' }),
  ]);
  for (const runner of [new SequentialRunner(), new AsyncRunner()]) {
    recording.events.length = 0;
    const result = await runner.run(pipeline, new DataCatalog().feed({ seed: 7 }), hooks, { runId: 'r' });
    assert.deepEqual(result.outputs, { out: 7 });
    assert.deepEqual(result.completedNodes, ['one', 'two']);
    assert.deepEqual(result.skippedNodes, []);
    assert.ok(result.durationMs >= 0);
    assert.equal(
      count(recording.events, 'beforePipelineRun') + count(recording.events, 'afterPipelineRun'),
      0,
    );
    assert.deepEqual(nodeOrder(recording.events), ['one', 'two']);
  }
});

test('a run fills the state it is given as it goes', async () => {
  const state = { completed: [] as string[], skipped: [] as string[], upToDate: [] as string[], failed: [] };
  const pipeline = new Pipeline([
    node(id, 'seed', 'mid', { name: 'one' }),
    node(id, 'mid', 'out', { name: 'two' }),
  ]);
  await runWith(pipeline, fed({ seed: 1 }), { state });
  assert.deepEqual(state.completed, ['one', 'two']);
});

/** Runs `pipeline` through `executeNodes` with `concurrency` slots and `prefer`, recording start order. */
async function startOrder(
  pipeline: Pipeline,
  concurrency: number,
  prefer?: () => NodePreference | undefined,
): Promise<string[]> {
  const started: string[] = [];
  await executeNodes(pipeline, {
    concurrency,
    state: newRunState(),
    execute: async (n) => {
      started.push(n.name);
      await pause(1);
    },
    prefer,
  });
  return started;
}

test('executeNodes: a preference takes the earliest ready node it wants; without one, run order', async () => {
  const pipeline = new Pipeline(
    ['a', 'b', 'c', 'd'].map((name) => node(id, 'seed', `${name}_out`, { name })),
  );
  assert.deepEqual(await startOrder(pipeline, 1), ['a', 'b', 'c', 'd']);
  const asked: string[] = [];
  const wantsC = () => ({
    wants: (n: { name: string }) => {
      asked.push(n.name);
      return n.name === 'c';
    },
  });
  assert.deepEqual(await startOrder(pipeline, 1, wantsC), ['c', 'a', 'b', 'd']);
  // Asked in run order, and only while two or more nodes are ready.
  assert.deepEqual(asked, ['a', 'b', 'c', 'a', 'b', 'd', 'b', 'd']);
  // A preference that wants nothing changes nothing.
  assert.deepEqual(await startOrder(pipeline, 1, () => ({ wants: () => false })), ['a', 'b', 'c', 'd']);
  assert.deepEqual(await startOrder(pipeline, 1, () => undefined), ['a', 'b', 'c', 'd']);
});

test('executeNodes: with no node wanted, the earliest that would not wait goes first; if all would, the earliest', async () => {
  const pipeline = new Pipeline(
    ['a', 'b', 'c', 'd'].map((name) => node(id, 'seed', `${name}_out`, { name })),
  );
  const waitsAB = () => ({ wants: () => false, waits: (n: { name: string }) => ['a', 'b'].includes(n.name) });
  assert.deepEqual(await startOrder(pipeline, 1, waitsAB), ['c', 'd', 'a', 'b']);
  // `waits` applies when the preference is exhausted too; `wants` is then not asked.
  const exhausted = () => ({
    exhausted: true,
    wants: (): boolean => {
      throw new Error('an exhausted preference is not asked');
    },
    waits: (n: { name: string }) => n.name !== 'd',
  });
  assert.deepEqual(await startOrder(pipeline, 1, exhausted), ['d', 'a', 'b', 'c']);
  // A wanted node goes first even if it would wait.
  const wantsA = () => ({ wants: (n: { name: string }) => n.name === 'a', waits: () => true });
  assert.deepEqual(await startOrder(pipeline, 1, wantsA), ['a', 'b', 'c', 'd']);
  assert.deepEqual(await startOrder(pipeline, 1, () => ({ wants: () => false, waits: () => true })), [
    'a',
    'b',
    'c',
    'd',
  ]);
});

test('executeNodes: a preference that throws stops scheduling; the run fails with its error once the running nodes settle', async () => {
  // first and slow start together; once first is done, a, b and c are ready and the preference
  // fails while slow still runs.
  const pipeline = new Pipeline([
    node(id, 'seed', 'first_out', { name: 'first' }),
    node(id, 'seed', 'slow_out', { name: 'slow' }),
    ...['a', 'b', 'c'].map((name) => node(id, 'first_out', `${name}_out`, { name })),
  ]);
  const events: string[] = [];
  let releaseSlow: () => void = () => {};
  const slowDone = new Promise<void>((resolve) => (releaseSlow = resolve));
  const broken = new Error('the preference broke');
  await assert.rejects(
    executeNodes(pipeline, {
      concurrency: 2,
      state: newRunState(),
      execute: async (n) => {
        events.push(`start ${n.name}`);
        if (n.name === 'slow') await slowDone;
        events.push(`end ${n.name}`);
      },
      afterNode: (n) => {
        if (n.name === 'first') setImmediate(releaseSlow);
      },
      // The first fill (first and slow) goes unsteered; the next one asks and fails.
      prefer: () =>
        events.length === 0
          ? undefined
          : {
              wants: () => {
                throw broken;
              },
            },
    }),
    (error) => error === broken,
  );
  // Nothing started after the failure, and slow ended before the run failed.
  assert.deepEqual(events, ['start first', 'end first', 'start slow', 'end slow']);
});

test('executeNodes: a preference is asked about the first PICK_WINDOW ready nodes only', async () => {
  const names = Array.from({ length: PICK_WINDOW + 5 }, (_, i) => `n_${String(i).padStart(3, '0')}`);
  const pipeline = new Pipeline(names.map((name) => node(id, 'seed', `${name}_out`, { name })));
  const last = names.at(-1)!;
  const order = await startOrder(pipeline, 1, () => ({ wants: (n) => n.name === last }));
  // Out of the window while more than PICK_WINDOW nodes wait: it goes when it comes into it.
  assert.equal(order.indexOf(last), names.length - PICK_WINDOW);
  assert.deepEqual(
    order.filter((name) => name !== last),
    names.slice(0, -1),
  );
});

test('executeNodes: continueOnFailure tells onBlocked of each node behind the failure, once, before the run ends', async () => {
  // fail -> blocked_a -> blocked_b, and blocked_b also waits on ok; late runs after the failure.
  const pipeline = new Pipeline([
    node(id, 'seed', 'f_out', { name: 'fail' }),
    node(id, 'seed', 'ok_out', { name: 'ok' }),
    node(id, 'f_out', 'a_out', { name: 'blocked_a' }),
    node((a: unknown, ok: unknown) => [a, ok], ['a_out', 'ok_out'], 'b_out', { name: 'blocked_b' }),
    node(id, 'ok_out', 'late_out', { name: 'late' }),
  ]);
  const events: string[] = [];
  const state = newRunState();
  await assert.rejects(
    executeNodes(pipeline, {
      concurrency: 1,
      continueOnFailure: true,
      state,
      execute: async (n) => {
        events.push(`run ${n.name}`);
        if (n.name === 'fail') throw new Error('boom');
      },
      onBlocked: (n) => void events.push(`blocked ${n.name}`),
    }),
  );
  assert.deepEqual(events.filter((event) => event.startsWith('blocked')).sort(), [
    'blocked blocked_a',
    'blocked blocked_b',
  ]);
  assert.ok(
    events.indexOf('blocked blocked_a') < events.indexOf('run late'),
    `told at the failure, before later nodes run: ${events.join(', ')}`,
  );
});

test('executeNodes: an onBlocked that throws fails the run instead of leaving it waiting', async () => {
  const pipeline = new Pipeline([
    node(id, 'seed', 'f_out', { name: 'fail' }),
    node(id, 'f_out', 'a_out', { name: 'blocked' }),
  ]);
  await assert.rejects(
    executeNodes(pipeline, {
      concurrency: 1,
      continueOnFailure: true,
      state: newRunState(),
      execute: async (n) => {
        if (n.name === 'fail') throw new Error('boom');
      },
      onBlocked: () => {
        throw new Error('bookkeeping');
      },
    }),
    /bookkeeping/,
  );
});

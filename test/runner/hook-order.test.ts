/**
 * The order of node, dataset and pipeline hooks on the in-process runners (sequential and async),
 * with and without `isAsync`. The parallel runner's order is checked through a Session in
 * test/session/runner-hooks.test.ts.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { Runner, SluicePlugin } from '../../src/index.ts';
import {
  AsyncRunner,
  createHookManager,
  DataCatalog,
  node,
  Pipeline,
  SequentialRunner,
} from '../../src/index.ts';
import type { Timeline } from './helpers.ts';
import { blockOf, count, expectedBlock, fed, pause, recorder, runWith, SlowDataset } from './helpers.ts';

const runners: [string, () => Runner][] = [
  ['SequentialRunner', () => new SequentialRunner()],
  ['AsyncRunner', () => new AsyncRunner()],
];

/** One node with two inputs and two outputs, declared in non-alphabetical order. */
function twoInTwoOut(): Pipeline {
  return new Pipeline([
    node((b: number, a: number) => [b + a, b - a], ['b', 'a'], ['y', 'x'], { name: 'n' }),
  ]);
}

/** prep → work → report, one dataset between each. */
function chain(): Pipeline {
  return new Pipeline([
    node((raw: number[]) => raw.map((v) => v * 2), 'raw', 'doubled', { name: 'prep' }),
    node((doubled: number[], k: number) => doubled.map((v) => v + k), ['doubled', 'params:k'], 'shifted', {
      name: 'work',
    }),
    node((shifted: number[]) => shifted.join(','), 'shifted', 'report', { name: 'report' }),
  ]);
}

function chainCatalog(): DataCatalog {
  return new DataCatalog({ parameters: { k: 1 } }).feed({ raw: [1, 2] });
}

for (const [runnerName, makeRunner] of runners) {
  for (const isAsync of [false, true]) {
    const label = `${runnerName}${isAsync ? ' (isAsync)' : ''}`;

    test(`${label}: loads in declared order, beforeNodeRun, afterNodeRun, saves in declared order`, async () => {
      const { result, recording } = await runWith(twoInTwoOut(), fed({ b: 5, a: 2 }), {
        runner: makeRunner(),
        isAsync,
      });
      assert.ok(result);
      assert.deepEqual(recording.events, [
        'beforePipelineRun',
        ...expectedBlock('n', ['b', 'a'], ['y', 'x']),
        'afterPipelineRun',
      ]);
      assert.deepEqual(result.outputs, { x: 3, y: 7 });
    });

    test(`${label}: a chain is the pipeline bracket around each node's block, in dependency order`, async () => {
      const { result, recording } = await runWith(chain(), chainCatalog(), { runner: makeRunner(), isAsync });
      assert.deepEqual(result?.outputs, { report: '3,5' });
      assert.deepEqual(recording.events, [
        'beforePipelineRun',
        ...expectedBlock('prep', ['raw'], ['doubled']),
        ...expectedBlock('work', ['doubled', 'params:k'], ['shifted']),
        ...expectedBlock('report', ['shifted'], ['report']),
        'afterPipelineRun',
      ]);
    });

    test(`${label}: a failing node's block ends with onNodeError (no afterNodeRun, no saves)`, async () => {
      const failing = new Pipeline([
        node(
          (b: number, a: number): number[] => {
            throw new Error(`boom ${b + a}`);
          },
          ['b', 'a'],
          ['y', 'x'],
          { name: 'n' },
        ),
      ]);
      const { error, recording } = await runWith(failing, fed({ b: 1, a: 2 }), {
        runner: makeRunner(),
        isAsync,
      });
      assert.equal(error?.message, 'boom 3');
      assert.deepEqual(recording.events, [
        'beforePipelineRun',
        'beforeDatasetLoaded n:b',
        'afterDatasetLoaded n:b',
        'beforeDatasetLoaded n:a',
        'afterDatasetLoaded n:a',
        'beforeNodeRun n',
        'onNodeError n',
        'onPipelineError',
      ]);
    });

    test(`${label}: a node without inputs has no load hooks, one without outputs no save hooks`, async () => {
      const sunk: number[] = [];
      const pipeline = new Pipeline([
        node(() => 42, null, 'answer', { name: 'source' }),
        node((answer: number) => void sunk.push(answer), 'answer', null, { name: 'sink' }),
      ]);
      const { recording } = await runWith(pipeline, new DataCatalog(), { runner: makeRunner(), isAsync });
      assert.deepEqual(sunk, [42]);
      assert.deepEqual(recording.events, [
        'beforePipelineRun',
        ...expectedBlock('source', [], ['answer']),
        ...expectedBlock('sink', ['answer'], []),
        'afterPipelineRun',
      ]);
    });
  }

  test(`${runnerName}: hook arguments carry the data, the inputs and outputs by dataset name, isAsync and the run id`, async () => {
    const seen: Record<string, unknown>[] = [];
    const spy: SluicePlugin = {
      name: 'spy',
      afterDatasetLoaded: ({ datasetName, data }) =>
        void seen.push({ hook: 'afterDatasetLoaded', datasetName, data }),
      beforeNodeRun: ({ inputs, isAsync, runId }) =>
        void seen.push({ hook: 'beforeNodeRun', inputs: { ...inputs }, isAsync, runId }),
      afterNodeRun: ({ inputs, outputs, isAsync, runId }) =>
        void seen.push({
          hook: 'afterNodeRun',
          inputs: { ...inputs },
          outputs: { ...outputs },
          isAsync,
          runId,
        }),
      beforeDatasetSaved: ({ datasetName, data }) =>
        void seen.push({ hook: 'beforeDatasetSaved', datasetName, data }),
      afterDatasetSaved: ({ datasetName, data }) =>
        void seen.push({ hook: 'afterDatasetSaved', datasetName, data }),
    };
    await runWith(twoInTwoOut(), fed({ b: 5, a: 2 }), {
      runner: makeRunner(),
      isAsync: true,
      plugins: [spy],
    });
    assert.deepEqual(seen, [
      { hook: 'afterDatasetLoaded', datasetName: 'b', data: 5 },
      { hook: 'afterDatasetLoaded', datasetName: 'a', data: 2 },
      { hook: 'beforeNodeRun', inputs: { b: 5, a: 2 }, isAsync: true, runId: 'test-run' },
      {
        hook: 'afterNodeRun',
        inputs: { b: 5, a: 2 },
        outputs: { y: 7, x: 3 },
        isAsync: true,
        runId: 'test-run',
      },
      { hook: 'beforeDatasetSaved', datasetName: 'y', data: 7 },
      { hook: 'afterDatasetSaved', datasetName: 'y', data: 7 },
      { hook: 'beforeDatasetSaved', datasetName: 'x', data: 3 },
      { hook: 'afterDatasetSaved', datasetName: 'x', data: 3 },
    ]);
  });

  test(`${runnerName}: asynchronous hook implementations keep the same order`, async () => {
    const order: string[] = [];
    const slowHook =
      (label: string) =>
      async ({ node: current }: { node: { name: string } }) => {
        await pause(1);
        order.push(`${label} ${current.name}`);
      };
    const asyncPlugin: SluicePlugin = {
      name: 'async-plugin',
      beforeDatasetLoaded: slowHook('beforeDatasetLoaded'),
      afterDatasetLoaded: slowHook('afterDatasetLoaded'),
      beforeNodeRun: slowHook('beforeNodeRun'),
      afterNodeRun: slowHook('afterNodeRun'),
      beforeDatasetSaved: slowHook('beforeDatasetSaved'),
      afterDatasetSaved: slowHook('afterDatasetSaved'),
    };
    const { recording } = await runWith(chain(), chainCatalog(), {
      runner: makeRunner(),
      plugins: [asyncPlugin],
    });
    // The recorder (called first) and the async plugin (called second, awaited) alternate.
    const recorded = recording.events.filter((event) => !event.includes('Pipeline'));
    assert.deepEqual(
      order,
      recorded.map((event) => event.replace(/:.*$/, '')),
    );
    assert.deepEqual(
      blockOf(recording.events, 'work'),
      expectedBlock('work', ['doubled', 'params:k'], ['shifted']),
    );
  });
}

test('isAsync loads a node’s inputs concurrently: the second load starts before the first ends', async () => {
  const timeline: Timeline = [];
  const catalog = new DataCatalog({
    datasets: {
      a: new SlowDataset('a', timeline, { data: 1, ms: 30 }),
      b: new SlowDataset('b', timeline, { data: 2, ms: 30 }),
    },
  });
  const pipeline = new Pipeline([node((a: number, b: number) => a + b, ['a', 'b'], 'sum', { name: 'add' })]);
  const { result, recording } = await runWith(pipeline, catalog, { isAsync: true });
  assert.deepEqual(result?.outputs, { sum: 3 });
  assert.deepEqual(
    timeline.slice(0, 2),
    ['load-start a', 'load-start b'],
    'both loads are in flight at once',
  );
  // Both loads were started in declared order, and everything on them precedes beforeNodeRun.
  const events = recording.events;
  assert.deepEqual(events.slice(1, 3), ['beforeDatasetLoaded add:a', 'beforeDatasetLoaded add:b']);
  const beforeRun = events.indexOf('beforeNodeRun add');
  for (const input of ['a', 'b']) {
    const before = events.indexOf(`beforeDatasetLoaded add:${input}`);
    const after = events.indexOf(`afterDatasetLoaded add:${input}`);
    assert.ok(before < after && after < beforeRun, `${input}: before < after < beforeNodeRun`);
  }
});

test('without isAsync the same loads run one after the other', async () => {
  const timeline: Timeline = [];
  const catalog = new DataCatalog({
    datasets: {
      a: new SlowDataset('a', timeline, { data: 1, ms: 5 }),
      b: new SlowDataset('b', timeline, { data: 2, ms: 5 }),
    },
  });
  const pipeline = new Pipeline([node((a: number, b: number) => a + b, ['a', 'b'], 'sum', { name: 'add' })]);
  await runWith(pipeline, catalog, { isAsync: false });
  assert.deepEqual(timeline, ['load-start a', 'load-end a', 'load-start b', 'load-end b']);
});

test('isAsync saves a node’s outputs concurrently, all after afterNodeRun', async () => {
  const timeline: Timeline = [];
  const catalog = new DataCatalog({
    datasets: {
      x: new SlowDataset('x', timeline, { ms: 30 }),
      y: new SlowDataset('y', timeline, { ms: 30 }),
    },
  }).feed({ v: 4 });
  const pipeline = new Pipeline([node((v: number) => [v, -v], 'v', ['x', 'y'], { name: 'fork' })]);
  const { recording } = await runWith(pipeline, catalog, { isAsync: true });
  assert.deepEqual(
    timeline.slice(0, 2),
    ['save-start x', 'save-start y'],
    'both saves are in flight at once',
  );
  const events = recording.events;
  const afterRun = events.indexOf('afterNodeRun fork');
  assert.deepEqual(events.slice(afterRun + 1, afterRun + 3), [
    'beforeDatasetSaved fork:x',
    'beforeDatasetSaved fork:y',
  ]);
  for (const output of ['x', 'y']) {
    const before = events.indexOf(`beforeDatasetSaved fork:${output}`);
    const after = events.indexOf(`afterDatasetSaved fork:${output}`);
    assert.ok(
      afterRun < before && before < after && after < events.indexOf('afterPipelineRun'),
      `${output} is bracketed`,
    );
  }
});

test('AsyncRunner: concurrent nodes interleave, but each node keeps its own block', async () => {
  const timeline: Timeline = [];
  const catalog = new DataCatalog({
    datasets: {
      left_in: new SlowDataset('left_in', timeline, { data: 1, ms: 20 }),
      right_in: new SlowDataset('right_in', timeline, { data: 2, ms: 20 }),
    },
  });
  const pipeline = new Pipeline([
    node(async (v: number) => (await pause(10), v), 'left_in', 'left_out', { name: 'left' }),
    node(async (v: number) => (await pause(10), v), 'right_in', 'right_out', { name: 'right' }),
  ]);
  const { result, recording } = await runWith(pipeline, catalog, { runner: new AsyncRunner() });
  assert.deepEqual(result?.outputs, { left_out: 1, right_out: 2 });
  assert.deepEqual(
    timeline.slice(0, 2),
    ['load-start left_in', 'load-start right_in'],
    'the two nodes run at once',
  );
  assert.deepEqual(blockOf(recording.events, 'left'), expectedBlock('left', ['left_in'], ['left_out']));
  assert.deepEqual(blockOf(recording.events, 'right'), expectedBlock('right', ['right_in'], ['right_out']));
  assert.equal(recording.events[0], 'beforePipelineRun');
  assert.equal(recording.events.at(-1), 'afterPipelineRun');
});

test('pipeline hooks fire exactly once per run, before and after every node hook', async () => {
  for (const [, makeRunner] of runners) {
    const { recording } = await runWith(chain(), chainCatalog(), { runner: makeRunner() });
    assert.equal(count(recording.events, 'beforePipelineRun'), 1);
    assert.equal(count(recording.events, 'afterPipelineRun'), 1);
    assert.equal(count(recording.events, 'onPipelineError'), 0);
    assert.equal(recording.events.indexOf('beforePipelineRun'), 0);
    assert.equal(recording.events.indexOf('afterPipelineRun'), recording.events.length - 1);
  }
});

test('a plugin registered during beforePipelineRun receives every node and dataset hook of the run', async () => {
  const hooks = createHookManager();
  const late = recorder('late');
  hooks.register({
    name: 'registrar',
    beforePipelineRun: () => void hooks.register(late.plugin),
  } satisfies SluicePlugin);
  await runWith(chain(), chainCatalog(), { hooks });
  assert.deepEqual(late.events, [
    ...expectedBlock('prep', ['raw'], ['doubled']),
    ...expectedBlock('work', ['doubled', 'params:k'], ['shifted']),
    ...expectedBlock('report', ['shifted'], ['report']),
    'afterPipelineRun',
  ]);
});

test('a plugin unregistered during beforePipelineRun, or blocked, receives no node hook', async () => {
  const hooks = createHookManager();
  const leaving = recorder('leaving');
  const blocked = recorder('blocked');
  hooks.register(leaving.plugin);
  hooks.register(blocked.plugin);
  hooks.block('blocked');
  hooks.register({
    name: 'remover',
    beforePipelineRun: () => void hooks.unregister('leaving'),
  } satisfies SluicePlugin);
  const { recording } = await runWith(chain(), chainCatalog(), { hooks });
  // The call in progress keeps its list (as in pluggy); every later hook leaves the plugin out.
  assert.deepEqual(leaving.events, ['beforePipelineRun']);
  assert.deepEqual(blocked.events, []);
  assert.deepEqual(recording.events, [
    'beforePipelineRun',
    ...expectedBlock('prep', ['raw'], ['doubled']),
    ...expectedBlock('work', ['doubled', 'params:k'], ['shifted']),
    ...expectedBlock('report', ['shifted'], ['report']),
    'afterPipelineRun',
  ]);
});

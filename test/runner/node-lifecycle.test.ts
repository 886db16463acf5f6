/**
 * The node lifecycle points: `onNodeStart` and `onNodeEnd` bracket all of a node's attempts, once
 * each, with `onNodeEnd` after the last save (success) or after `onNodeError` (failure). And a
 * plugin's failure is the plugin's: no retry, no `onNodeError`, the run stops naming the plugin.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { Runner, SluicePlugin } from '../../src/index.ts';
import {
  AsyncRunner,
  DataCatalog,
  MemoryDataset,
  node,
  Pipeline,
  PluginHookError,
  SequentialRunner,
} from '../../src/index.ts';
import { count, fed, runWith } from './helpers.ts';

const runners: [string, () => Runner][] = [
  ['SequentialRunner', () => new SequentialRunner()],
  ['AsyncRunner', () => new AsyncRunner()],
];

interface Ended {
  node: string;
  error: string | undefined;
  attempts: number;
  durationMs: number;
}

/** Records the lifecycle points and the per-attempt hooks in one list. */
function lifecycle(events: string[], ended: Ended[] = []): SluicePlugin {
  return {
    name: 'lifecycle',
    onNodeStart: ({ node }) => void events.push(`onNodeStart ${node.name}`),
    onNodeEnd: ({ node, error, attempts, durationMs }) => {
      events.push(`onNodeEnd ${node.name}`);
      ended.push({ node: node.name, error: error?.message, attempts, durationMs });
    },
    onNodeRetry: ({ node, attempt }) => void events.push(`onNodeRetry ${node.name} ${attempt}`),
    onNodeError: ({ node }) => void events.push(`onNodeError ${node.name}`),
    beforeNodeRun: ({ node }) => void events.push(`beforeNodeRun ${node.name}`),
    afterDatasetSaved: ({ node, datasetName }) =>
      void events.push(`afterDatasetSaved ${node.name}:${datasetName}`),
  };
}

/** A node that fails its first `failures` calls, then doubles its input into `out` and `copy`. */
function flaky(failures: number, retries: number): { pipeline: Pipeline; calls: () => number } {
  let calls = 0;
  const pipeline = new Pipeline([
    node(
      (x: number) => {
        calls++;
        if (calls <= failures) throw new Error(`attempt ${calls} failed`);
        return [x * 2, x * 2];
      },
      'x',
      ['out', 'copy'],
      { name: 'flaky', retries: { max: retries } },
    ),
    node((out: number) => out + 1, 'out', 'next', { name: 'next' }),
  ]);
  return { pipeline, calls: () => calls };
}

for (const [runnerName, makeRunner] of runners) {
  test(`${runnerName}: onNodeStart and onNodeEnd bracket every attempt once; onNodeEnd follows the last save`, async () => {
    const events: string[] = [];
    const ended: Ended[] = [];
    const { pipeline } = flaky(2, 3);
    const { error } = await runWith(pipeline, fed({ x: 4 }), {
      runner: makeRunner(),
      plugins: [lifecycle(events, ended)],
    });
    assert.equal(error, undefined);
    const flakyEvents = events.filter((event) => event.includes('flaky'));
    assert.deepEqual(flakyEvents, [
      'onNodeStart flaky',
      'beforeNodeRun flaky',
      'onNodeRetry flaky 1',
      'beforeNodeRun flaky',
      'onNodeRetry flaky 2',
      'beforeNodeRun flaky',
      'afterDatasetSaved flaky:out',
      'afterDatasetSaved flaky:copy',
      'onNodeEnd flaky',
    ]);
    assert.deepEqual(
      ended.map(({ node, error, attempts }) => ({ node, error, attempts })),
      [
        { node: 'flaky', error: undefined, attempts: 3 },
        { node: 'next', error: undefined, attempts: 1 },
      ],
    );
    assert.ok(ended.every((entry) => entry.durationMs >= 0));
    assert.ok(
      events.indexOf('onNodeEnd flaky') < events.indexOf('onNodeStart next'),
      'a node ends before its child starts',
    );
  });

  test(`${runnerName}: a node that fails for good ends once, after onNodeError, with its error`, async () => {
    const events: string[] = [];
    const ended: Ended[] = [];
    const { pipeline, calls } = flaky(5, 1);
    const { error } = await runWith(pipeline, fed({ x: 4 }), {
      runner: makeRunner(),
      plugins: [lifecycle(events, ended)],
    });
    assert.equal(error?.message, 'attempt 2 failed');
    assert.equal(calls(), 2);
    assert.deepEqual(events.slice(-2), ['onNodeError flaky', 'onNodeEnd flaky']);
    assert.deepEqual(
      ended.map(({ node, error, attempts }) => ({ node, error, attempts })),
      [{ node: 'flaky', error: 'attempt 2 failed', attempts: 2 }],
    );
    assert.equal(count(events, 'onNodeStart next'), 0, 'the child never starts');
  });

  test(`${runnerName}: a failed load and a failed save end the node too`, async () => {
    for (const broken of ['load', 'save'] as const) {
      const events: string[] = [];
      const ended: Ended[] = [];
      const catalog = new DataCatalog().feed({ x: 1 });
      const failing = new MemoryDataset('out');
      if (broken === 'load')
        catalog.add(
          'x',
          {
            load: () => Promise.reject(new Error('no x')),
            save() {},
            describe: () => ({ type: 'test' }),
          } as never,
          { replace: true },
        );
      else
        failing.save = () => {
          throw new Error('disk full');
        };
      catalog.add('out', failing, { replace: true });
      const { error } = await runWith(
        new Pipeline([node((x: number) => x, 'x', 'out', { name: 'one' })]),
        catalog,
        { runner: makeRunner(), plugins: [lifecycle(events, ended)] },
      );
      assert.equal(error?.message, broken === 'load' ? 'no x' : 'disk full');
      assert.deepEqual(events.slice(-2), ['onNodeError one', 'onNodeEnd one'], broken);
      assert.equal(ended[0]?.error, error?.message);
    }
  });
}

test('a throwing onNodeError or onNodeRetry implementation is a PluginHookError naming the plugin and hook', async () => {
  for (const hook of ['onNodeError', 'onNodeRetry'] as const) {
    const broken = {
      name: 'broken-reporter',
      [hook]: () => {
        throw new Error('reporter down');
      },
    } as SluicePlugin;
    const events: string[] = [];
    const { pipeline, calls } = flaky(5, hook === 'onNodeRetry' ? 2 : 0);
    const { error, recording } = await runWith(pipeline, fed({ x: 1 }), {
      plugins: [lifecycle(events), broken],
      continueOnFailure: true,
    });
    assert.ok(error instanceof PluginHookError, `${hook}: got ${String(error)}`);
    assert.equal(error.pluginName, 'broken-reporter');
    assert.equal(error.hookName, hook);
    assert.match(error.message, /Plugin "broken-reporter" failed in on\w+ of node "flaky": reporter down/);
    assert.equal(calls(), 1, `${hook}: the node's function is not called again after the plugin failed`);
    assert.equal(count(recording.events, 'onPipelineError'), 1);
    assert.deepEqual(
      events.filter((event) => event.startsWith('onNodeEnd')),
      ['onNodeEnd flaky'],
      'the node still ends once',
    );
  }
});

test('an async plugin failure is attributed too', async () => {
  const broken: SluicePlugin = {
    name: 'async-broken',
    afterNodeRun: async () => {
      await Promise.resolve();
      throw new Error('later');
    },
  };
  const { error } = await runWith(flaky(0, 2).pipeline, fed({ x: 1 }), {
    plugins: [broken],
    runner: new AsyncRunner(),
  });
  assert.ok(error instanceof PluginHookError, String(error));
  assert.equal(error.message, 'Plugin "async-broken" failed in afterNodeRun of node "flaky": later');
  assert.equal((error.cause as Error).message, 'later');
});

test('a failing onNodeEnd does not hide the node failure it was told about', async () => {
  const broken: SluicePlugin = {
    name: 'end-broken',
    onNodeEnd: () => {
      throw new Error('end hook down');
    },
  };
  const { error } = await runWith(flaky(5, 0).pipeline, fed({ x: 1 }), { plugins: [broken] });
  assert.equal(error?.message, 'attempt 1 failed');
});

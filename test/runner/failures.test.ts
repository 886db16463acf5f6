/**
 * Every way a run can fail reaches `onPipelineError` exactly once and then propagates; load and
 * save failures reach `onNodeError` too. Cancellation is in cancellation.test.ts.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { Runner, SluicePlugin } from '../../src/index.ts';
import {
  AsyncRunner,
  DataCatalog,
  MissingInputsError,
  node,
  Pipeline,
  PluginHookError,
  SequentialRunner,
} from '../../src/index.ts';
import type { Timeline } from './helpers.ts';
import { blockOf, BrokenDataset, count, fed, pause, runWith, SlowDataset } from './helpers.ts';

const runners: [string, () => Runner][] = [
  ['SequentialRunner', () => new SequentialRunner()],
  ['AsyncRunner', () => new AsyncRunner()],
];

/** first → second → third through memory datasets. */
function threeSteps(fail?: string): Pipeline {
  const step = (name: string) => (value: number) => {
    if (name === fail) throw new Error(`${name} broke`);
    return value + 1;
  };
  return new Pipeline([
    node(step('first'), 'start', 'one', { name: 'first' }),
    node(step('second'), 'one', 'two', { name: 'second' }),
    node(step('third'), 'two', 'three', { name: 'third' }),
  ]);
}

/** The single error each error hook received, checking there was exactly one onPipelineError. */
function onlyPipelineError(recording: { events: string[]; errors: { hook: string; error: Error }[] }): Error {
  assert.equal(count(recording.events, 'onPipelineError'), 1, 'onPipelineError fires exactly once');
  assert.equal(recording.events.at(-1), 'onPipelineError', 'and it is the last event');
  assert.equal(count(recording.events, 'afterPipelineRun'), 0);
  return recording.errors.find((entry) => entry.hook === 'onPipelineError')!.error;
}

for (const [runnerName, makeRunner] of runners) {
  test(`${runnerName}: a node error reaches onNodeError with the node, then onPipelineError once, then propagates`, async () => {
    const { error, recording, state } = await runWith(threeSteps('second'), fed({ start: 0 }), {
      runner: makeRunner(),
    });
    assert.equal(error?.message, 'second broke');
    assert.equal(onlyPipelineError(recording), error, 'onPipelineError gets the very error that propagates');
    const nodeErrors = recording.errors.filter((entry) => entry.hook === 'onNodeError');
    assert.deepEqual(
      nodeErrors.map((entry) => [entry.node, entry.error]),
      [['second', error]],
    );
    assert.deepEqual(blockOf(recording.events, 'third'), [], 'nothing after the failed node starts');
    assert.deepEqual(state.completed, ['first']);
    assert.deepEqual(
      state.failed.map((failure) => failure.nodeName),
      ['second'],
    );
  });

  for (const sync of [true, false]) {
    const how = sync ? 'synchronous' : 'asynchronous';

    test(`${runnerName}: a ${how} load error reaches onNodeError (no beforeNodeRun) and onPipelineError once`, async () => {
      const timeline: Timeline = [];
      const catalog = new DataCatalog({
        datasets: {
          bad: sync
            ? new BrokenDataset('bad', 'load')
            : new SlowDataset('bad', timeline, { ms: 1, failLoad: true }),
        },
      });
      const pipeline = new Pipeline([node((v: number) => v, 'bad', 'out', { name: 'reader' })]);
      const { error, recording } = await runWith(pipeline, catalog, { runner: makeRunner() });
      assert.match(error?.message ?? '', /bad (cannot be loaded|load failed)/);
      assert.deepEqual(recording.events, [
        'beforePipelineRun',
        'beforeDatasetLoaded reader:bad',
        'onNodeError reader',
        'onPipelineError',
      ]);
      assert.equal(recording.errors[0]?.node, 'reader');
      assert.equal(recording.errors[0]?.error, error);
      assert.equal(onlyPipelineError(recording), error);
    });

    test(`${runnerName}: a ${how} save error reaches onNodeError (after afterNodeRun) and onPipelineError once`, async () => {
      const timeline: Timeline = [];
      const catalog = new DataCatalog({
        datasets: {
          bad: sync
            ? new BrokenDataset('bad', 'save')
            : new SlowDataset('bad', timeline, { ms: 1, failSave: true }),
        },
      }).feed({ v: 1 });
      const pipeline = new Pipeline([node((v: number) => v, 'v', 'bad', { name: 'writer' })]);
      const { error, recording } = await runWith(pipeline, catalog, { runner: makeRunner() });
      assert.match(error?.message ?? '', /bad (cannot be saved|save failed)/);
      assert.deepEqual(recording.events, [
        'beforePipelineRun',
        'beforeDatasetLoaded writer:v',
        'afterDatasetLoaded writer:v',
        'beforeNodeRun writer',
        'afterNodeRun writer',
        'beforeDatasetSaved writer:bad',
        'onNodeError writer',
        'onPipelineError',
      ]);
      assert.equal(recording.errors[0]?.node, 'writer');
      assert.equal(onlyPipelineError(recording), error);
    });
  }

  test(`${runnerName}: an error thrown by beforePipelineRun reaches onPipelineError once; no node runs`, async () => {
    let ran = false;
    const pipeline = new Pipeline([node(() => (ran = true), null, 'x', { name: 'n' })]);
    const refuse: SluicePlugin = {
      name: 'refuse',
      beforePipelineRun: () => {
        throw new Error('not today');
      },
    };
    const { error, recording } = await runWith(pipeline, new DataCatalog(), {
      runner: makeRunner(),
      plugins: [refuse],
    });
    assert.equal(error?.message, 'not today');
    assert.equal(ran, false);
    // The recorder was called first, so its beforePipelineRun is recorded; then the error.
    assert.deepEqual(recording.events, ['beforePipelineRun', 'onPipelineError']);
    assert.equal(onlyPipelineError(recording), error);
  });

  test(`${runnerName}: an error thrown by afterPipelineRun reaches onPipelineError once, after every node`, async () => {
    const grumpy: SluicePlugin = {
      name: 'grumpy',
      afterPipelineRun: () => {
        throw new Error('after failed');
      },
    };
    const { error, recording, state } = await runWith(threeSteps(), fed({ start: 0 }), {
      runner: makeRunner(),
      plugins: [grumpy],
    });
    assert.equal(error?.message, 'after failed');
    assert.deepEqual(state.completed, ['first', 'second', 'third']);
    assert.equal(
      recording.events.at(-2),
      'afterPipelineRun',
      'the recorder saw afterPipelineRun before the grumpy plugin threw',
    );
    assert.equal(count(recording.events, 'onPipelineError'), 1);
    assert.equal(recording.events.at(-1), 'onPipelineError');
    assert.equal(recording.errors.at(-1)?.error, error);
  });

  test(`${runnerName}: an async afterPipelineRun rejection is handled the same way`, async () => {
    const grumpy: SluicePlugin = {
      name: 'grumpy',
      afterPipelineRun: async () => {
        await pause(1);
        throw new Error('after rejected');
      },
    };
    const { error, recording } = await runWith(threeSteps(), fed({ start: 0 }), {
      runner: makeRunner(),
      plugins: [grumpy],
    });
    assert.equal(error?.message, 'after rejected');
    assert.equal(count(recording.events, 'onPipelineError'), 1);
  });

  test(`${runnerName}: a missing free input is a MissingInputsError before any node hook, reaching onPipelineError once`, async () => {
    const pipeline = new Pipeline([
      node((a: number, b: number) => a + b, ['present', 'zeta_missing'], 'x', { name: 'n1' }),
      node((x: number, p: number) => x + p, ['x', 'params:nope'], 'y', { name: 'n2' }),
      node((a: number) => a, 'alpha_missing', 'z', { name: 'n3' }),
    ]);
    const catalog = new DataCatalog({ parameters: { yes: 1 } }).feed({ present: 1 });
    const { error, recording } = await runWith(pipeline, catalog, { runner: makeRunner() });
    assert.ok(error instanceof MissingInputsError, `got ${String(error)}`);
    assert.deepEqual(error.datasets, ['alpha_missing', 'params:nope', 'zeta_missing']);
    // Each missing input with the node that reads it (no name is close enough to suggest).
    assert.equal(
      error.message,
      'The run needs 3 inputs that nothing provides:\n' +
        `  - Node "n3" reads "alpha_missing", which no node of this run produces and the catalog doesn't declare.\n` +
        '  - Node "n2" reads "params:nope", but no parameter "nope" exists.\n' +
        `  - Node "n1" reads "zeta_missing", which no node of this run produces and the catalog doesn't declare.`,
    );
    assert.deepEqual(recording.events, ['beforePipelineRun', 'onPipelineError']);
    assert.equal(recording.errors[0]?.error, error);
  });

  test(`${runnerName}: a thrown non-Error is wrapped into an Error that both error hooks receive`, async () => {
    const pipeline = new Pipeline([
      node(
        () => {
          throw 'a bare string';
        },
        null,
        'x',
        { name: 'bare' },
      ),
    ]);
    const { error, recording } = await runWith(pipeline, new DataCatalog(), { runner: makeRunner() });
    assert.ok(error instanceof Error);
    assert.equal(error.message, 'a bare string');
    assert.deepEqual(
      recording.errors.map((entry) => entry.error),
      [error, error],
    );
  });

  test(`${runnerName}: an error thrown by a node or dataset hook fails the run as the plugin's, not the node's`, async () => {
    for (const hook of [
      'onNodeStart',
      'beforeDatasetLoaded',
      'afterDatasetLoaded',
      'beforeNodeRun',
      'afterNodeRun',
      'beforeDatasetSaved',
      'afterDatasetSaved',
      'onNodeEnd',
    ]) {
      const thrower = {
        name: 'thrower',
        [hook]: () => {
          throw new Error(`${hook} hook broke`);
        },
      } as SluicePlugin;
      let calls = 0;
      const pipeline = threeSteps();
      const counted = new Pipeline(
        pipeline.nodes.map((each) =>
          each.name === 'first'
            ? node(
                (start: number) => {
                  calls++;
                  return start + 1;
                },
                'start',
                'one',
                { name: 'first', retries: { max: 2 } },
              )
            : each,
        ),
      );
      const { error, recording } = await runWith(counted, fed({ start: 0 }), {
        runner: makeRunner(),
        plugins: [thrower],
        continueOnFailure: true,
      });
      assert.ok(error instanceof PluginHookError, `${hook}: got ${String(error)}`);
      assert.equal(error.message, `Plugin "thrower" failed in ${hook} of node "first": ${hook} hook broke`);
      assert.equal(error.pluginName, 'thrower');
      assert.equal(error.hookName, hook);
      assert.ok(
        calls <= 1,
        `${hook}: the node's function ran ${calls} times; a plugin error never retries it`,
      );
      assert.equal(count(recording.events, 'onNodeRetry first'), 0, hook);
      assert.equal(
        count(recording.events, 'onNodeError first'),
        0,
        `${hook}: not reported as the node's failure`,
      );
      assert.equal(onlyPipelineError(recording), error, hook);
      assert.deepEqual(
        blockOf(recording.events, 'second'),
        [],
        `${hook}: the next node never starts, even with continueOnFailure`,
      );
    }
  });
}

test('AsyncRunner: on a failure, nodes already running settle before onPipelineError; nothing new starts', async () => {
  const pipeline = new Pipeline([
    node(
      async (): Promise<number> => {
        await pause(5);
        throw new Error('fast failure');
      },
      null,
      'a',
      { name: 'fails_fast' },
    ),
    node(async () => (await pause(40), 1), null, 'b', { name: 'slow_ok' }),
    node((b: number) => b, 'b', 'c', { name: 'after_slow' }),
  ]);
  const { error, recording, state } = await runWith(pipeline, new DataCatalog(), {
    runner: new AsyncRunner(),
  });
  assert.equal(error?.message, 'fast failure');
  const events = recording.events;
  assert.ok(
    events.indexOf('onNodeError fails_fast') < events.indexOf('afterNodeRun slow_ok'),
    'slow_ok finished after the failure',
  );
  assert.ok(
    events.indexOf('afterDatasetSaved slow_ok:b') < events.indexOf('onPipelineError'),
    'and settled before onPipelineError',
  );
  assert.deepEqual(blockOf(events, 'after_slow'), [], 'its child was never started');
  assert.deepEqual(state.completed, ['slow_ok']);
  assert.equal(count(events, 'onPipelineError'), 1);
});

test('the first failure wins when two running nodes fail (AsyncRunner); both reach onNodeError', async () => {
  const failAfter = (ms: number, message: string) => async (): Promise<number> => {
    await pause(ms);
    throw new Error(message);
  };
  const pipeline = new Pipeline([
    node(failAfter(5, 'first to fail'), null, 'a', { name: 'early' }),
    node(failAfter(25, 'second to fail'), null, 'b', { name: 'late' }),
  ]);
  const { error, recording } = await runWith(pipeline, new DataCatalog(), { runner: new AsyncRunner() });
  assert.equal(error?.message, 'first to fail');
  assert.deepEqual(
    recording.errors.map((entry) => `${entry.hook} ${entry.error.message}`),
    ['onNodeError first to fail', 'onNodeError second to fail', 'onPipelineError first to fail'],
  );
});

test('isAsync: a failing load settles its sibling loads before onNodeError (the block stays bracketed)', async () => {
  const timeline: Timeline = [];
  const catalog = new DataCatalog({
    datasets: {
      bad: new SlowDataset('bad', timeline, { ms: 1, failLoad: true }),
      slow: new SlowDataset('slow', timeline, { ms: 30, data: 1 }),
    },
  });
  const pipeline = new Pipeline([
    node((a: number, b: number) => a + b, ['bad', 'slow'], 'out', { name: 'n' }),
  ]);
  const { error, recording } = await runWith(pipeline, catalog, { isAsync: true });
  assert.match(error?.message ?? '', /bad load failed/);
  await pause(50);
  assert.equal(
    recording.events.at(-1),
    'onPipelineError',
    `no event may follow onPipelineError: ${recording.events.join(' | ')}`,
  );
  assert.ok(
    recording.events.indexOf('afterDatasetLoaded n:slow') < recording.events.indexOf('onNodeError n'),
  );
});

test('isAsync: a failing save settles its sibling saves before onNodeError (the block stays bracketed)', async () => {
  const timeline: Timeline = [];
  const catalog = new DataCatalog({
    datasets: {
      bad: new SlowDataset('bad', timeline, { ms: 1, failSave: true }),
      slow: new SlowDataset('slow', timeline, { ms: 30 }),
    },
  }).feed({ v: 1 });
  const pipeline = new Pipeline([node((v: number) => [v, v], 'v', ['bad', 'slow'], { name: 'n' })]);
  const { error, recording } = await runWith(pipeline, catalog, { isAsync: true });
  assert.match(error?.message ?? '', /bad save failed/);
  await pause(50);
  assert.equal(
    recording.events.at(-1),
    'onPipelineError',
    `no event may follow onPipelineError: ${recording.events.join(' | ')}`,
  );
});

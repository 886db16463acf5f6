/**
 * The `nodeSkip` hook: a first-result spec asked before anything else of a node. A skipped node
 * fires `onNodeSkipped` and no other node hook, its served outputs are saved through the normal
 * save path (dataset hooks fire), its children run on them, and it counts as skipped, not
 * completed. In-memory outputs must be served.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { Runner, SluicePlugin } from '../../src/index.ts';
import {
  AsyncRunner,
  createHookManager,
  node,
  NodeSkipError,
  Pipeline,
  PluginHookError,
  SequentialRunner,
} from '../../src/index.ts';
import { blockOf, fed, runWith } from './helpers.ts';

const runners: [string, () => Runner][] = [
  ['SequentialRunner', () => new SequentialRunner()],
  ['AsyncRunner', () => new AsyncRunner()],
];

/** a: x → y (memory), b: y → z (memory). */
function chain(calls: string[]): Pipeline {
  return new Pipeline([
    node(
      (x: number) => {
        calls.push('a');
        return x + 1;
      },
      'x',
      'y',
      { name: 'a' },
    ),
    node(
      (y: number) => {
        calls.push('b');
        return y * 10;
      },
      'y',
      'z',
      { name: 'b' },
    ),
  ]);
}

/** Records the node lifecycle hooks the shared recorder doesn't. */
function lifecycle(events: string[]): SluicePlugin {
  return {
    name: 'lifecycle',
    onNodeStart: ({ node }) => void events.push(`onNodeStart ${node.name}`),
    onNodeEnd: ({ node }) => void events.push(`onNodeEnd ${node.name}`),
    onNodeSkipped: ({ node, reason, runId }) =>
      void events.push(`onNodeSkipped ${node.name} ${reason} ${runId}`),
    nodeRetryPolicy: ({ node }) => void events.push(`nodeRetryPolicy ${node.name}`),
  };
}

for (const [runnerName, makeRunner] of runners) {
  test(`${runnerName}: a skipped node fires onNodeSkipped and no other node hook; its served output is saved and read downstream`, async () => {
    const calls: string[] = [];
    const events: string[] = [];
    const skipper: SluicePlugin = {
      name: 'skipper',
      nodeSkip: ({ node, catalog, runId }) => {
        assert.ok(catalog.has('x'));
        assert.equal(runId, 'test-run');
        return node.name === 'a' ? { reason: 'cached', outputs: { y: 41 } } : undefined;
      },
    };
    const { result, recording, state, error } = await runWith(chain(calls), fed({ x: 1 }), {
      runner: makeRunner(),
      plugins: [skipper, lifecycle(events)],
    });
    assert.equal(error, undefined);
    assert.deepEqual(calls, ['b'], 'only b ran');
    assert.deepEqual(result?.outputs, { z: 410 }, 'b read the served y');
    // The skipped node's block: its served save, and nothing else of the node hooks.
    assert.deepEqual(blockOf(recording.events, 'a'), ['beforeDatasetSaved a:y', 'afterDatasetSaved a:y']);
    assert.deepEqual(blockOf(events, 'a'), ['onNodeSkipped a cached test-run']);
    assert.deepEqual(blockOf(events, 'b'), ['onNodeStart b', 'nodeRetryPolicy b', 'onNodeEnd b']);
    assert.deepEqual(result?.completedNodes, ['b']);
    assert.deepEqual(result?.skippedNodes, ['a']);
    assert.deepEqual(state.upToDate, ['a'], 'a skipped node counts as done');
  });

  test(`${runnerName}: nodeSkip stops at the first result, last-registered first`, async () => {
    const asked: string[] = [];
    const events: string[] = [];
    const first: SluicePlugin = {
      name: 'first',
      nodeSkip: ({ node }) => {
        asked.push(`first ${node.name}`);
        return { reason: 'from first', outputs: { [node.outputs[0]!]: 7 } };
      },
    };
    const second: SluicePlugin = {
      name: 'second',
      nodeSkip: ({ node }) => {
        asked.push(`second ${node.name}`);
        return node.name === 'b' ? { reason: 'from second', outputs: { z: 8 } } : undefined;
      },
    };
    const { result, error } = await runWith(chain([]), fed({ x: 1 }), {
      runner: makeRunner(),
      plugins: [first, second, lifecycle(events)],
    });
    assert.equal(error, undefined);
    // second (registered last) is asked first; for b it answers, so first is never asked.
    assert.deepEqual(asked, ['second a', 'first a', 'second b']);
    assert.deepEqual(
      events.filter((event) => event.startsWith('onNodeSkipped')),
      ['onNodeSkipped a from first test-run', 'onNodeSkipped b from second test-run'],
    );
    assert.deepEqual(result?.outputs, { z: 8 });
    assert.deepEqual(result?.completedNodes, []);
  });

  test(`${runnerName}: a skip that leaves an in-memory output unserved fails the run, naming node and dataset`, async () => {
    const calls: string[] = [];
    const events: string[] = [];
    const careless: SluicePlugin = {
      name: 'careless',
      nodeSkip: ({ node }) => (node.name === 'a' ? { reason: 'up to date' } : undefined),
    };
    const { error } = await runWith(chain(calls), fed({ x: 1 }), {
      runner: makeRunner(),
      plugins: [careless, lifecycle(events)],
    });
    assert.ok(error instanceof PluginHookError, String(error));
    assert.equal(error.hookName, 'nodeSkip');
    assert.ok(error.cause instanceof NodeSkipError);
    assert.match(error.message, /node "a" without serving its in-memory output "y"/);
    assert.deepEqual(calls, [], 'b never ran on missing data');
    assert.deepEqual(events, [], 'the node neither started nor was reported skipped');
  });
}

test('a served output that is not one of the node outputs is refused', async () => {
  const hooks = createHookManager();
  const { error } = await runWith(chain([]), fed({ x: 1 }), {
    hooks,
    plugins: [{ name: 'wrong', nodeSkip: () => ({ reason: 'x', outputs: { y: 1, nope: 2 } }) }],
  });
  assert.ok(error instanceof PluginHookError);
  assert.match(error.message, /served "nope", which is not an output of node "a"/);
});

test('with no nodeSkip implementation the hook is inactive, so runNode pays one property read', () => {
  const hooks = createHookManager();
  assert.equal(hooks.hook.nodeSkip.active, false);
  hooks.register({ name: 'p', onNodeSkipped: () => {} });
  assert.equal(hooks.hook.nodeSkip.active, false);
  hooks.register({ name: 'q', nodeSkip: () => undefined });
  assert.equal(hooks.hook.nodeSkip.active, true);
});

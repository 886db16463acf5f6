/**
 * What the pipeline model does for step hooks: the options on nodes, pipeline defaults that
 * remember they are defaults, and the `nodeRetryPolicy` hook through which configuration sets a
 * node's retries without touching the node.
 */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import {
  createHookManager,
  DataCatalog,
  definePlugin,
  node,
  Pipeline,
  pipeline,
  runNode,
} from '../../src/index.ts';
import type { StepFailureContext, StepHookContext } from '../../src/index.ts';

const identity = (x: number) => x;
const onFailure = (context: StepFailureContext) => void context.error.message;
const anyOutcome = (context: StepHookContext) => void context.outcome;

test('node() keeps step hooks in its options; a hook typed for any outcome fits every slot', () => {
  const n = node(identity, 'a', 'b', {
    name: 'n',
    onFailure,
    onSuccess: [anyOutcome, './src/hooks.ts#done'],
    onRetry: anyOutcome,
  });
  assert.equal(n.options.onFailure, onFailure);
  assert.deepEqual(n.options.onSuccess, [anyOutcome, './src/hooks.ts#done']);
  assert.equal(n.options.inheritedBehaviour, undefined);
});

test('withNodeDefaults fills what a node does not set and records it as inherited', () => {
  const own = node(identity, 'a', 'b', { name: 'own', onFailure, retries: { max: 5 } });
  const plain = node(identity, 'b', 'c', { name: 'plain' });
  const p = new Pipeline([own, plain]).withNodeDefaults({
    onFailure: anyOutcome,
    retries: { max: 1 },
    onSuccess: undefined,
  });
  assert.equal(p.getNode('own').options.onFailure, onFailure);
  assert.equal(p.getNode('own').options.retries?.max, 5);
  assert.equal(p.getNode('own'), own, 'a node with all its own options is kept as is');
  assert.equal(p.getNode('plain').options.onFailure, anyOutcome);
  assert.deepEqual(p.getNode('plain').options.inheritedBehaviour, ['onFailure', 'retries']);
});

test('an inner pipeline default wins over an outer one, and the modular factory uses the same rule', () => {
  const inner = new Pipeline([node(identity, 'a', 'b', { name: 'n' })]).withNodeDefaults({ onFailure });
  const outer = pipeline(inner, {
    namespace: 'ns',
    nodeDefaults: { onFailure: anyOutcome, onRetry: anyOutcome },
  });
  const n = outer.getNode('ns.n');
  assert.equal(n.options.onFailure, onFailure);
  assert.equal(n.options.onRetry, anyOutcome);
  assert.deepEqual(n.options.inheritedBehaviour, ['onFailure', 'onRetry']);
});

test('withChanges on an inherited option makes it the node own option', () => {
  const p = new Pipeline([node(identity, 'a', 'b', { name: 'n' })]).withNodeDefaults({
    onFailure,
    onSuccess: anyOutcome,
  });
  const changed = p.getNode('n').withChanges({ onFailure: anyOutcome });
  assert.deepEqual(changed.options.inheritedBehaviour, ['onSuccess']);
  const renamed = p.getNode('n').withChanges({ namespace: 'x' });
  assert.deepEqual(renamed.options.inheritedBehaviour, ['onFailure', 'onSuccess']);
});

test('nodeRetryPolicy replaces node.options.retries for the run; nothing returned keeps it', async () => {
  let calls = 0;
  const flaky = () => {
    calls++;
    if (calls < 3) throw new Error(`attempt ${calls}`);
    return 1;
  };
  const retries: string[] = [];
  const hooks = createHookManager();
  hooks.register(
    definePlugin({
      name: 'configured-retries',
      nodeRetryPolicy: ({ node }) => (node.name === 'flaky' ? { max: 2 } : undefined),
      onNodeRetry: ({ attempt }) => void retries.push(`retry ${attempt}`),
    }),
  );
  const target = node(flaky, undefined, 'out', { name: 'flaky' });
  const outputs = await runNode(target, { catalog: new DataCatalog(), hooks, runId: 'r', isAsync: false });
  assert.deepEqual(outputs, { out: 1 });
  assert.deepEqual(retries, ['retry 1', 'retry 2']);

  calls = 0;
  const other = node(flaky, undefined, 'out', { name: 'other', retries: { max: 0 } });
  await assert.rejects(
    runNode(other, { catalog: new DataCatalog(), hooks, runId: 'r', isAsync: false }),
    /attempt 1/,
  );
});

test('an async nodeRetryPolicy is awaited', async () => {
  let calls = 0;
  const hooks = createHookManager();
  hooks.register({ name: 'async-policy', nodeRetryPolicy: async () => ({ max: 1 }) });
  const target = node(
    () => {
      if (++calls === 1) throw new Error('first');
      return 2;
    },
    undefined,
    'out',
    { name: 't' },
  );
  assert.deepEqual(await runNode(target, { catalog: new DataCatalog(), hooks, runId: 'r', isAsync: false }), {
    out: 2,
  });
});

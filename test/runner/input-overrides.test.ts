/** `beforeNodeRun` results replace a node's inputs: merged in call order, checked, reported. */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { SluicePlugin } from '../../src/index.ts';
import {
  AsyncRunner,
  createHookManager,
  InputOverrideError,
  node,
  Pipeline,
  runNode,
} from '../../src/index.ts';
import { count, fed, pause, runWith } from './helpers.ts';

/** One node `add` reading x and y, writing their sum to `sum`; `seen` gets the inputs it was called with. */
function adder(seen: number[][] = []): Pipeline {
  return new Pipeline([
    node(
      (x: number, y: number) => {
        seen.push([x, y]);
        return x + y;
      },
      ['x', 'y'],
      'sum',
      { name: 'add' },
    ),
  ]);
}

/** A plugin named `name` whose beforeNodeRun notes its call in `calls` and returns `result`. */
function overrider(
  name: string,
  result: unknown,
  calls: string[] = [],
  options: { tryfirst?: boolean } = {},
): SluicePlugin {
  return {
    name,
    beforeNodeRun: {
      ...options,
      handler: () => {
        calls.push(name);
        return result as Record<string, unknown>;
      },
    },
  };
}

test('an override replaces the input the node receives; the dataset itself is untouched', async () => {
  const seen: number[][] = [];
  const catalog = fed({ x: 1, y: 2 });
  const { result } = await runWith(adder(seen), catalog, { plugins: [overrider('p', { x: 10 })] });
  assert.deepEqual(seen, [[10, 2]]);
  assert.deepEqual(result?.outputs, { sum: 12 });
  assert.equal(catalog.get('x').load(), 1);
});

test('two plugins: results merge in call order (LIFO), so the one called later wins for a shared key', async () => {
  const seen: number[][] = [];
  const calls: string[] = [];
  // Registered first → called last → its value for x wins; y comes only from the other one.
  const first = overrider('registered-first', { x: 100 }, calls);
  const second = overrider('registered-second', { x: 1, y: 20 }, calls);
  await runWith(adder(seen), fed({ x: 0, y: 0 }), { plugins: [first, second] });
  assert.deepEqual(calls, ['registered-second', 'registered-first']);
  assert.deepEqual(seen, [[100, 20]]);
});

test('tryfirst changes the call order, and with it which override wins', async () => {
  const seen: number[][] = [];
  const calls: string[] = [];
  const early = overrider('early', { x: 7 }, calls, { tryfirst: true });
  const late = overrider('late', { x: 8 }, calls);
  await runWith(adder(seen), fed({ x: 0, y: 0 }), { plugins: [late, early] });
  assert.deepEqual(calls, ['early', 'late']);
  assert.deepEqual(seen, [[8, 0]]);
});

test('asynchronous overrides merge in the same call order', async () => {
  const seen: number[][] = [];
  const slow: SluicePlugin = {
    name: 'slow',
    beforeNodeRun: async () => {
      await pause(5);
      return { x: 'slow' };
    },
  };
  const fast: SluicePlugin = { name: 'fast', beforeNodeRun: () => ({ x: 'fast', y: 'fast' }) };
  // fast is registered last, so called first; slow is called second and wins for x.
  await runWith(adder(seen), fed({ x: 0, y: 0 }), { plugins: [slow, fast], isAsync: true });
  assert.deepEqual(seen, [['slow', 'fast']]);
});

test('afterNodeRun sees the overridden inputs', async () => {
  let inputsSeen: unknown;
  const spy: SluicePlugin = { name: 'spy', afterNodeRun: ({ inputs }) => void (inputsSeen = { ...inputs }) };
  await runWith(adder(), fed({ x: 1, y: 2 }), { plugins: [spy, overrider('p', { y: 5 })] });
  assert.deepEqual(inputsSeen, { x: 1, y: 5 });
});

test('returning nothing or an empty record changes nothing', async () => {
  const seen: number[][] = [];
  await runWith(adder(seen), fed({ x: 1, y: 2 }), {
    plugins: [overrider('nothing', undefined), overrider('empty', {})],
  });
  assert.deepEqual(seen, [[1, 2]]);
});

for (const [label, bad, described] of [
  ['a number', 42, 'number'],
  ['a string', 'x', 'string'],
  ['an array', [{ x: 1 }], 'an array'],
  ['a function', () => 1, 'function'],
] as const) {
  test(`a beforeNodeRun returning ${label} raises InputOverrideError naming the plugin`, async () => {
    const seen: number[][] = [];
    const { error, recording } = await runWith(adder(seen), fed({ x: 1, y: 2 }), {
      plugins: [overrider('sloppy', bad)],
    });
    assert.ok(error instanceof InputOverrideError, `got ${String(error)}`);
    assert.match(error.message, /Plugin "sloppy"/);
    assert.match(error.message, new RegExp(`returned ${described}`));
    assert.match(error.message, /node "add"/);
    assert.deepEqual(seen, [], 'the node never ran');
    assert.equal(
      count(recording.events, 'onNodeError add'),
      0,
      "a plugin's mistake is not the node's failure",
    );
    assert.equal(count(recording.events, 'onPipelineError'), 1);
    assert.equal(recording.errors.at(-1)?.error, error);
  });
}

test('an async plugin returning a non-record is named too', async () => {
  const sloppy: SluicePlugin = {
    name: 'async-sloppy',
    beforeNodeRun: async () => 3 as unknown as Record<string, unknown>,
  };
  const { error } = await runWith(adder(), fed({ x: 1, y: 2 }), {
    plugins: [sloppy],
    runner: new AsyncRunner(),
  });
  assert.ok(error instanceof InputOverrideError);
  assert.match(error.message, /Plugin "async-sloppy"/);
});

test('overriding an input the node does not have raises InputOverrideError naming plugin, input and node', async () => {
  const seen: number[][] = [];
  const { error, recording } = await runWith(adder(seen), fed({ x: 1, y: 2 }), {
    plugins: [overrider('typo', { z: 3 })],
  });
  assert.ok(error instanceof InputOverrideError, `got ${String(error)}`);
  assert.match(error.message, /Plugin "typo" overrode "z"/);
  assert.match(error.message, /node "add" has no such input \(inputs: x, y\)/);
  assert.deepEqual(seen, []);
  assert.deepEqual(
    recording.events.filter((event) => event.includes('Error')),
    ['onPipelineError'],
  );
});

test('runNode alone applies overrides (no runner involved)', async () => {
  const hooks = createHookManager();
  hooks.register(overrider('p', { y: 40 }));
  const [added] = adder().nodes;
  const outputs = await runNode(added!, { catalog: fed({ x: 2, y: 0 }), hooks, runId: 'r', isAsync: false });
  assert.deepEqual(outputs, { sum: 42 });
});

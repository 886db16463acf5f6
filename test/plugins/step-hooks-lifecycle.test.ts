/**
 * The step-hooks plugin listens to the node lifecycle points (onNodeStart, onNodeRetry, onNodeEnd),
 * not to side channels: another plugin answering nodeRetryPolicy first, or saving through slow
 * async dataset hooks, changes nothing about when step hooks fire.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { SluicePlugin, StepHookContext } from '../../src/index.ts';
import { createHookManager, node, Pipeline, stepHooksPlugin } from '../../src/index.ts';
import { fed, runWith } from '../runner/helpers.ts';

function flakyPipeline(seen: string[]): Pipeline {
  let calls = 0;
  const log = (context: StepHookContext) =>
    void seen.push(`${context.outcome} ${context.node.name} #${context.attempt}`);
  return new Pipeline([
    node(
      (x: number) => {
        calls++;
        if (calls === 1) throw new Error('first attempt fails');
        return [x, x];
      },
      'x',
      ['a', 'b'],
      { name: 'flaky', retries: { max: 1 }, onSuccess: log, onRetry: log, onFailure: log },
    ),
  ]);
}

test('another plugin answering nodeRetryPolicy first does not silence step hooks', async () => {
  const seen: string[] = [];
  const hooks = createHookManager();
  hooks.register(stepHooksPlugin({ log: () => {} }));
  // Registered later and tryfirst: called before the step-hooks plugin, and it answers, so the
  // first-result call stops there.
  const policy: SluicePlugin = {
    name: 'policy-owner',
    nodeRetryPolicy: { tryfirst: true, handler: () => ({ max: 1 }) },
  };
  const { error } = await runWith(flakyPipeline(seen), fed({ x: 1 }), { hooks, plugins: [policy] });
  assert.equal(error, undefined);
  assert.deepEqual(seen, ['retry flaky #1', 'success flaky #2']);
});

test('onSuccess fires once, after every output is saved, even behind slow async dataset hooks', async () => {
  const seen: string[] = [];
  const events: string[] = [];
  const hooks = createHookManager();
  const slowSaves: SluicePlugin = {
    name: 'slow-saves',
    afterDatasetSaved: {
      trylast: true,
      async handler({ datasetName }) {
        await new Promise((resolve) => setImmediate(resolve));
        events.push(`saved ${datasetName}`);
      },
    },
  };
  hooks.register(slowSaves);
  hooks.register(stepHooksPlugin({ log: () => {} }));
  const pipeline = flakyPipeline(seen);
  const { error } = await runWith(pipeline, fed({ x: 1 }), {
    hooks,
    plugins: [{ name: 'watch', onNodeEnd: () => void events.push(`end with ${seen.length} step hooks`) }],
  });
  assert.equal(error, undefined);
  assert.deepEqual(seen, ['retry flaky #1', 'success flaky #2']);
  assert.deepEqual(events.slice(0, 2), ['saved a', 'saved b'], 'both saves finished first');
});

/**
 * Ordering by estimated durations (`longestWorkFirst`, `bestParallelSaving`), and `executeNodes`
 * taking that order. Only the parallel runner asks for estimates (parallel-estimates.test.ts): the
 * sequential and async runners keep Kedro's order whatever a plugin estimates.
 */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { AsyncRunner, definePlugin, node, Pipeline, SequentialRunner } from '../../src/index.ts';
import type { NodeDurationEstimates } from '../../src/index.ts';
import {
  bestParallelSaving,
  longestWorkFirst,
  nodeCountEstimate,
} from '../../src/runner/longest-work-first.ts';
import { newRunState } from '../../src/runner/runner.ts';
import { executeNodes } from '../../src/runner/schedule.ts';
import { fed, nodeOrder, runWith } from './helpers.ts';

const id = (v: unknown) => v;

/** seed → short_a → short_b (a short branch first in run order), seed → long (one node). */
function twoBranches(): Pipeline {
  return new Pipeline([
    node(id, 'seed', 'a', { name: 'short_a' }),
    node(id, 'a', 'b', { name: 'short_b' }),
    node(id, 'seed', 'l', { name: 'long' }),
  ]);
}

const names = (order: readonly { name: string }[] | undefined) => order?.map((n) => n.name);

test('longestWorkFirst: the node with the most estimated work ahead of it comes first; ties keep run order', () => {
  const pipeline = twoBranches();
  assert.deepEqual(names(pipeline.nodes), ['long', 'short_a', 'short_b']);
  // The short branch is longer in all (30 + 30 > 50): it goes first, though `long` is the longest node.
  const byBranch = longestWorkFirst(pipeline, { short_a: 30, short_b: 30, long: 50 });
  assert.deepEqual(names(byBranch?.order), ['short_a', 'long', 'short_b']);
  assert.equal(byBranch?.workMs, 110);
  assert.equal(byBranch?.criticalPathMs, 60);
  const byNode = longestWorkFirst(pipeline, { short_a: 10, short_b: 10, long: 50 });
  assert.deepEqual(names(byNode?.order), ['long', 'short_a', 'short_b']);
  // Equal work ahead: run order decides.
  assert.deepEqual(names(longestWorkFirst(pipeline, { short_a: 5, short_b: 5, long: 10 })?.order), [
    'long',
    'short_a',
    'short_b',
  ]);
});

test('longestWorkFirst: a node without a usable estimate counts as the median of the known ones', () => {
  const pipeline = twoBranches();
  // short_b unknown → median(1, 100) = 50.5: the short branch's work ahead is 51.5 < 100.
  const estimate = longestWorkFirst(pipeline, { short_a: 1, long: 100 });
  assert.deepEqual(names(estimate?.order), ['long', 'short_a', 'short_b']);
  assert.equal(estimate?.workMs, 151.5);
  for (const bad of [Number.NaN, -1, Number.POSITIVE_INFINITY, '40' as unknown as number]) {
    const withBad = longestWorkFirst(pipeline, { short_a: 1, short_b: bad, long: 100 });
    assert.equal(withBad?.workMs, 151.5, `${String(bad)} counts as unknown`);
  }
  // Names of other pipelines' nodes, or inherited properties, are not estimates of these nodes.
  assert.equal(longestWorkFirst(pipeline, { other: 5, toString: 3 } as NodeDurationEstimates), undefined);
  assert.equal(longestWorkFirst(pipeline, {}), undefined);
});

test('bestParallelSaving: bounded by the critical path and by the work spread over the lanes', () => {
  const chain = longestWorkFirst(
    new Pipeline([node(id, 'seed', 'a', { name: 'one' }), node(id, 'a', 'b', { name: 'two' })]),
    { one: 10, two: 30 },
  )!;
  assert.equal(bestParallelSaving(chain, 4), 0);
  const even = longestWorkFirst(twoBranches(), { short_a: 25, short_b: 25, long: 50 })!;
  assert.equal(bestParallelSaving(even, 1), 0);
  assert.equal(bestParallelSaving(even, 2), 0.5);
  assert.equal(bestParallelSaving(even, 8), 0.5);
  const lopsided = longestWorkFirst(twoBranches(), { short_a: 5, short_b: 5, long: 90 })!;
  assert.equal(bestParallelSaving(lopsided, 2), 0.1);
});

test('nodeCountEstimate: without durations every node counts the same, so the shape sets the saving', () => {
  const saving = (pipeline: Pipeline, lanes = 2) => bestParallelSaving(nodeCountEstimate(pipeline)!, lanes);
  const chain = new Pipeline([node(id, 'a', 'b', { name: 'one' }), node(id, 'b', 'c', { name: 'two' })]);
  assert.equal(saving(chain), 0);
  // Spaceflights' shape: a chain of five beside one short branch that joins it.
  const longChain = new Pipeline([
    node(id, 'companies', 'pc', { name: 'preprocess_companies' }),
    node(id, 'shuttles', 'ps', { name: 'preprocess_shuttles' }),
    node((ps: unknown, pc: unknown) => [ps, pc], ['ps', 'pc'], 'table', { name: 'create_table' }),
    node(id, 'table', 'split', { name: 'split' }),
    node(id, 'split', 'model', { name: 'train' }),
    node(id, 'model', 'metrics', { name: 'evaluate' }),
  ]);
  assert.ok(Math.abs(saving(longChain) - 1 / 6) < 1e-12, `${saving(longChain)}`);
  // Two equal branches: half, on two lanes and on three (no more than two run at once).
  const branches = new Pipeline([
    node(id, 'x', 'x1', { name: 'x1' }),
    node(id, 'x1', 'x2', { name: 'x2' }),
    node(id, 'y', 'y1', { name: 'y1' }),
    node(id, 'y1', 'y2', { name: 'y2' }),
  ]);
  assert.equal(saving(branches), 0.5);
  assert.equal(saving(branches, 3), 0.5);
  assert.equal(nodeCountEstimate(new Pipeline([])), undefined);
});

test("executeNodes: `order` decides among ready nodes; an order that is not the pipeline's nodes is refused", async () => {
  const pipeline = twoBranches();
  const ran: string[] = [];
  const [longNode, shortA, shortB] = pipeline.nodes as [never, never, never];
  await executeNodes(pipeline, {
    concurrency: 1,
    state: newRunState(),
    order: [shortA, shortB, longNode],
    execute: async (n) => void ran.push((n as { name: string }).name),
  });
  assert.deepEqual(ran, ['short_a', 'short_b', 'long']);
  for (const order of [
    [shortA, shortB],
    [shortA, shortA, longNode],
    [shortA, shortB, longNode, node(id, 'x', 'y')],
  ])
    await assert.rejects(
      executeNodes(pipeline, { concurrency: 1, state: newRunState(), order, execute: async () => {} }),
      RangeError,
    );
});

function estimating(estimates: NodeDurationEstimates, asked: string[] = []) {
  return definePlugin({
    name: 'estimates',
    nodeDurationEstimates({ pipeline }) {
      asked.push(pipeline.nodes.map((n) => n.name).join(','));
      return estimates;
    },
  });
}

test('the sequential and async runners keep their order, and never ask for estimates', async () => {
  const asked: string[] = [];
  for (const runner of [new SequentialRunner(), new AsyncRunner({ concurrency: 1 })]) {
    const { recording, error } = await runWith(twoBranches(), fed({ seed: 1 }), {
      runner,
      plugins: [estimating({ short_a: 30, short_b: 30, long: 50 }, asked)],
    });
    assert.equal(error, undefined);
    assert.deepEqual(nodeOrder(recording.events), ['long', 'short_a', 'short_b'], runner.name);
  }
  assert.deepEqual(asked, []);
});

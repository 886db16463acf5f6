/** `continueOnFailure` (kedro #503): independent branches keep running; all failures reported at the end. */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { Runner } from '../../src/index.ts';
import { AsyncRunner, NodeFailuresError, node, Pipeline, SequentialRunner } from '../../src/index.ts';
import { count, fed, nodeOrder, runWith } from './helpers.ts';

const runners: [string, () => Runner][] = [
  ['SequentialRunner', () => new SequentialRunner()],
  ['AsyncRunner', () => new AsyncRunner()],
];

const ok = (v: number) => v + 1;
const failing =
  (message: string) =>
  (_input: unknown): number => {
    throw new Error(message);
  };

/**
 * bad → after_bad → after_after;  good1 → good2;  join: [after_bad, good2] → joined;
 * lone (independent, reads seed).
 */
function branches(): Pipeline {
  return new Pipeline([
    node(failing('bad broke'), 'seed', 'b1', { name: 'bad' }),
    node(ok, 'b1', 'b2', { name: 'after_bad' }),
    node(ok, 'b2', 'b3', { name: 'after_after' }),
    node(ok, 'seed', 'g1', { name: 'good1' }),
    node(ok, 'g1', 'g2', { name: 'good2' }),
    node((a: number, b: number) => a + b, ['b2', 'g2'], 'joined', { name: 'join' }),
    node(ok, 'seed', 'l1', { name: 'lone' }),
  ]);
}

for (const [runnerName, makeRunner] of runners) {
  test(`${runnerName}: independent branches keep running, dependants of the failure are skipped`, async () => {
    const { error, recording, state } = await runWith(branches(), fed({ seed: 0 }), {
      runner: makeRunner(),
      continueOnFailure: true,
    });
    assert.ok(error instanceof NodeFailuresError, `got ${String(error)}`);
    assert.deepEqual(nodeOrder(recording.events).sort(), ['bad', 'good1', 'good2', 'lone']);
    assert.deepEqual([...state.completed].sort(), ['good1', 'good2', 'lone']);
    assert.deepEqual([...state.skipped].sort(), ['after_after', 'after_bad', 'join']);
    assert.deepEqual([...error.skippedNodes].sort(), ['after_after', 'after_bad', 'join']);
    assert.deepEqual(
      error.failures.map(({ nodeName, error: cause }) => [nodeName, cause.message]),
      [['bad', 'bad broke']],
    );
    assert.equal(count(recording.events, 'onNodeError bad'), 1);
    assert.equal(count(recording.events, 'onPipelineError'), 1);
    assert.equal(recording.events.at(-1), 'onPipelineError');
    assert.equal(recording.errors.at(-1)?.error, error, 'onPipelineError gets the NodeFailuresError');
  });

  test(`${runnerName}: every failure is listed, in the order they happened, with one onPipelineError`, async () => {
    const pipeline = new Pipeline([
      node(failing('first failure'), 'seed', 'x', { name: 'a_fails' }),
      node(ok, 'seed', 'y', { name: 'b_ok' }),
      node(failing('second failure'), 'y', 'z', { name: 'c_fails' }),
      node((x: number, z: number) => x + z, ['x', 'z'], 'w', { name: 'd_needs_both' }),
    ]);
    const { error, recording, state } = await runWith(pipeline, fed({ seed: 0 }), {
      runner: makeRunner(),
      continueOnFailure: true,
    });
    assert.ok(error instanceof NodeFailuresError);
    assert.deepEqual(
      error.failures.map((failure) => failure.nodeName),
      ['a_fails', 'c_fails'],
    );
    assert.deepEqual(state.skipped, ['d_needs_both'], 'a node behind two failures is skipped once');
    assert.equal(
      error.message,
      '2 node(s) failed:\n  - a_fails: first failure\n  - c_fails: second failure\n1 node(s) depending on them did not run: d_needs_both.',
    );
    assert.equal(count(recording.events, 'onPipelineError'), 1);
    assert.deepEqual(
      recording.errors.map((entry) => `${entry.hook} ${entry.node ?? ''}`.trim()),
      ['onNodeError a_fails', 'onNodeError c_fails', 'onPipelineError'],
    );
  });

  test(`${runnerName}: with nothing failing, continueOnFailure changes nothing`, async () => {
    const pipeline = new Pipeline([
      node(ok, 'seed', 'a', { name: 'one' }),
      node(ok, 'a', 'b', { name: 'two' }),
    ]);
    const { result, recording } = await runWith(pipeline, fed({ seed: 0 }), {
      runner: makeRunner(),
      continueOnFailure: true,
    });
    assert.deepEqual(result?.outputs, { b: 2 });
    assert.deepEqual(result?.skippedNodes, []);
    assert.equal(count(recording.events, 'afterPipelineRun'), 1);
  });

  test(`${runnerName}: a failing leaf skips nothing but still fails the run`, async () => {
    const pipeline = new Pipeline([
      node(ok, 'seed', 'a', { name: 'one' }),
      node(failing('leaf broke'), 'a', 'b', { name: 'leaf' }),
    ]);
    const { error, state } = await runWith(pipeline, fed({ seed: 0 }), {
      runner: makeRunner(),
      continueOnFailure: true,
    });
    assert.ok(error instanceof NodeFailuresError);
    assert.deepEqual(error.skippedNodes, []);
    assert.equal(error.message, '1 node(s) failed:\n  - leaf: leaf broke');
    assert.deepEqual(state.completed, ['one']);
  });
}

test('SequentialRunner without continueOnFailure stops at the failure: the original error, later branches never start', async () => {
  const { error, recording } = await runWith(branches(), fed({ seed: 0 }), { continueOnFailure: false });
  assert.equal(error?.message, 'bad broke');
  assert.ok(!(error instanceof NodeFailuresError));
  // Kahn order: bad, good1, lone (layer 0); bad is first, so nothing else starts.
  assert.deepEqual(nodeOrder(recording.events), ['bad']);
});

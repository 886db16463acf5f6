/**
 * The parallel runner runs a node in the main thread when its memory inputs are large (20k rows
 * here), so that they are not copied to a worker, and everything else on workers; the results are
 * the same either way. `mainThread: false` sends every node to a worker.
 */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { fileURLToPath } from 'node:url';
import { ParallelRunner, Session } from '../../src/index.ts';

const PLACEMENT = fileURLToPath(new URL('../fixtures/projects/placement/', import.meta.url));

async function run(mainThread: boolean) {
  const session = await Session.create({ projectPath: PLACEMENT, log: () => {} });
  const result = await session.run({ runner: new ParallelRunner({ maxWorkers: 1, mainThread }) });
  return result.outputs as {
    produced_in: number;
    rows_summary: { sum: number; thread: number };
    small_summary: { count: number; thread: number };
  };
}

const EXPECTED_SUM = Array.from({ length: 20_000 }, (_, id) => id % 7).reduce((a, b) => a + b, 0);

test('a node with large memory inputs runs in the main thread, the others on workers', async () => {
  const outputs = await run(true);
  assert.notEqual(outputs.produced_in, 0, 'produce has no memory inputs: a worker');
  assert.equal(outputs.rows_summary.thread, 0, 'count_rows reads 20k rows: the main thread');
  assert.notEqual(outputs.small_summary.thread, 0, 'count_small reads 5 rows: a worker');
  assert.equal(outputs.rows_summary.sum, EXPECTED_SUM);
  assert.equal(outputs.small_summary.count, 5);
});

test('mainThread: false runs every node on a worker, with the same results', async () => {
  const outputs = await run(false);
  assert.notEqual(outputs.rows_summary.thread, 0);
  assert.notEqual(outputs.small_summary.thread, 0);
  assert.equal(outputs.rows_summary.sum, EXPECTED_SUM);
  assert.equal(outputs.small_summary.count, 5);
});

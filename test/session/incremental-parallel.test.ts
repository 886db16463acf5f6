/**
 * Incremental runs on the parallel runner: the session's `incremental` choice reaches the worker
 * threads (where `nodeSkip` is asked), so a second run of the `basic` fixture skips every node,
 * serving the in-memory outputs to the nodes after them across threads.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { ParallelRunner, Session } from '../../src/index.ts';
import { BASIC, freshDataDir } from './support.ts';

test('parallel runner: the second incremental run skips every node and writes the same report', async () => {
  const { dataDir } = freshDataDir(BASIC);
  const run = async () => {
    const session = await Session.create({
      projectPath: BASIC,
      runtimeParams: { data_dir: dataDir },
      incremental: true,
    });
    // serialBelow: 0: by its shape the fixture would run serially in the main thread.
    return session.run({ runner: new ParallelRunner({ serialBelow: 0 }) });
  };
  const first = await run();
  // Nodes whose inputs and outputs match a record of an earlier test run may be skipped already.
  assert.equal(first.completedNodes.length + first.skippedNodes.length, 5);
  const report = readFileSync(join(dataDir, 'out', 'report.txt'), 'utf8');
  const second = await run();
  assert.deepEqual(second.completedNodes, []);
  assert.deepEqual(second.skippedNodes.toSorted(), ['describe', 'double', 'shift', 'square', 'total']);
  assert.equal(readFileSync(join(dataDir, 'out', 'report.txt'), 'utf8'), report);
});

test('nodes skipped as up to date count as done for the resume hint and the run record', async () => {
  const { dataDir } = freshDataDir(BASIC);
  const open = (runtimeParams: Record<string, unknown>) =>
    Session.create({
      projectPath: BASIC,
      runtimeParams: { data_dir: dataDir, ...runtimeParams },
      incremental: true,
      log: () => {},
    });
  await (await open({})).run();
  // A new offset reruns shift (which fails); double and square are up to date.
  const failing = await open({ offset: { value: 20 } });
  const previous = process.env.SLUICE_TEST_FAIL;
  process.env.SLUICE_TEST_FAIL = 'shift';
  try {
    await assert.rejects(failing.run(), /shift failed on purpose/);
  } finally {
    if (previous === undefined) delete process.env.SLUICE_TEST_FAIL;
    else process.env.SLUICE_TEST_FAIL = previous;
  }
  const report = failing.report!;
  assert.deepEqual(report.state.upToDate.toSorted(), ['double', 'square']);
  // double's output is persisted: no need to repeat it. square's `squares` lived in memory, so it runs again.
  assert.deepEqual(report.resumeFromNodes.toSorted(), ['shift', 'square']);
});

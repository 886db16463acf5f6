/** Memory datasets are released as soon as no remaining node needs them (Kedro's release rule). */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { Runner } from '../../src/index.ts';
import { AsyncRunner, DataCatalog, node, Pipeline, SequentialRunner } from '../../src/index.ts';
import { ReleaseRecordingDataset, runWith } from './helpers.ts';

const runners: [string, () => Runner][] = [
  ['SequentialRunner', () => new SequentialRunner()],
  ['AsyncRunner (concurrency 1)', () => new AsyncRunner({ concurrency: 1 })],
];

/** A catalog where every name is a ReleaseRecordingDataset writing into `log`; `seed` holds 1. */
function recordingCatalog(names: readonly string[], log: string[]): DataCatalog {
  const catalog = new DataCatalog();
  for (const name of names)
    catalog.add(name, new ReleaseRecordingDataset(name, log, name === 'seed' ? { data: 1 } : undefined));
  return catalog;
}

/** A node named `name` that notes `run <name>` in `log`. */
function step(name: string, inputs: string | string[], output: string, log: string[]) {
  return node(
    (...values: number[]) => {
      log.push(`run ${name}`);
      return values.reduce((sum, v) => sum + v, 0) + 1;
    },
    inputs,
    output,
    { name },
  );
}

for (const [runnerName, makeRunner] of runners) {
  test(`${runnerName}: a chain releases each intermediate right after its last reader`, async () => {
    const log: string[] = [];
    const pipeline = new Pipeline([
      step('a', 'seed', 'm', log),
      step('b', 'm', 'x', log),
      step('c', 'x', 'y', log),
      step('d', 'y', 'z', log),
    ]);
    const { result } = await runWith(pipeline, recordingCatalog(['seed', 'm', 'x', 'y', 'z'], log), {
      runner: makeRunner(),
    });
    assert.deepEqual(log, ['run a', 'run b', 'release m', 'run c', 'release x', 'run d', 'release y']);
    assert.deepEqual(result?.outputs, { z: 5 }, 'the free output is kept and comes back');
  });

  test(`${runnerName}: a dataset read by two nodes is released after the second one only`, async () => {
    const log: string[] = [];
    // a: seed → m; b: m → n; c: [m, n] → out
    const pipeline = new Pipeline([
      step('a', 'seed', 'm', log),
      step('b', 'm', 'n', log),
      step('c', ['m', 'n'], 'out', log),
    ]);
    await runWith(pipeline, recordingCatalog(['seed', 'm', 'n', 'out'], log), { runner: makeRunner() });
    assert.deepEqual(log, ['run a', 'run b', 'run c', 'release m', 'release n']);
  });

  test(`${runnerName}: free inputs and free outputs are never released`, async () => {
    const log: string[] = [];
    const pipeline = new Pipeline([step('a', 'seed', 'out', log)]);
    const catalog = recordingCatalog(['seed', 'out'], log);
    const { result } = await runWith(pipeline, catalog, { runner: makeRunner() });
    assert.deepEqual(log, ['run a']);
    assert.equal(catalog.get('seed').load(), 1, 'the fed input still holds its data');
    assert.deepEqual(result?.outputs, { out: 2 });
  });

  test(`${runnerName}: a released memory dataset no longer holds data`, async () => {
    const log: string[] = [];
    const pipeline = new Pipeline([step('a', 'seed', 'm', log), step('b', 'm', 'out', log)]);
    const catalog = recordingCatalog(['seed', 'm', 'out'], log);
    await runWith(pipeline, catalog, { runner: makeRunner() });
    assert.equal(catalog.get('m').exists(), false);
    assert.equal(catalog.get('out').exists(), true);
  });
}

test('AsyncRunner: with parallel branches, a shared input is released only once both readers finished', async () => {
  const log: string[] = [];
  const slowStep = (name: string, input: string, output: string, ms: number) =>
    node(
      async (v: number) => {
        await new Promise((resolve) => setTimeout(resolve, ms));
        log.push(`run ${name}`);
        return v + 1;
      },
      input,
      output,
      { name },
    );
  const pipeline = new Pipeline([
    step('a', 'seed', 'shared', log),
    slowStep('fast', 'shared', 'f', 5),
    slowStep('slow', 'shared', 's', 25),
  ]);
  await runWith(pipeline, recordingCatalog(['seed', 'shared', 'f', 's'], log), { runner: new AsyncRunner() });
  assert.deepEqual(log, ['run a', 'run fast', 'run slow', 'release shared']);
});

/**
 * `onlyMissingOutputs` (Kedro's `--only-missing-outputs`), on real JSON files in a temporary
 * folder: a node runs when it has no outputs, when a persisted output is missing, or when a node
 * that runs needs one of its outputs that is in memory or missing.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Runner } from '../../src/index.ts';
import { AsyncRunner, DataCatalog, JsonDataset, node, Pipeline, SequentialRunner } from '../../src/index.ts';
import { nodesWithMissingOutputs } from '../../src/runner/missing-outputs.ts';
import { nodeOrder, runWith } from './helpers.ts';

const runners: [string, () => Runner][] = [
  ['SequentialRunner', () => new SequentialRunner()],
  ['AsyncRunner', () => new AsyncRunner()],
];

/** A catalog with a JSON file dataset per name in `files` (under a fresh folder); `existing` are written first. */
function filesCatalog(
  files: readonly string[],
  existing: Record<string, unknown>,
): { catalog: DataCatalog; dir: string } {
  const dir = mkdtempSync(join(tmpdir(), 'sluice-missing-'));
  const catalog = new DataCatalog();
  for (const name of files) catalog.add(name, new JsonDataset(name, { filepath: join(dir, `${name}.json`) }));
  for (const [name, value] of Object.entries(existing))
    writeFileSync(join(dir, `${name}.json`), JSON.stringify(value));
  return { catalog, dir };
}

const inc = (v: number) => v + 1;

/** raw(F) → a → p1(F) → b → p2(F). */
function fileChain(): Pipeline {
  return new Pipeline([node(inc, 'raw', 'p1', { name: 'a' }), node(inc, 'p1', 'p2', { name: 'b' })]);
}

for (const [runnerName, makeRunner] of runners) {
  test(`${runnerName}: every persisted output exists → nothing runs, every node is reported skipped`, async () => {
    const { catalog } = filesCatalog(['raw', 'p1', 'p2'], { raw: 1, p1: 2, p2: 3 });
    const { result, recording } = await runWith(fileChain(), catalog, {
      runner: makeRunner(),
      onlyMissingOutputs: true,
    });
    assert.deepEqual(nodeOrder(recording.events), []);
    assert.deepEqual(result?.completedNodes, []);
    assert.deepEqual(result?.skippedNodes, ['a', 'b']);
    assert.deepEqual(recording.events, ['beforePipelineRun', 'afterPipelineRun']);
  });

  test(`${runnerName}: only the node whose output is missing runs, reading its input from the file`, async () => {
    const { catalog, dir } = filesCatalog(['raw', 'p1', 'p2'], { raw: 1, p1: 10 });
    const { result, recording } = await runWith(fileChain(), catalog, {
      runner: makeRunner(),
      onlyMissingOutputs: true,
    });
    assert.deepEqual(nodeOrder(recording.events), ['b']);
    assert.deepEqual(result?.skippedNodes, ['a']);
    assert.equal(JSON.parse(readFileSync(join(dir, 'p2.json'), 'utf8')), 11);
  });

  test(`${runnerName}: a node whose outputs exist is skipped even when its parent reruns (Kedro's rule)`, async () => {
    const { catalog, dir } = filesCatalog(['raw', 'p1', 'p2'], { raw: 1, p2: 99 });
    const { recording } = await runWith(fileChain(), catalog, {
      runner: makeRunner(),
      onlyMissingOutputs: true,
    });
    assert.deepEqual(nodeOrder(recording.events), ['a']);
    assert.equal(JSON.parse(readFileSync(join(dir, 'p2.json'), 'utf8')), 99);
  });

  test(`${runnerName}: a node with no outputs always runs; it does not pull in producers of existing files`, async () => {
    const seen: number[] = [];
    const { catalog } = filesCatalog(['raw', 'p1'], { raw: 1, p1: 5 });
    const pipeline = new Pipeline([
      node(inc, 'raw', 'p1', { name: 'a' }),
      node((v: number) => void seen.push(v), 'p1', null, { name: 'sink' }),
    ]);
    const { recording } = await runWith(pipeline, catalog, {
      runner: makeRunner(),
      onlyMissingOutputs: true,
    });
    assert.deepEqual(nodeOrder(recording.events), ['sink']);
    assert.deepEqual(seen, [5]);
  });

  test(`${runnerName}: a running node that needs a memory output makes its producer run`, async () => {
    // a: raw → m (memory); b: m → out (file, missing).
    const { catalog, dir } = filesCatalog(['raw', 'out'], { raw: 1 });
    const pipeline = new Pipeline([
      node(inc, 'raw', 'm', { name: 'a' }),
      node(inc, 'm', 'out', { name: 'b' }),
    ]);
    const { result, recording } = await runWith(pipeline, catalog, {
      runner: makeRunner(),
      onlyMissingOutputs: true,
    });
    assert.deepEqual(nodeOrder(recording.events), ['a', 'b']);
    assert.deepEqual(result?.skippedNodes, []);
    assert.equal(JSON.parse(readFileSync(join(dir, 'out.json'), 'utf8')), 3);
  });

  test(`${runnerName}: when the consumer of a memory output is skipped, its producer is skipped too`, async () => {
    const { catalog } = filesCatalog(['raw', 'out'], { raw: 1, out: 3 });
    const pipeline = new Pipeline([
      node(inc, 'raw', 'm', { name: 'a' }),
      node(inc, 'm', 'out', { name: 'b' }),
    ]);
    const { result, recording } = await runWith(pipeline, catalog, {
      runner: makeRunner(),
      onlyMissingOutputs: true,
    });
    assert.deepEqual(nodeOrder(recording.events), []);
    assert.deepEqual(result?.skippedNodes, ['a', 'b']);
  });

  test(`${runnerName}: a producer with an existing file AND a memory output a running node needs runs (and rewrites the file)`, async () => {
    // a: raw → [p1 (file, exists), m (memory)]; b: m → out (file, missing).
    const { catalog, dir } = filesCatalog(['raw', 'p1', 'out'], { raw: 1, p1: 'stale' });
    const pipeline = new Pipeline([
      node((v: number) => [v, v + 1], 'raw', ['p1', 'm'], { name: 'a' }),
      node(inc, 'm', 'out', { name: 'b' }),
    ]);
    const { recording } = await runWith(pipeline, catalog, {
      runner: makeRunner(),
      onlyMissingOutputs: true,
    });
    assert.deepEqual(nodeOrder(recording.events), ['a', 'b']);
    assert.equal(JSON.parse(readFileSync(join(dir, 'p1.json'), 'utf8')), 1);
    assert.equal(JSON.parse(readFileSync(join(dir, 'out.json'), 'utf8')), 3);
  });

  test(`${runnerName}: a missing file in the middle reruns from there down to every node whose output is missing`, async () => {
    // a → p1 (exists) → b → p2 (missing) → c → p3 (missing); d: p1 → p4 (exists).
    const { catalog, dir } = filesCatalog(['raw', 'p1', 'p2', 'p3', 'p4'], { raw: 0, p1: 1, p4: 'kept' });
    const pipeline = new Pipeline([
      node(inc, 'raw', 'p1', { name: 'a' }),
      node(inc, 'p1', 'p2', { name: 'b' }),
      node(inc, 'p2', 'p3', { name: 'c' }),
      node(inc, 'p1', 'p4', { name: 'd' }),
    ]);
    const { result, recording } = await runWith(pipeline, catalog, {
      runner: makeRunner(),
      onlyMissingOutputs: true,
    });
    assert.deepEqual(nodeOrder(recording.events), ['b', 'c']);
    assert.deepEqual([...(result?.skippedNodes ?? [])].sort(), ['a', 'd']);
    assert.equal(JSON.parse(readFileSync(join(dir, 'p3.json'), 'utf8')), 3);
    assert.equal(existsSync(join(dir, 'p4.json')), true);
  });
}

test('nodesWithMissingOutputs returns the nodes to run in pipeline order', async () => {
  const { catalog } = filesCatalog(['raw', 'p1', 'p2', 'p3'], { raw: 0, p2: 2 });
  const pipeline = new Pipeline([
    node(inc, 'raw', 'p1', { name: 'z_first' }),
    node(inc, 'p1', 'p2', { name: 'm_second' }),
    node(inc, 'p2', 'p3', { name: 'a_third' }),
  ]);
  const nodes = await nodesWithMissingOutputs(pipeline, catalog);
  assert.deepEqual(
    nodes.map((n) => n.name),
    ['z_first', 'a_third'],
  );
});

test('without onlyMissingOutputs, existing files do not stop any node', async () => {
  const { catalog } = filesCatalog(['raw', 'p1', 'p2'], { raw: 1, p1: 2, p2: 3 });
  const { result } = await runWith(fileChain(), catalog, {});
  assert.deepEqual(result?.completedNodes, ['a', 'b']);
  assert.deepEqual(result?.skippedNodes, []);
});

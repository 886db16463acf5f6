/**
 * A partitioned save is atomic as a whole: killed with SIGKILL midway (in a real child process),
 * it leaves the previous set of partitions exactly, with and without `overwrite`, and the next
 * save cleans up what the killed one wrote aside.
 */
import assert from 'node:assert/strict';
import { readdir, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { test } from 'node:test';
import { fileURLToPath } from 'node:url';
import { createDatasetTypeRegistry } from '../../src/io/builtin-datasets.ts';
import { PartitionedDataset } from '../../src/io/datasets/partitioned.ts';
import { killHard, runChild, startChild } from './support/child-save.ts';
import { tempDir } from './support/temp-dir.ts';

const SCRIPT = fileURLToPath(new URL('../fixtures/io/interrupted-partitioned-save.ts', import.meta.url));
const IDS = Array.from({ length: 10 }, (_, i) => `p${String(i).padStart(2, '0')}`);

function partitioned(path: string, overwrite: boolean): Promise<PartitionedDataset> {
  return PartitionedDataset.create(
    'parts',
    { path, dataset: 'json', filename_suffix: '.json', overwrite },
    { registry: createDatasetTypeRegistry() },
  );
}

/** Every partition, loaded: id → data. */
async function loadAll(path: string): Promise<Record<string, unknown>> {
  const loaders = await (await partitioned(path, false)).load();
  const all: Record<string, unknown> = {};
  for (const [id, load] of loaders) all[id] = await load();
  return all;
}

const OLD = Object.fromEntries(
  [...IDS, 'extra'].map((id) => [id, { id, generation: 'old' }] as [string, unknown]),
);
const NEW = Object.fromEntries(IDS.map((id) => [id, { id, generation: 'new' }] as [string, unknown]));

for (const overwrite of [false, true]) {
  test(`a partitioned save killed midway leaves the old set whole (overwrite: ${overwrite})`, async (t) => {
    const dir = await tempDir(t);
    const path = join(dir, 'parts');
    await (await partitioned(path, false)).save(OLD);
    assert.deepEqual(await loadAll(path), OLD);

    const writer = startChild(SCRIPT, [path, String(overwrite), 'interrupt']);
    t.after(() => killHard(writer));
    assert.deepEqual(await writer.message, { partitionsWritten: 5 });
    assert.deepEqual(await loadAll(path), OLD, 'while the save is under way, loads see the old set');
    await killHard(writer);

    assert.deepEqual(await loadAll(path), OLD, 'after the kill, the old set, not a mix');
    // Tools reading the folder directly see the same files.
    assert.deepEqual(
      (await readdir(path)).sort(),
      ['extra', ...IDS].map((id) => `${id}.json`),
    );
    assert.deepEqual(JSON.parse(await readFile(join(path, 'p00.json'), 'utf8')), OLD.p00);

    assert.deepEqual(await runChild(SCRIPT, [path, String(overwrite), 'complete']), { finished: true });
    assert.deepEqual(
      await loadAll(path),
      overwrite ? NEW : { ...NEW, extra: OLD.extra },
      'a later save switches to the whole new set',
    );
    const leftovers = (await readdir(dir)).filter((name) => name !== 'parts');
    assert.equal(leftovers.length, 1, `only the current generation is left: ${leftovers.join(', ')}`);
  });
}

test('a plain folder of partitions written by another tool is read, then replaced as a whole', async (t) => {
  const dir = await tempDir(t);
  const path = join(dir, 'parts');
  const { mkdir, writeFile } = await import('node:fs/promises');
  await mkdir(join(path, 'region'), { recursive: true });
  await writeFile(join(path, 'a.json'), JSON.stringify({ from: 'tool' }));
  await writeFile(join(path, 'region', 'b.json'), JSON.stringify({ from: 'tool' }));
  assert.deepEqual(await loadAll(path), { a: { from: 'tool' }, 'region/b': { from: 'tool' } });

  await (await partitioned(path, false)).save({ c: { from: 'sluice' } });
  assert.deepEqual(await loadAll(path), {
    a: { from: 'tool' },
    c: { from: 'sluice' },
    'region/b': { from: 'tool' },
  });
  await (await partitioned(path, true)).save({ d: { from: 'sluice' } });
  assert.deepEqual(await loadAll(path), { d: { from: 'sluice' } });
  assert.equal((await readdir(dir)).length, 2, 'the link and one generation');
});

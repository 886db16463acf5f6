import assert from 'node:assert/strict';
import { mkdir, readdir, readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { test } from 'node:test';
import { createDatasetTypeRegistry } from '../../src/io/builtin-datasets.ts';
import { DatasetError } from '../../src/io/dataset.ts';
import type { PartitionedDatasetOptions, PartitionLoaders } from '../../src/io/datasets/partitioned.ts';
import { PartitionedDataset } from '../../src/io/datasets/partitioned.ts';
import { listVersions } from '../../src/io/versioning.ts';
import { errorOf, tempDir } from './support/temp-dir.ts';

const registry = createDatasetTypeRegistry();

function partitioned(
  dir: string,
  options: Omit<PartitionedDatasetOptions, 'path'> & { path?: string },
  versions = {},
) {
  return PartitionedDataset.create(
    'regions',
    { path: 'data/regions', ...options },
    { projectPath: dir, registry, ...versions },
  );
}

test('partitioned saves one file per partition and loads them lazily, sorted by id', async (t) => {
  const dir = await tempDir(t);
  const dataset = await partitioned(dir, {
    dataset: { type: 'csv', save_args: { delimiter: ';' } },
    filename_suffix: '.csv',
  });
  let produced = 0;
  await dataset.save({
    'north/2024': [{ id: 1, rides: 10 }],
    south: () => {
      produced += 1;
      return [{ id: 2, rides: 20 }];
    },
    east: async () => [{ id: 3, rides: 30 }],
  });
  assert.equal(produced, 1, 'a function value is called once, at save time');
  const folder = join(dir, 'data', 'regions');
  assert.deepEqual((await readdir(folder, { recursive: true })).sort(), [
    'east.csv',
    'north',
    'north/2024.csv',
    'south.csv',
  ]);
  assert.equal(await readFile(join(folder, 'south.csv'), 'utf8'), 'id;rides\n2;20\n');

  const reader = await partitioned(dir, {
    dataset: { type: 'csv', load_args: { delimiter: ';' } },
    filename_suffix: '.csv',
  });
  const loaders = await reader.load();
  assert.deepEqual([...loaders.keys()], ['east', 'north/2024', 'south']);
  assert.deepEqual(await loaders.get('north/2024')!(), [{ id: 1, rides: 10 }]);
  assert.deepEqual(await reader.partitions(), ['east', 'north/2024', 'south']);
});

test('partitioned load reads nothing until a partition is asked for', async (t) => {
  const dir = await tempDir(t);
  const folder = join(dir, 'data', 'regions');
  await mkdir(folder, { recursive: true });
  await writeFile(join(folder, 'good.json'), '{"ok": true}');
  await writeFile(join(folder, 'broken.json'), '{not json');
  const dataset = await partitioned(dir, { dataset: 'json', filename_suffix: '.json' });
  const loaders: PartitionLoaders = await dataset.load();
  assert.deepEqual([...loaders.keys()], ['broken', 'good']);
  assert.deepEqual(await loaders.get('good')!(), { ok: true });
  const error = await errorOf(() => loaders.get('broken')!());
  assert.ok(error instanceof DatasetError);
  assert.match(
    error.message,
    /Dataset "regions\/broken" \(json\) could not load .*broken\.json: not valid JSON/,
  );
});

test('partitioned lists only files with the suffix, skips temporary and hidden files', async (t) => {
  const dir = await tempDir(t);
  const folder = join(dir, 'data', 'regions');
  await mkdir(join(folder, '.cache'), { recursive: true });
  await writeFile(join(folder, 'a.txt'), 'A');
  await writeFile(join(folder, 'b.md'), 'B');
  await writeFile(join(folder, '.a.txt.123.abcd.tmp'), 'half-written');
  await writeFile(join(folder, '.cache', 'c.txt'), 'C');
  const withSuffix = await partitioned(dir, { dataset: 'text', filename_suffix: '.txt' });
  assert.deepEqual([...(await withSuffix.load()).keys()], ['a']);
  const everything = await partitioned(dir, { dataset: 'text' });
  assert.deepEqual([...(await everything.load()).keys()], ['a.txt', 'b.md']);
});

test('partitioned save adds and replaces by default; overwrite: true removes partitions not saved', async (t) => {
  const dir = await tempDir(t);
  const keep = await partitioned(dir, { dataset: 'text', filename_suffix: '.txt' });
  await keep.save(
    new Map([
      ['a', 'A1'],
      ['b', 'B1'],
    ]),
  );
  await keep.save(
    new Map([
      ['b', 'B2'],
      ['c', 'C2'],
    ]),
  );
  const loaders = await keep.load();
  assert.deepEqual([...loaders.keys()], ['a', 'b', 'c']);
  assert.equal(await loaders.get('b')!(), 'B2');

  const replace = await partitioned(dir, { dataset: 'text', filename_suffix: '.txt', overwrite: true });
  await replace.save({ d: 'D3' });
  assert.deepEqual(await replace.partitions(), ['d']);
});

test('partitioned versioned saves keep each version whole and load the latest or the one asked for', async (t) => {
  const dir = await tempDir(t);
  const options = { dataset: 'json', filename_suffix: '.json', versioned: true };
  await (await partitioned(dir, options, { saveVersion: 'v1' })).save({ a: 1, b: 2 });
  const second = await partitioned(dir, options, { saveVersion: 'v2' });
  await second.save({ a: 10 });
  assert.deepEqual(await listVersions(join(dir, 'data', 'regions')), ['v1', 'v2']);

  const latest = await (await partitioned(dir, options)).load();
  assert.deepEqual([...latest.keys()], ['a']);
  assert.equal(await latest.get('a')!(), 10);
  const first = await (await partitioned(dir, options, { loadVersion: 'v1' })).load();
  assert.deepEqual([...first.keys()], ['a', 'b']);

  const again = await errorOf(() => second.save({ z: 0 }));
  assert.match(again.message, /already has version "v2"/);
  assert.deepEqual(
    await readdir(join(dir, 'data', 'regions')),
    ['v1', 'v2'],
    'no temporary folder is left behind',
  );
});

test('partitioned errors: no partitions, bad ids, bad partition options, unknown partition type', async (t) => {
  const dir = await tempDir(t);
  const dataset = await partitioned(dir, { dataset: 'csv', filename_suffix: '.csv' });
  const empty = await errorOf(() => dataset.load());
  assert.match(
    empty.message,
    /Dataset "regions" \(partitioned\): no partitions in .*regions \(files ending in ".csv"\): the folder does not exist\./,
  );
  assert.equal(await dataset.exists(), false);

  for (const id of ['../escape', '/abs', 'a//b', '.hidden']) {
    const bad = await errorOf(() => dataset.save({ [id]: [] }));
    assert.match(bad.message, /is not a relative path inside the folder/, id);
  }
  assert.match((await errorOf(() => dataset.save([] as never))).message, /save takes a Map or an object/);

  const option = await errorOf(() =>
    partitioned(dir, { dataset: { type: 'csv', load_args: { delimeter: ';' } } }),
  );
  assert.match(
    option.message,
    /Dataset "regions\/<partition>" \(csv\): unknown option "load_args.delimeter". Did you mean "delimiter"\?/,
  );
  const type = await errorOf(() => partitioned(dir, { dataset: 'cvs' }));
  assert.match(type.message, /Unknown dataset type "cvs" for dataset "regions". Did you mean "csv"\?/);
  const filepath = await errorOf(() => partitioned(dir, { dataset: { type: 'csv', filepath: 'x.csv' } }));
  assert.match(filepath.message, /option "dataset.filepath" is not allowed/);
});

test('partitioned describe shows the folder and the partition dataset', async (t) => {
  const dir = await tempDir(t);
  const dataset = await partitioned(dir, {
    dataset: { type: 'csv', load_args: { delimiter: ';' } },
    filename_suffix: '.csv',
  });
  const description = dataset.describe();
  assert.equal(description.type, 'partitioned');
  assert.equal(description.path, join(dir, 'data', 'regions'));
  assert.equal(description.filename_suffix, '.csv');
  assert.equal(description.versioned, false);
  assert.deepEqual(
    (description.dataset as { type: string; load_args: { delimiter: string } }).load_args.delimiter,
    ';',
  );
  assert.equal((description.dataset as { type: string }).type, 'csv');
  assert.equal('filepath' in description, false);
});

/**
 * Dataset fingerprints: every file dataset type gives the SHA-256 of its bytes (a folder's files
 * for partitioned data), cached under `.sluice/fingerprints/` by size, mtime and inode; versioned
 * data gives the version a load would read; memory data and parameters a hash of the value; SQL
 * tables nothing (always changed).
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readdir, readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { DataCatalog } from '../../src/index.ts';
import { createDatasetTypeRegistry } from '../../src/io/builtin-datasets.ts';
import { tempDir } from './support/temp-dir.ts';

const rows = (n: number) => [
  { id: 1, name: 'a', value: n },
  { id: 2, name: 'b', value: n + 1 },
];

/** Each file type with two different data values to save. */
const FILE_TYPES: [string, Record<string, unknown>, unknown, unknown][] = [
  ['json', { type: 'json', filepath: 'data/x.json' }, { a: 1 }, { a: 2 }],
  ['jsonl', { type: 'jsonl', filepath: 'data/x.jsonl' }, rows(1), rows(2)],
  ['text', { type: 'text', filepath: 'data/x.txt' }, 'one', 'two'],
  ['binary', { type: 'binary', filepath: 'data/x.bin' }, { a: [1, 2] }, { a: [3] }],
  ['csv', { type: 'csv', filepath: 'data/x.csv' }, rows(1), rows(2)],
  ['excel', { type: 'excel', filepath: 'data/x.xlsx' }, rows(1), rows(2)],
  ['duckdb_csv', { type: 'duckdb_csv', filepath: 'data/x.csv' }, rows(1), rows(2)],
  ['parquet', { type: 'parquet', filepath: 'data/x.parquet' }, rows(1), rows(2)],
  [
    'partitioned',
    { type: 'partitioned', path: 'data/parts', dataset: 'json', filename_suffix: '.json' },
    { north: { a: 1 }, south: { a: 2 } },
    { north: { a: 1 }, south: { a: 3 } },
  ],
];

async function catalogIn(
  dir: string,
  config: Record<string, unknown>,
  loadVersions = {},
): Promise<DataCatalog> {
  const catalog = await DataCatalog.fromConfig({
    catalogConfig: config,
    parameters: { model: { test_size: 0.2, seed: 3 } },
    projectPath: dir,
    registry: createDatasetTypeRegistry(),
    saveVersion: undefined as unknown as string,
    loadVersions,
  });
  return catalog;
}

for (const [type, entry, first, second] of FILE_TYPES) {
  test(`${type}: the fingerprint follows the content, not the write`, async (t) => {
    const dir = await tempDir(t);
    const catalog = await catalogIn(dir, { x: entry });
    assert.equal(await catalog.fingerprint('x'), undefined, 'nothing saved yet');
    await catalog.save('x', first);
    const one = await catalog.fingerprint('x');
    assert.match(one ?? '', /^sha256:[0-9a-f]{64}$/);
    assert.equal(await catalog.fingerprint('x'), one, 'stable');
    await catalog.save('x', second);
    const two = await catalog.fingerprint('x');
    assert.notEqual(two, one, 'new content, new fingerprint');
    await catalog.save('x', first);
    // Excel files carry their write time; the others are pure data.
    if (type !== 'excel')
      assert.equal(await catalog.fingerprint('x'), one, 'the same bytes again, the same fingerprint');
    const cached = await readdir(join(dir, '.sluice', 'fingerprints'));
    assert.ok(cached.length > 0, 'the content hash is kept under .sluice/fingerprints');
  });
}

test('a file is hashed once: while its size, mtime and inode stay, the cached hash answers', async (t) => {
  const dir = await tempDir(t);
  const catalog = await catalogIn(dir, { x: { type: 'text', filepath: 'data/x.txt' } });
  await catalog.save('x', 'hello');
  const real = await catalog.fingerprint('x');
  const folder = join(dir, '.sluice', 'fingerprints');
  const [file] = await readdir(folder);
  const entry = JSON.parse(await readFile(join(folder, file!), 'utf8')) as { sha256: string };
  // Tamper with the cached hash only: the file's stat still matches, so the cache is believed.
  await writeFile(join(folder, file!), JSON.stringify({ ...entry, sha256: 'f'.repeat(64) }));
  assert.equal(await catalog.fingerprint('x'), `sha256:${'f'.repeat(64)}`);
  // A save changes the stat (a new inode at least), so the hash is computed again.
  await catalog.save('x', 'hello');
  assert.equal(await catalog.fingerprint('x'), real);
});

test('versioned: the fingerprint is the version a load would read', async (t) => {
  const dir = await tempDir(t);
  const entry = { type: 'json', filepath: 'data/model.json', versioned: true };
  const catalog = await catalogIn(dir, { model: entry });
  assert.equal(await catalog.fingerprint('model'), undefined, 'no version yet');
  const first = await DataCatalog.fromConfig({
    catalogConfig: { model: entry },
    parameters: {},
    projectPath: dir,
    registry: createDatasetTypeRegistry(),
    saveVersion: 'v1',
  });
  await first.save('model', { w: 1 });
  assert.equal(await catalog.fingerprint('model'), 'version:v1');
  const second = await DataCatalog.fromConfig({
    catalogConfig: { model: entry },
    parameters: {},
    projectPath: dir,
    registry: createDatasetTypeRegistry(),
    saveVersion: 'v2',
  });
  await second.save('model', { w: 1 });
  assert.equal(await catalog.fingerprint('model'), 'version:v2', 'the latest version');
  const pinned = await catalogIn(dir, { model: entry }, { model: 'v1' });
  assert.equal(await pinned.fingerprint('model'), 'version:v1', '--load-versions pins it');
});

test('memory data and parameters: a hash of the value', async (t) => {
  const dir = await tempDir(t);
  const catalog = await catalogIn(dir, {});
  assert.equal(await catalog.fingerprint('scratch'), undefined, 'empty memory');
  catalog.get('scratch').save({ a: [1, 2] });
  const one = await catalog.fingerprint('scratch');
  catalog.get('scratch').save({ a: [1, 2] });
  assert.equal(await catalog.fingerprint('scratch'), one);
  catalog.get('scratch').save({ a: [1, 3] });
  assert.notEqual(await catalog.fingerprint('scratch'), one);
  const size = await catalog.fingerprint('params:model.test_size');
  assert.match(size ?? '', /^v8:/);
  const other = await catalogIn(dir, {});
  assert.equal(await other.fingerprint('params:model.test_size'), size);
  const changed = await DataCatalog.fromConfig({
    catalogConfig: {},
    parameters: { model: { test_size: 0.3, seed: 3 } },
    projectPath: dir,
    registry: createDatasetTypeRegistry(),
  });
  assert.notEqual(await changed.fingerprint('params:model.test_size'), size);
});

test('SQL tables offer no fingerprint: always changed', async (t) => {
  const dir = await tempDir(t);
  const catalog = await catalogIn(dir, {
    // Building the dataset doesn't connect, so no server is needed to see that it offers none.
    t: {
      type: 'sql_table',
      table_name: 'things',
      credentials: { con: 'postgresql://postgres@127.0.0.1:5432/test' },
    },
    d: { type: 'duckdb_table', table_name: 'things', database: 'data/db.duckdb' },
  });
  assert.equal(await catalog.fingerprint('t'), undefined);
  assert.equal(await catalog.fingerprint('d'), undefined);
});

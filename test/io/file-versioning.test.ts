import assert from 'node:assert/strict';
import { readdir } from 'node:fs/promises';
import { join } from 'node:path';
import { test } from 'node:test';
import { createDatasetTypeRegistry } from '../../src/io/builtin-datasets.ts';
import type { Dataset } from '../../src/io/dataset.ts';
import { DatasetError } from '../../src/io/dataset.ts';
import { listVersions, versionedPath } from '../../src/io/versioning.ts';
import { errorOf, tempDir } from './support/temp-dir.ts';

const registry = createDatasetTypeRegistry();

/** Each file type with a file name and two distinct values it round-trips exactly. */
const cases: { type: string; file: string; first: unknown; second: unknown }[] = [
  { type: 'json', file: 'model.json', first: { version: 1 }, second: { version: 2, extra: [1] } },
  { type: 'jsonl', file: 'events.jsonl', first: [{ n: 1 }], second: [{ n: 2 }, { n: 3 }] },
  { type: 'text', file: 'notes.txt', first: 'first\n', second: 'second\n' },
  { type: 'binary', file: 'model.bin', first: new Map([['a', 1]]), second: new Map([['b', 2]]) },
  { type: 'object', file: 'model.pkl', first: { w: [1] }, second: { w: [2] } },
  { type: 'csv', file: 'table.csv', first: [{ a: 1, b: 'x' }], second: [{ a: 2, b: 'y' }] },
  { type: 'excel', file: 'table.xlsx', first: [{ a: 1, b: 'x' }], second: [{ a: 2, b: 'y' }] },
];

async function build(
  type: string,
  dir: string,
  versions: { saveVersion?: string; loadVersion?: string },
): Promise<Dataset> {
  const name = `${type}_data`;
  const file = cases.find((entry) => entry.type === type)!.file;
  return registry.get(type)(
    { filepath: `data/${file}`, versioned: true },
    { name, projectPath: dir, ...versions },
  );
}

for (const { type, file, first, second } of cases) {
  test(`${type}: versioned saves keep every version, load the latest or the one asked for`, async (t) => {
    const dir = await tempDir(t);
    const folder = join(dir, 'data', file);
    const v1 = '2026-01-01T00.00.00.000Z';
    const v2 = '2026-01-02T00.00.00.000Z';

    const unsaved = await build(type, dir, {});
    assert.equal(await unsaved.exists(), false);
    const nothing = await errorOf(() => unsaved.load());
    assert.ok(nothing instanceof DatasetError);
    assert.match(nothing.message, /is versioned, but no version exists/);

    await (await build(type, dir, { saveVersion: v1 })).save(first);
    const secondSaver = await build(type, dir, { saveVersion: v2 });
    await secondSaver.save(second);

    assert.deepEqual(await listVersions(folder), [v1, v2], 'the old version is kept');
    assert.deepEqual(await readdir(join(folder, v1)), [file], 'each version folder holds the file alone');
    assert.equal(versionedPath(folder, v1), join(folder, v1, file));

    assert.deepEqual(
      await (await build(type, dir, {})).load(),
      second,
      'the latest version is loaded by default',
    );
    assert.deepEqual(
      await (await build(type, dir, { loadVersion: v1 })).load(),
      first,
      'an explicit load version wins',
    );
    assert.equal(await (await build(type, dir, { loadVersion: v1 })).exists(), true);
    assert.equal(await (await build(type, dir, { loadVersion: '1999' })).exists(), false);

    const again = await errorOf(() => secondSaver.save(first));
    assert.ok(again instanceof DatasetError);
    assert.match(again.message, new RegExp(`already has version "${v2.replace(/\./g, '\\.')}"`));
    assert.deepEqual(
      await (await build(type, dir, { loadVersion: v2 })).load(),
      second,
      'a refused save leaves the version intact',
    );

    const missing = await errorOf(async () => (await build(type, dir, { loadVersion: '1999' })).load());
    assert.match(missing.message, /has no version "1999"/);
  });
}

test('a versioned dataset without a save version saves under a fresh timestamp each time', async (t) => {
  const dir = await tempDir(t);
  const dataset = await build('json', dir, {});
  await dataset.save({ n: 1 });
  await new Promise((resolve) => setTimeout(resolve, 5));
  await dataset.save({ n: 2 });
  const versions = await listVersions(join(dir, 'data', 'model.json'));
  assert.equal(versions.length, 2);
  assert.match(versions[0]!, /^\d{4}-\d\d-\d\dT\d\d\.\d\d\.\d\d\.\d{3}Z$/);
  assert.deepEqual(await dataset.load(), { n: 2 });
});

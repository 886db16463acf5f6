/**
 * Catalog paths stay inside the project unless the catalog says otherwise: a relative filepath
 * that climbs out needs `outside_project: true` (or an absolute path), and a dataset name filling
 * a factory pattern can't add path segments.
 */
import assert from 'node:assert/strict';
import { existsSync } from 'node:fs';
import { mkdir, readdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { test } from 'node:test';
import { ConfigLoader } from '../../src/config/index.ts';
import { CatalogError, CatalogResolver, DataCatalog } from '../../src/io/index.ts';
import { errorOf, tempDir } from './support/temp-dir.ts';

/** A project at `<dir>/work/proj` with `catalogYaml` in conf/base, its catalog built as a session does. */
async function project(dir: string, catalogYaml: string): Promise<{ catalog: DataCatalog; root: string }> {
  const root = join(dir, 'work', 'proj');
  await mkdir(join(root, 'conf', 'base'), { recursive: true });
  await mkdir(join(root, 'conf', 'local'), { recursive: true });
  await writeFile(join(root, 'conf', 'base', 'catalog.yml'), catalogYaml);
  const loader = new ConfigLoader({ projectPath: root, environ: {} });
  const catalog = await DataCatalog.fromConfig({
    catalogConfig: loader.get('catalog'),
    projectPath: root,
    locate: (key, path) => loader.locate(key, path),
  });
  return { catalog, root };
}

const ROWS = [{ a: 1 }];

test('a relative filepath leading outside the project is a catalog error naming the entry and the fix', async (t) => {
  const dir = await tempDir(t);
  const { catalog } = await project(
    dir,
    [
      'inside:',
      '  type: csv',
      '  filepath: data/in.csv',
      'leaky:',
      '  type: csv',
      '  filepath: ../../outside.csv',
      '',
    ].join('\n'),
  );
  await catalog.save('inside', ROWS);
  const error = await errorOf(() => catalog.save('leaky', ROWS));
  assert.ok(error instanceof CatalogError, String(error));
  assert.match(error.message, /Dataset "leaky"/);
  assert.match(error.message, /catalog\.yml:4/, 'the file and line of the entry');
  assert.match(error.message, /"\.\.\/\.\.\/outside\.csv".*outside the project/);
  assert.match(String(error.hint), /outside_project: true/);
  assert.match(String(error.hint), /absolute path/);
  assert.equal(existsSync(join(dir, 'outside.csv')), false, 'nothing was written outside');
});

test('outside_project: true or an absolute path lets a file live outside the project', async (t) => {
  const dir = await tempDir(t);
  const absolute = join(dir, 'elsewhere.csv');
  const { catalog } = await project(
    dir,
    [
      'shared:',
      '  type: csv',
      '  filepath: ../../outside.csv',
      '  outside_project: true',
      'pinned:',
      '  type: csv',
      `  filepath: ${JSON.stringify(absolute)}`,
      '',
    ].join('\n'),
  );
  await catalog.save('shared', ROWS);
  await catalog.save('pinned', ROWS);
  assert.ok(existsSync(join(dir, 'outside.csv')));
  assert.ok(existsSync(absolute));
  assert.deepEqual(await catalog.load('shared'), ROWS);
});

test('a dataset name can not add path segments through a factory pattern', async (t) => {
  const dir = await tempDir(t);
  const { catalog, root } = await project(
    dir,
    ['"{name}_csv":', '  type: csv', '  filepath: data/{name}.csv', ''].join('\n'),
  );
  await catalog.save('cars_csv', ROWS);
  assert.deepEqual(await readdir(join(root, 'data')), ['cars.csv']);
  for (const name of ['../../../../evil_csv', 'a/b_csv', 'a\\b_csv', '../_csv']) {
    const error = await errorOf(() => catalog.save(name, ROWS));
    assert.ok(error instanceof CatalogError, `${name}: ${String(error)}`);
    assert.ok(error.message.includes(`Dataset "${name}"`), error.message);
    assert.ok(error.message.includes('pattern "{name}_csv"'), error.message);
    assert.match(error.message, /catalog\.yml:1/);
  }
  assert.deepEqual(await readdir(join(root, 'data')), ['cars.csv']);
  assert.deepEqual(await readdir(dir), ['work'], 'nothing written beside the project');
});

test('adjacent placeholders can not form a ".." segment, and values without separators are fine', async () => {
  const resolver = new CatalogResolver({
    '{a}{b}_csv': { type: 'csv', filepath: 'data/{a}{b}/x.csv' },
    '{layer}.{name}': { type: 'csv', filepath: 'data/{layer}/{name}.csv' },
  });
  assert.match((await errorOf(() => resolver.resolve('.._csv'))).message, /"\.\." segment/);
  assert.deepEqual(resolver.resolve('ab_csv'), {
    name: 'ab_csv',
    pattern: '{a}{b}_csv',
    config: { type: 'csv', filepath: 'data/ab/x.csv' },
    location: undefined,
  });
  assert.equal(
    resolver.resolve('int.cars.v2')?.config.filepath,
    'data/int/cars.v2.csv',
    'dots are not separators',
  );
});

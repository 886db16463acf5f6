import assert from 'node:assert/strict';
import { createRequire } from 'node:module';
import { fileURLToPath } from 'node:url';
import { test } from 'node:test';
import { createDatasetTypeRegistry } from '../../src/io/builtin-datasets.ts';

const loaded = (pattern: RegExp) =>
  Object.keys(createRequire(import.meta.url).cache).filter((path) => pattern.test(path));
// exceljs is CommonJS, so it shows in require.cache once imported (csv-parse is ESM and would not).
const EXCELJS = /[\\/]node_modules[\\/]exceljs[\\/]/;

// node:test runs each file in its own process, so nothing else here has imported exceljs.
test('building file datasets does not import exceljs; the first excel load does', async () => {
  const registry = createDatasetTypeRegistry();
  const context = {
    name: 'shuttles',
    projectPath: fileURLToPath(new URL('../../examples/spaceflights/', import.meta.url)),
  };
  const excel = await registry.get('excel')({ filepath: 'data/01_raw/shuttles.xlsx' }, context);
  await registry.get('csv')({ filepath: 'data/01_raw/companies.csv' }, context);
  await registry.get('partitioned')({ path: 'data/01_raw', dataset: 'excel' }, context);
  assert.deepEqual(loaded(EXCELJS), []);
  await excel.load();
  assert.ok(loaded(EXCELJS).length > 0, 'the check must see exceljs once it is used');
});

/**
 * `schema`, `expectations` and `validation` on a catalog entry belong to plugins: the dataset type
 * never sees them (its options reader would reject them), and `annotations(name)` returns them,
 * with pattern placeholders filled in.
 */
import assert from 'node:assert/strict';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { DataCatalog } from '../../src/index.ts';

test('annotations are kept from the dataset and handed to plugins, patterns filled in', async () => {
  const projectPath = mkdtempSync(join(tmpdir(), 'sluice-annotations-'));
  const catalog = await DataCatalog.fromConfig({
    projectPath,
    catalogConfig: {
      people: {
        type: 'csv',
        filepath: 'people.csv',
        schema: './src/schemas.ts#Person',
        expectations: [{ unique: 'id' }],
        validation: { mode: 'warn' },
      },
      '{region}_sales': { type: 'json', filepath: '{region}.json', schema: './src/schemas.ts#{region}Sale' },
    },
    locate: (key, path) => ({ file: `conf/base/${key}.yml`, line: path.length * 10 }),
  });
  await catalog.materialize(['people', 'eu_sales']);
  await catalog.save('people', [{ id: 1 }]);
  assert.deepEqual(await catalog.load('people'), [{ id: 1 }]);
  assert.deepEqual(catalog.annotations('people'), {
    schema: './src/schemas.ts#Person',
    expectations: [{ unique: 'id' }],
    validation: { mode: 'warn' },
  });
  assert.deepEqual(catalog.annotations('eu_sales'), { schema: './src/schemas.ts#euSale' });
  assert.deepEqual(catalog.annotations('undeclared'), {});
  assert.deepEqual(catalog.annotations('params:x'), {});
  assert.ok(!('schema' in catalog.describe('people')), 'descriptions show dataset settings only');
  assert.deepEqual(catalog.locateSetting('people', ['schema']), { file: 'conf/base/catalog.yml', line: 20 });
  assert.equal(catalog.locateSetting('undeclared', ['schema']), undefined);
});

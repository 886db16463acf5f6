/**
 * The built-in dataset types are registered through `checkedOptionsClass` / `checkedOptionsFactory`,
 * which hand the catalog's unchecked YAML options to a constructor typed with the dataset's options
 * interface. That is sound only while every constructor checks its options with an OptionReader
 * before using them; these tests hold every registered type to that contract.
 */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { createDatasetTypeRegistry } from '../../src/io/builtin-datasets.ts';
import type { DatasetFactoryContext } from '../../src/io/dataset-registry.ts';
import { DatasetError } from '../../src/io/dataset.ts';
import { errorOf } from './support/temp-dir.ts';

/** The smallest valid options of each type. A newly registered type must be added here. */
const VALID_OPTIONS: Record<string, Record<string, unknown>> = {
  api: { url: 'https://api.example.com/x' },
  binary: { filepath: 'd/m.bin' },
  csv: { filepath: 'd/c.csv' },
  duckdb_csv: { filepath: 'd/c.csv' },
  duckdb_query: { database: 'd/w.duckdb', sql: 'SELECT 1' },
  duckdb_table: { database: 'd/w.duckdb', table: 'shuttles' },
  excel: { filepath: 'd/s.xlsx' },
  json: { filepath: 'd/j.json' },
  jsonl: { filepath: 'd/e.jsonl' },
  metrics: { filepath: 'd/metrics.json' },
  object: { filepath: 'd/m.pkl' },
  parquet: { filepath: 'd/p.parquet' },
  partitioned: { path: 'd/parts', dataset: { type: 'csv' } },
  sql_query: { sql: 'SELECT 1', credentials: { con: 'postgresql://127.0.0.1:5432/test' } },
  sql_table: { table: 'shuttles', credentials: { con: 'postgresql://127.0.0.1:5432/test' } },
  text: { filepath: 'd/t.txt' },
};

const registry = createDatasetTypeRegistry();
const context: DatasetFactoryContext = {
  name: 'shuttles',
  projectPath: '/project',
  location: { file: 'conf/base/catalog.yml', line: 12, column: 3 },
};

async function optionError(type: string, options: unknown): Promise<DatasetError> {
  const error = await errorOf(() => registry.get(type)(options as Record<string, unknown>, context));
  assert.ok(
    error instanceof DatasetError,
    `${type}: expected a DatasetError, got ${error.name}: ${error.message}`,
  );
  assert.equal(error.datasetName, 'shuttles', type);
  assert.match(error.message, /^Dataset "shuttles" \((\w+), conf\/base\/catalog\.yml:12:3\)/, type);
  return error;
}

test('every registered type except memory (checked by the catalog) is covered here', () => {
  assert.deepEqual(
    registry.types().filter((type) => type !== 'memory'),
    Object.keys(VALID_OPTIONS).sort(),
  );
});

test('every registered type builds from its smallest valid options', async () => {
  for (const [type, options] of Object.entries(VALID_OPTIONS)) {
    const dataset = await registry.get(type)(options, context);
    assert.equal(dataset.describe().type, type);
  }
});

test('every registered type rejects an unknown option by name, with a did-you-mean', async () => {
  for (const [type, options] of Object.entries(VALID_OPTIONS)) {
    const error = await optionError(type, { ...options, metdata: {} });
    assert.match(error.message, /unknown option "metdata"\. Did you mean "metadata"\?$/, type);
  }
});

test('every registered type rejects a wrongly typed option, naming the type found', async () => {
  for (const [type, options] of Object.entries(VALID_OPTIONS)) {
    const error = await optionError(type, { ...options, metadata: 42 });
    assert.match(error.message, /option "metadata" must be a mapping, got a number \(42\)\.$/, type);
  }
});

test('every registered type rejects options that are not a mapping', async () => {
  for (const type of Object.keys(VALID_OPTIONS)) {
    const error = await optionError(type, ['filepath', 'd/x']);
    assert.match(error.message, /: its options must be a mapping\.$/, type);
  }
});

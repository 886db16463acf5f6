/**
 * duckdb_table and duckdb_query in a project without `@duckdb/node-api`: loading and saving fail
 * with the `MissingPackageError` (its install command and hint), as the docs promise, not a
 * `DatasetError` that buries it. The package is hidden (`hidePackage`): Node's own resolver fails
 * the import for real.
 */
import assert from 'node:assert/strict';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { before, describe, it } from 'node:test';
import { MissingPackageError } from '../../src/optional-package.ts';
import { DuckDBQueryDataset } from '../../src/io/datasets/duckdb-query.ts';
import { DuckDBTableDataset } from '../../src/io/datasets/duckdb-table.ts';
import { hidePackage } from '../support/hide-package.ts';

const folder = mkdtempSync(join(tmpdir(), 'sluice-duckdb-absent-'));

before(() => hidePackage('@duckdb/node-api'));

async function missingPackage(promise: Promise<unknown>): Promise<MissingPackageError> {
  const error = await promise.then(
    () => assert.fail('expected the operation to fail without @duckdb/node-api'),
    (thrown: unknown) => thrown,
  );
  assert.ok(error instanceof MissingPackageError, `expected a MissingPackageError, got ${String(error)}`);
  assert.deepEqual(error.packages, ['@duckdb/node-api']);
  assert.match(error.installCommand, /^npm install "@duckdb\/node-api@[^"]+"$/);
  assert.equal(error.hint, `Run \`${error.installCommand}\` in the project folder.`);
  return error;
}

describe('DuckDB database datasets without @duckdb/node-api', () => {
  it('duckdb_table: save and load fail with the MissingPackageError naming the dataset', async () => {
    const dataset = new DuckDBTableDataset('people', {
      database: join(folder, 'warehouse.duckdb'),
      table: 'people',
    });
    const saving = await missingPackage(dataset.save([{ id: 1 }]));
    assert.match(saving.feature, /^Dataset "people" \(duckdb_table/);
    writeFileSync(join(folder, 'warehouse.duckdb'), ''); // present, so the load reaches the import
    await missingPackage(dataset.load());
  });

  it('duckdb_query: load fails with the MissingPackageError naming the dataset', async () => {
    const database = join(folder, 'query.duckdb');
    writeFileSync(database, ''); // present, so the load reaches the import
    const dataset = new DuckDBQueryDataset('totals', { database, sql: 'SELECT 1 AS x' });
    const error = await missingPackage(dataset.load());
    assert.match(error.feature, /^Dataset "totals" \(duckdb_query/);
  });
});

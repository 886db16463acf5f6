import assert from 'node:assert/strict';
import { createRequire } from 'node:module';
import { it } from 'node:test';
import { createDatasetTypeRegistry } from '../../src/io/builtin-datasets.ts';

// node:test runs each file in its own process, so nothing else here has imported DuckDB or pg.
it('building every database-backed dataset imports neither DuckDB, pg nor Arrow (the CLI starts fast)', async () => {
  const registry = createDatasetTypeRegistry();
  const context = { name: 'x', projectPath: '/tmp', credentials: { con: 'postgresql://user@localhost/db' } };
  await registry.get('parquet')({ filepath: 'x.parquet' }, context);
  await registry.get('duckdb_csv')({ filepath: 'x.csv' }, context);
  await registry.get('sql_table')({ table: 'x' }, context);
  await registry.get('sql_query')({ sql: 'SELECT 1' }, context);
  await registry.get('duckdb_table')({ database: 'x.duckdb', table: 'x' }, context);
  await registry.get('duckdb_query')({ database: 'x.duckdb', sql: 'SELECT 1' }, context);
  const heavy = Object.keys(createRequire(import.meta.url).cache).filter((path) =>
    /@duckdb|[\\/]node_modules[\\/]pg[\\/]|apache-arrow/.test(path),
  );
  assert.deepEqual(heavy, []);
  await import('pg');
  const afterImport = Object.keys(createRequire(import.meta.url).cache).filter((path) =>
    /[\\/]node_modules[\\/]pg[\\/]/.test(path),
  );
  assert.ok(afterImport.length > 0, 'the check must see a module once it is imported');
});

import type { DatasetTypeRegistry } from '../dataset-registry.ts';
import type { DuckDBCsvDatasetOptions } from './duckdb-csv.ts';
import { DuckDBCsvDataset } from './duckdb-csv.ts';
import type { DuckDBQueryDatasetOptions } from './duckdb-query.ts';
import { DuckDBQueryDataset } from './duckdb-query.ts';
import type { DuckDBTableDatasetOptions } from './duckdb-table.ts';
import { DuckDBTableDataset } from './duckdb-table.ts';
import type { ParquetDatasetOptions } from './parquet.ts';
import { ParquetDataset } from './parquet.ts';
import type { SqlQueryDatasetOptions } from './sql-query.ts';
import { SqlQueryDataset } from './sql-query.ts';
import type { SqlTableDatasetOptions } from './sql-table.ts';
import { SqlTableDataset } from './sql-table.ts';

/**
 * Registers the DuckDB- and SQL-backed dataset types: `parquet`, `duckdb_csv`, `sql_table`,
 * `sql_query` (PostgreSQL) and `duckdb_table`, `duckdb_query` (a DuckDB database file). Building
 * one imports nothing heavy: DuckDB and pg load on the first `load()` or `save()`.
 */
export function registerDatabaseDatasets(registry: DatasetTypeRegistry): void {
  registry.register(
    'parquet',
    (options, context) =>
      new ParquetDataset(context.name, options as unknown as ParquetDatasetOptions, context),
  );
  registry.register(
    'duckdb_csv',
    (options, context) =>
      new DuckDBCsvDataset(context.name, options as unknown as DuckDBCsvDatasetOptions, context),
  );
  registry.register(
    'sql_table',
    (options, context) => new SqlTableDataset(context.name, options as SqlTableDatasetOptions, context),
  );
  registry.register(
    'sql_query',
    (options, context) => new SqlQueryDataset(context.name, options as SqlQueryDatasetOptions, context),
  );
  registry.register(
    'duckdb_table',
    (options, context) =>
      new DuckDBTableDataset(context.name, options as unknown as DuckDBTableDatasetOptions, context),
  );
  registry.register(
    'duckdb_query',
    (options, context) =>
      new DuckDBQueryDataset(context.name, options as unknown as DuckDBQueryDatasetOptions, context),
  );
}

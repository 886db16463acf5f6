import type { DatasetTypeRegistry } from '../dataset-registry.ts';
import { checkedOptionsClass } from './dataset-options.ts';
import { DuckDBCsvDataset } from './duckdb-csv.ts';
import { DuckDBQueryDataset } from './duckdb-query.ts';
import { DuckDBTableDataset } from './duckdb-table.ts';
import { ParquetDataset } from './parquet.ts';
import { SqlQueryDataset } from './sql-query.ts';
import { SqlTableDataset } from './sql-table.ts';

/**
 * Registers the DuckDB- and SQL-backed dataset types: `parquet`, `duckdb_csv`, `sql_table`,
 * `sql_query` (PostgreSQL) and `duckdb_table`, `duckdb_query` (a DuckDB database file). Building
 * one imports nothing heavy: DuckDB and pg load on the first `load()` or `save()`.
 */
export function registerDatabaseDatasets(registry: DatasetTypeRegistry): void {
  registry.register('parquet', checkedOptionsClass(ParquetDataset));
  registry.register('duckdb_csv', checkedOptionsClass(DuckDBCsvDataset));
  registry.register('sql_table', checkedOptionsClass(SqlTableDataset));
  registry.register('sql_query', checkedOptionsClass(SqlQueryDataset));
  registry.register('duckdb_table', checkedOptionsClass(DuckDBTableDataset));
  registry.register('duckdb_query', checkedOptionsClass(DuckDBQueryDataset));
}

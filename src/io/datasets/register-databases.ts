import type { DatasetTypeRegistry } from '../dataset-registry.ts';

/** Registers the DuckDB- and SQL-backed dataset types (parquet, duckdb csv, sql table/query). */
export function registerDatabaseDatasets(_registry: DatasetTypeRegistry): void {}

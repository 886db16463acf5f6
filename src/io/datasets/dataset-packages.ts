/**
 * The optional packages (peer dependencies of Sluice) behind each built-in dataset type. The
 * datasets import their package with these lists, and a test checks that each example and
 * template project lists in its package.json the packages its catalog's types need, so the two
 * cannot drift apart.
 */

/** DuckDB: parquet, duckdb_csv and the DuckDB database datasets. */
export const DUCKDB_PACKAGES: readonly string[] = ['@duckdb/node-api'];
/** exceljs: excel. */
export const EXCEL_PACKAGES: readonly string[] = ['exceljs'];
/** pg: the PostgreSQL datasets. */
export const POSTGRES_PACKAGES: readonly string[] = ['pg'];

/** Dataset type (as written in a catalog) to the optional packages it needs; types not listed need none. */
export const DATASET_TYPE_PACKAGES: Readonly<Record<string, readonly string[]>> = {
  parquet: DUCKDB_PACKAGES,
  duckdb_csv: DUCKDB_PACKAGES,
  duckdb_table: DUCKDB_PACKAGES,
  duckdb_query: DUCKDB_PACKAGES,
  excel: EXCEL_PACKAGES,
  sql_table: POSTGRES_PACKAGES,
  sql_query: POSTGRES_PACKAGES,
};

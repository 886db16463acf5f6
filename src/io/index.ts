export type { Dataset, DatasetDescription, MaybePromise, ConfigLocation } from './dataset.ts';
export { DatasetError } from './dataset.ts';
export type { DatasetFactory, DatasetFactoryContext } from './dataset-registry.ts';
export { DatasetTypeRegistry } from './dataset-registry.ts';
export type { CopyMode, MemoryDatasetOptions } from './datasets/memory.ts';
export { MemoryDataset } from './datasets/memory.ts';
export { createDatasetTypeRegistry } from './builtin-datasets.ts';
export { writeAtomically, writeFileAtomically } from './atomic-write.ts';
export type { VersionSettings } from './versioning.ts';
export {
  timestampVersion,
  listVersions,
  resolveLoadPath,
  resolveSavePath,
  versionedPath,
} from './versioning.ts';
export type { DatasetSettings, FileDatasetOptions, CommonFileOptions } from './datasets/file-dataset.ts';
export { FileDataset, readCommonFileOptions } from './datasets/file-dataset.ts';
export type { OptionsOwner } from './datasets/dataset-options.ts';
export { OptionReader } from './datasets/dataset-options.ts';
export type { JsonDatasetOptions } from './datasets/json.ts';
export { JsonDataset } from './datasets/json.ts';
export { MetricsDataset } from './datasets/metrics.ts';
export type { Metrics, MetricsDatasetOptions } from './datasets/metrics.ts';
export type { JsonLinesDatasetOptions } from './datasets/jsonl.ts';
export { JsonLinesDataset } from './datasets/jsonl.ts';
export type { TextDatasetOptions } from './datasets/text.ts';
export { TextDataset } from './datasets/text.ts';
export type { BinaryDatasetOptions } from './datasets/binary.ts';
export { BinaryDataset } from './datasets/binary.ts';
export type { CsvDatasetOptions, CsvLoadArgs, CsvSaveArgs, CsvRow, CsvColumnType } from './datasets/csv.ts';
export { CsvDataset } from './datasets/csv.ts';
export type { ExcelDatasetOptions, ExcelRow } from './datasets/excel.ts';
export { ExcelDataset } from './datasets/excel.ts';
export type {
  PartitionedDatasetOptions,
  PartitionedDatasetSettings,
  PartitionDatasetConfig,
  PartitionLoaders,
  PartitionData,
  PartitionsToSave,
} from './datasets/partitioned.ts';
export { PartitionedDataset } from './datasets/partitioned.ts';
export type {
  ApiDatasetOptions,
  ApiDatasetSettings,
  ApiCredentials,
  HttpMethod,
  QueryParameters,
} from './datasets/api.ts';
export { ApiDataset } from './datasets/api.ts';
export type {
  DataCatalogOptions,
  CatalogFromConfigOptions,
  AddDatasetOptions,
  CatalogFilter,
} from './catalog.ts';
export { DataCatalog } from './catalog.ts';
export type { CatalogEntry } from './catalog-config.ts';
export type { ConfigLocator, ResolvedCatalogEntry, CatalogResolverOptions } from './catalog-resolver.ts';
export { CatalogResolver } from './catalog-resolver.ts';
export type { CatalogErrorDetails } from './catalog-errors.ts';
export { CatalogError, CatalogAggregateError } from './catalog-errors.ts';
export { DatasetPattern, sortPatterns, isPattern } from './dataset-patterns.ts';
export { PARAMETERS_DATASET, PARAMS_PREFIX, isParameterName } from './catalog-parameters.ts';
export { memoryDatasetFromConfig } from './catalog-memory.ts';
export type { Row, ArrowTable, TabularData, LoadShape } from './datasets/tabular-data.ts';
export type { ColumnKind } from './datasets/column-inference.ts';
export type { DuckDBFileLoadArgs, DuckDBFileSaveArgs } from './datasets/duckdb-file-dataset.ts';
export { DuckDBFileDataset } from './datasets/duckdb-file-dataset.ts';
export type { ParquetDatasetOptions, ParquetLoadArgs, ParquetSaveArgs } from './datasets/parquet.ts';
export { ParquetDataset } from './datasets/parquet.ts';
export type { DuckDBCsvDatasetOptions, DuckDBCsvLoadArgs, DuckDBCsvSaveArgs } from './datasets/duckdb-csv.ts';
export { DuckDBCsvDataset } from './datasets/duckdb-csv.ts';
export type { SqlTableDatasetOptions, IfExists } from './datasets/sql-table.ts';
export { SqlTableDataset } from './datasets/sql-table.ts';
export type { SqlQueryDatasetOptions } from './datasets/sql-query.ts';
export { SqlQueryDataset } from './datasets/sql-query.ts';
export type { PostgresCredentials, PostgresTarget } from './datasets/postgres-connection.ts';
export type { DuckDBTableDatasetOptions } from './datasets/duckdb-table.ts';
export { DuckDBTableDataset } from './datasets/duckdb-table.ts';
export type { DuckDBQueryDatasetOptions } from './datasets/duckdb-query.ts';
export { DuckDBQueryDataset } from './datasets/duckdb-query.ts';

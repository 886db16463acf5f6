import type { DatasetSettings, FileDatasetOptions } from './file-dataset.ts';
import { readCommonFileOptions } from './file-dataset.ts';
import { OptionReader } from './dataset-options.ts';
import type { DuckDBFileFormat, DuckDBFileLoadArgs, DuckDBFileSaveArgs } from './duckdb-file-dataset.ts';
import { DuckDBFileDataset } from './duckdb-file-dataset.ts';

/**
 * `load_args` of `type: parquet`: `as` (`rows` or `arrow`), `columns` (a list to read only those),
 * and any option of DuckDB's `read_parquet`, such as `binary_as_string`, `hive_partitioning`,
 * `union_by_name`, `filename`, `file_row_number`.
 */
export type ParquetLoadArgs = DuckDBFileLoadArgs;

/**
 * `save_args` of `type: parquet`: options of DuckDB's `COPY ... TO ... (FORMAT parquet)`, such as
 * `compression` (`snappy`, the default, `zstd`, `gzip`, `lz4`, `brotli`, `uncompressed`),
 * `compression_level`, `row_group_size`, `kv_metadata`.
 */
export type ParquetSaveArgs = DuckDBFileSaveArgs;

/** The YAML options of `type: parquet`. */
export interface ParquetDatasetOptions extends FileDatasetOptions {
  load_args?: ParquetLoadArgs;
  save_args?: ParquetSaveArgs;
}

const PARQUET: DuckDBFileFormat = {
  type: 'parquet',
  readFunction: 'read_parquet',
  copyFormat: 'parquet',
  columnsMappingIsDuckDBOption: false,
  saveDefaults: () => ({}),
};

/**
 * A Parquet file (`type: parquet`), read and written by DuckDB. `load()` returns rows (an array
 * of plain objects) or, with `load_args.as: arrow`, an Apache Arrow table; `save()` takes either.
 * 64-bit integers load as numbers when they fit a double exactly and as bigints otherwise.
 */
export class ParquetDataset extends DuckDBFileDataset {
  constructor(name: string, options: ParquetDatasetOptions, settings: DatasetSettings = {}) {
    const reader = new OptionReader({ name, type: PARQUET.type, location: settings.location }, options);
    const common = readCommonFileOptions(reader, settings, 'filepath');
    super(PARQUET, name, reader, common, settings);
  }
}

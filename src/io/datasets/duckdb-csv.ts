import type { DatasetSettings, FileDatasetOptions } from './file-dataset.ts';
import { readCommonFileOptions } from './file-dataset.ts';
import { OptionReader } from './dataset-options.ts';
import type { DuckDBFileFormat, DuckDBFileLoadArgs, DuckDBFileSaveArgs } from './duckdb-file-dataset.ts';
import { DuckDBFileDataset } from './duckdb-file-dataset.ts';

/**
 * `load_args` of `type: duckdb_csv`: `as` (`rows` or `arrow`), `columns` (a list selects columns;
 * a mapping of name to SQL type is passed to DuckDB, which then reads only those columns with
 * those types), and any option of DuckDB's `read_csv`, such as `delim`, `header`, `quote`,
 * `escape`, `nullstr`, `dateformat`, `sample_size`, `all_varchar`, `types`, `skip`.
 */
export interface DuckDBCsvLoadArgs {
  as?: DuckDBFileLoadArgs['as'];
  columns?: string[] | Record<string, string>;
  [duckdbOption: string]: unknown;
}

/**
 * `save_args` of `type: duckdb_csv`: options of DuckDB's `COPY ... TO ... (FORMAT csv)`, such as
 * `header` (true unless set), `delim`, `quote`, `nullstr`, `force_quote`, `dateformat`,
 * `compression` (gzip or zstd; chosen from a `.gz` / `.zst` file name when not set).
 */
export type DuckDBCsvSaveArgs = DuckDBFileSaveArgs;

/** The YAML options of `type: duckdb_csv`. */
export interface DuckDBCsvDatasetOptions extends FileDatasetOptions {
  load_args?: DuckDBCsvLoadArgs;
  save_args?: DuckDBCsvSaveArgs;
}

const CSV: DuckDBFileFormat = {
  type: 'duckdb_csv',
  readFunction: 'read_csv',
  copyFormat: 'csv',
  columnsMappingIsDuckDBOption: true,
  saveDefaults(filepath) {
    // The temporary file ends in ".tmp", so DuckDB can't guess compression from the real name.
    const compression = /\.gz$/i.test(filepath) ? 'gzip' : /\.zst$/i.test(filepath) ? 'zstd' : undefined;
    return { header: true, ...(compression === undefined ? {} : { compression }) };
  },
};

/**
 * A CSV file read and written by DuckDB (`type: duckdb_csv`): DuckDB's parallel reader with type
 * detection, for large files. `load()` returns rows or, with `load_args.as: arrow`, an Arrow table;
 * `save()` takes either. The `csv` type (csv-parse) is the dependency-light alternative.
 */
export class DuckDBCsvDataset extends DuckDBFileDataset {
  constructor(name: string, options: DuckDBCsvDatasetOptions, settings: DatasetSettings = {}) {
    const reader = new OptionReader({ name, type: CSV.type, location: settings.location }, options);
    const common = readCommonFileOptions(reader, settings, 'filepath');
    super(CSV, name, reader, common, settings);
  }
}

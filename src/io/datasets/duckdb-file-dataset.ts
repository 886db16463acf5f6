import { stat } from 'node:fs/promises';
import type { SaveResult } from '../dataset.ts';
import { MixedColumnError, UnsupportedValueError } from './column-inference.ts';
import type { OptionReader } from './dataset-options.ts';
import { datasetSubject } from './dataset-options.ts';
import { sharedDuckDBInstance, withDuckDBConnection } from './duckdb-instance.ts';
import type { DuckDBOptionError } from './duckdb-options.ts';
import { renderColumnList, renderCopyOptions, renderNamedArguments } from './duckdb-options.ts';
import { readQuery } from './duckdb-read.ts';
import { NoColumnsError, UnsupportedArrowTypeError, stageData } from './duckdb-write.ts';
import type { CommonFileOptions, DatasetSettings } from './file-dataset.ts';
import { FileDataset } from './file-dataset.ts';
import { quoteLiteral } from './sql-quoting.ts';
import type { ArrowTable, LoadShape, Row, TabularData } from './tabular-data.ts';
import { LOAD_SHAPES, isArrowTable, isRowArray, unsavableDataError } from './tabular-data.ts';

/** `load_args` common to the DuckDB-backed file types. Every other key goes to DuckDB's reader. */
export interface DuckDBFileLoadArgs {
  /** `rows` (the default): an array of plain objects. `arrow`: an Apache Arrow table. */
  as?: LoadShape;
  /** Read only these columns, in this order. */
  columns?: string[];
  /** Any option of DuckDB's reader function, such as `hive_partitioning: true`. */
  [duckdbOption: string]: unknown;
}

/** `save_args`: options of DuckDB's `COPY ... TO`, such as `compression: zstd`. */
export interface DuckDBFileSaveArgs {
  [duckdbOption: string]: unknown;
}

/** How one file format maps onto DuckDB. */
export interface DuckDBFileFormat {
  /** The registered type name, for messages and `describe()`. */
  type: string;
  /** The table function that reads it: `read_parquet`, `read_csv`. */
  readFunction: string;
  /** The `FORMAT` of `COPY ... TO`: `parquet`, `csv`. */
  copyFormat: string;
  /** A `load_args.columns` mapping is DuckDB's own option (read_csv's column types) rather than a selection. */
  columnsMappingIsDuckDBOption: boolean;
  /** COPY options Sluice sets unless the user sets them (keys in lower case). */
  saveDefaults(filepath: string): Record<string, unknown>;
}

/**
 * COPY options that write a folder of files or pick the format themselves. Sluice writes exactly
 * one file, atomically, in the dataset's own format, so these would break that promise.
 */
const REFUSED_SAVE_OPTIONS: Record<string, string> = {
  format: 'The dataset type decides the format.',
  partition_by:
    'Partitioned output is a folder of files; Sluice saves one file atomically. Save one dataset per partition instead.',
  per_thread_output: 'Per-thread output is a folder of files; Sluice saves one file atomically.',
  file_size_bytes: 'Splitting output by size writes a folder of files; Sluice saves one file atomically.',
  filename_pattern: 'File name patterns apply to folder output, which Sluice does not write.',
  use_tmp_file: 'Sluice already writes to a temporary file and renames it.',
};

/** What is left of `load_args` / `save_args` once Sluice's own keys are read, rendered as SQL. */
interface DuckDBFileArgs {
  shape: LoadShape;
  columns: string[] | undefined;
  readArguments: string;
  copyOptions: string;
  publicArgs: Record<string, unknown>;
}

/**
 * A file read and written by DuckDB: the shared half of `parquet` and `duckdb_csv`. Loads run
 * `SELECT ... FROM read_x(path, load_args...)` and return rows or an Arrow table; saves stage the
 * data in a temporary table and `COPY` it to the temporary path that `FileDataset` then renames
 * over the real file, so a failed save never leaves a half-written file.
 */
export abstract class DuckDBFileDataset extends FileDataset<Row[] | ArrowTable, TabularData> {
  readonly #format: DuckDBFileFormat;
  readonly #args: DuckDBFileArgs;

  protected constructor(
    format: DuckDBFileFormat,
    name: string,
    reader: OptionReader,
    common: CommonFileOptions,
    settings: DatasetSettings,
  ) {
    const args = readDuckDBFileArgs(format, reader, common.filepath);
    reader.finish();
    super(format.type, name, common, settings);
    this.#format = format;
    this.#args = args;
  }

  override async save(data: TabularData): Promise<SaveResult> {
    if (!isArrowTable(data) && !isRowArray(data)) {
      throw unsavableDataError(this.owner, 'an array of row objects or an Arrow table', data, {
        hint: 'Return rows ([{ column: value }, ...]) or an apache-arrow Table from the node.',
      });
    }
    return super.save(data);
  }

  protected async read(path: string): Promise<Row[] | ArrowTable> {
    await requireFile(path);
    const { columns, readArguments, shape } = this.#args;
    const selection = columns === undefined ? '*' : renderColumnList(columns);
    const source = `${this.#format.readFunction}(${quoteLiteral(path)}${readArguments === '' ? '' : `, ${readArguments}`})`;
    const instance = await sharedDuckDBInstance(datasetSubject(this.owner));
    return withDuckDBConnection(instance, (connection) =>
      readQuery(connection, `SELECT ${selection} FROM ${source}`, shape),
    );
  }

  protected async write(temporaryPath: string, data: TabularData): Promise<void> {
    const instance = await sharedDuckDBInstance(datasetSubject(this.owner));
    const options = `FORMAT ${this.#format.copyFormat}${this.#args.copyOptions === '' ? '' : `, ${this.#args.copyOptions}`}`;
    await withDuckDBConnection(instance, async (connection) => {
      // Each operation has its own connection, so one staging name never collides: temporary
      // tables belong to the connection and vanish with it.
      const staged = await stageData(connection, STAGING_TABLE, data);
      await connection.run(`COPY (${staged.select}) TO ${quoteLiteral(temporaryPath)} (${options})`);
    });
  }

  protected publicArgs(): Record<string, unknown> {
    return this.#args.publicArgs;
  }

  protected override failureHint(operation: 'load' | 'save', error: unknown): string | undefined {
    if (error instanceof MixedColumnError || error instanceof UnsupportedValueError) {
      return 'Give each column values of one type (numbers, strings, booleans, Dates, objects), or convert the column to strings first.';
    }
    if (error instanceof NoColumnsError)
      return 'Save at least one row, or an Arrow table, which carries its columns even when empty.';
    if (error instanceof UnsupportedArrowTypeError)
      return 'Cast that column to a supported type (for example Float64 or Utf8) before saving.';
    const message = error instanceof Error ? error.message : '';
    if (/named parameter|option|Binder Error/i.test(message)) {
      const place =
        operation === 'load'
          ? `load_args (options of DuckDB's ${this.#format.readFunction})`
          : `save_args (options of DuckDB's COPY ... (FORMAT ${this.#format.copyFormat}))`;
      return `Check ${place}.`;
    }
    return undefined;
  }
}

const STAGING_TABLE = 'sluice_staged_data';

function readDuckDBFileArgs(
  format: DuckDBFileFormat,
  reader: OptionReader,
  filepath: string,
): DuckDBFileArgs {
  const loadSection = reader.section('load_args');
  const loadRaw = reader.mapping('load_args') ?? {};
  const shape = loadSection.choice('as', LOAD_SHAPES) ?? 'rows';
  const columnsValue = loadSection.raw('columns');
  const readOptions: Record<string, unknown> = {};
  let columns: string[] | undefined;
  if (Array.isArray(columnsValue)) {
    if (columnsValue.length === 0 || !columnsValue.every((item) => typeof item === 'string' && item !== '')) {
      throw loadSection.invalid('columns', 'must be a non-empty list of column names', columnsValue);
    }
    columns = columnsValue as string[];
  } else if (columnsValue !== undefined) {
    if (!format.columnsMappingIsDuckDBOption)
      throw loadSection.invalid('columns', 'must be a list of column names', columnsValue);
    readOptions.columns = columnsValue;
  }
  for (const [key, value] of Object.entries(loadRaw)) {
    if (key === 'as' || key === 'columns' || value === undefined) continue;
    loadSection.raw(key);
    readOptions[key] = value;
  }

  const saveSection = reader.section('save_args');
  const saveRaw = reader.mapping('save_args') ?? {};
  const copyOptions: Record<string, unknown> = {};
  const given = new Set(Object.keys(saveRaw).map((key) => key.toLowerCase()));
  for (const [key, value] of Object.entries(format.saveDefaults(filepath))) {
    if (!given.has(key)) copyOptions[key] = value;
  }
  for (const [key, value] of Object.entries(saveRaw)) {
    saveSection.raw(key);
    const refusal = REFUSED_SAVE_OPTIONS[key.toLowerCase()];
    if (refusal !== undefined)
      throw saveSection.error(`option "${saveSection.path(key)}" is not supported.`, refusal);
    if (value !== undefined) copyOptions[key] = value;
  }

  let readArguments: string;
  let copyText: string;
  try {
    readArguments = renderNamedArguments(readOptions);
  } catch (error) {
    throw loadSection.error((error as DuckDBOptionError).message);
  }
  try {
    copyText = renderCopyOptions(copyOptions);
  } catch (error) {
    throw saveSection.error((error as DuckDBOptionError).message);
  }
  const publicArgs: Record<string, unknown> = {};
  if (Object.keys(loadRaw).length > 0) publicArgs.load_args = loadRaw;
  if (Object.keys(saveRaw).length > 0) publicArgs.save_args = saveRaw;
  return { shape, columns, readArguments, copyOptions: copyText, publicArgs };
}

/**
 * DuckDB reports a missing file as "No files found that match the pattern"; an ENOENT lets
 * `FileDataset` say "file not found" with its usual hint. Glob patterns are DuckDB's to expand.
 */
async function requireFile(path: string): Promise<void> {
  if (/[*?[]/.test(path)) return;
  try {
    await stat(path);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') throw error;
  }
}

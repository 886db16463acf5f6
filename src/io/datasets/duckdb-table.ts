import type { SaveResult } from '../dataset.ts';
import { dataShape } from '../data-shape.ts';
import type { DuckDBConnection } from '@duckdb/node-api';
import type { Dataset, DatasetDescription } from '../dataset.ts';
import { MixedColumnError, UnsupportedValueError } from './column-inference.ts';
import type { OptionsOwner } from './dataset-options.ts';
import { OptionReader } from './dataset-options.ts';
import { DuckDBDatabaseFile } from './duckdb-database-file.ts';
import { resolveProjectPath } from './project-path.ts';
import { readQuery } from './duckdb-read.ts';
import { NoColumnsError, UnsupportedArrowTypeError, stageData } from './duckdb-write.ts';
import type { DatasetSettings } from './file-dataset.ts';
import type { IfExists } from './sql-options.ts';
import {
  MIXED_COLUMN_HINT,
  readColumnList,
  readIfExists,
  readTableName,
  tableExistsError,
} from './sql-options.ts';
import { qualifiedName, quoteIdentifier } from './sql-quoting.ts';
import type { ArrowTable, LoadShape, Row, TabularData } from './tabular-data.ts';
import { LOAD_SHAPES, isArrowTable, isRowArray, unsavableDataError } from './tabular-data.ts';

/** The YAML options of `type: duckdb_table`. */
export interface DuckDBTableDatasetOptions {
  /** The DuckDB database file, relative to the project. Created by the first save. */
  database: string;
  /** The table to read and write. `table_name` (Kedro's spelling) is accepted too. */
  table?: string;
  table_name?: string;
  /** The schema holding the table (`main` when absent); created by a save when missing. */
  schema?: string;
  load_args?: {
    /** `rows` (the default) or `arrow`. */
    as?: LoadShape;
    /** Read only these columns, in this order. */
    columns?: string[];
  };
  save_args?: {
    /** `fail` (the default, as in Kedro and pandas), `replace` the whole table, or `append` rows by column name. */
    if_exists?: IfExists;
  };
  /** Free-form notes for tools, shown by `describe()`. */
  metadata?: Record<string, unknown>;
}

/** Saves stage their data in the connection's own temporary catalog, never among the user's tables. */
const STAGING_TABLE = 'sluice_staged_data';

/**
 * A table in a DuckDB database file (`type: duckdb_table`). `load()` returns rows or an Arrow
 * table; `save()` takes either, and replaces or appends inside one transaction, so a failed save
 * leaves the table as it was. Column types for rows are inferred as for `parquet`.
 */
export class DuckDBTableDataset implements Dataset<Row[] | ArrowTable> {
  /** Another process may write the table during the run: each node reads it again. */
  readonly shareLoads = false;

  readonly name: string;
  readonly table: string;
  readonly schema: string | undefined;
  readonly ifExists: IfExists;
  readonly #shape: LoadShape;
  readonly #columns: string[] | undefined;
  readonly #file: DuckDBDatabaseFile;
  readonly #owner: OptionsOwner;
  readonly #metadata: Record<string, unknown> | undefined;

  constructor(name: string, options: DuckDBTableDatasetOptions, settings: DatasetSettings = {}) {
    const owner: OptionsOwner = { name, type: 'duckdb_table', location: settings.location };
    const reader = new OptionReader(owner, options);
    const database = reader.requiredString('database', 'data/03_primary/warehouse.duckdb');
    const databasePath = resolveProjectPath(reader, settings, 'database', database);
    const table = readTableName(reader);
    const schema = reader.string('schema');
    const loadArgs = reader.section('load_args');
    const shape = loadArgs.choice('as', LOAD_SHAPES) ?? 'rows';
    const columns = readColumnList(loadArgs);
    loadArgs.finish();
    const saveArgs = reader.section('save_args');
    const ifExists = readIfExists(saveArgs);
    saveArgs.finish();
    const metadata = reader.mapping('metadata');
    reader.finish();
    this.name = name;
    this.table = table;
    this.schema = schema;
    this.ifExists = ifExists;
    this.#shape = shape;
    this.#columns = columns;
    this.#owner = owner;
    this.#metadata = metadata;
    this.#file = new DuckDBDatabaseFile(owner, databasePath);
  }

  /** The absolute path of the database file. */
  get database(): string {
    return this.#file.path;
  }

  /** `"schema"."table"`, quoted as in SQL. */
  get qualifiedTable(): string {
    return qualifiedName(this.table, this.schema);
  }

  async load(): Promise<Row[] | ArrowTable> {
    const selection = this.#columns === undefined ? '*' : this.#columns.map(quoteIdentifier).join(', ');
    try {
      return await this.#file.read((connection) =>
        readQuery(connection, `SELECT ${selection} FROM ${this.qualifiedTable}`, this.#shape),
      );
    } catch (error) {
      throw this.#file.failure(`load table ${this.qualifiedTable}`, error);
    }
  }

  async save(data: TabularData): Promise<SaveResult> {
    if (!isArrowTable(data) && !isRowArray(data)) {
      throw unsavableDataError(this.#owner, 'an array of row objects or an Arrow table', data);
    }
    try {
      await this.#file.write((connection) => this.#write(connection, data));
    } catch (error) {
      throw this.#file.failure(`save table ${this.qualifiedTable}`, error, saveHint(error, this.ifExists));
    }
    return dataShape(data) ?? {};
  }

  async exists(): Promise<boolean> {
    if (!(await this.#file.present())) return false;
    try {
      return await this.#file.read((connection) => tableExists(connection, this.table, this.schema));
    } catch (error) {
      throw this.#file.failure(`check table ${this.qualifiedTable}`, error);
    }
  }

  /** Lets go of the database file (the last dataset on it closes it, unlocking it for other processes). */
  release(): Promise<void> {
    return this.#file.release();
  }

  describe(): DatasetDescription {
    return {
      type: 'duckdb_table',
      database: this.#file.path,
      table: this.table,
      ...(this.schema === undefined ? {} : { schema: this.schema }),
      load_args: { as: this.#shape, ...(this.#columns === undefined ? {} : { columns: this.#columns }) },
      save_args: { if_exists: this.ifExists },
      ...(this.#metadata === undefined ? {} : { metadata: this.#metadata }),
    };
  }

  async #write(connection: DuckDBConnection, data: TabularData): Promise<void> {
    const noRows = !isArrowTable(data) && data.length === 0;
    const staged = noRows ? undefined : await stageData(connection, STAGING_TABLE, data);
    await connection.run('BEGIN TRANSACTION');
    try {
      const exists = await tableExists(connection, this.table, this.schema);
      if (exists && this.ifExists === 'fail') {
        throw tableExistsError(this.#owner, this.qualifiedTable, `DuckDB database ${this.#file.path}`);
      }
      if (staged === undefined) {
        if (exists && this.ifExists === 'replace') await connection.run(`DELETE FROM ${this.qualifiedTable}`);
        if (!exists && this.ifExists !== 'append') throw new NoColumnsError();
      } else {
        if (this.schema !== undefined)
          await connection.run(`CREATE SCHEMA IF NOT EXISTS ${quoteIdentifier(this.schema)}`);
        if (exists && this.ifExists === 'append')
          await connection.run(`INSERT INTO ${this.qualifiedTable} BY NAME ${staged.select}`);
        else await connection.run(`CREATE OR REPLACE TABLE ${this.qualifiedTable} AS ${staged.select}`);
      }
      await connection.run('COMMIT');
    } catch (error) {
      await connection.run('ROLLBACK').catch(() => undefined);
      throw error;
    }
  }
}

/** Whether `schema.table` (schema `main` when absent) exists in the connection's database file. */
async function tableExists(
  connection: DuckDBConnection,
  table: string,
  schema: string | undefined,
): Promise<boolean> {
  const reader = await connection.runAndReadAll(
    `SELECT count(*) AS n FROM information_schema.tables WHERE table_catalog = current_database() AND table_schema = $1 AND table_name = $2`,
    [schema ?? 'main', table],
  );
  return Number(reader.getRows()[0]?.[0] ?? 0) > 0;
}

function saveHint(error: unknown, ifExists: IfExists): string | undefined {
  if (error instanceof MixedColumnError || error instanceof UnsupportedValueError) {
    return MIXED_COLUMN_HINT;
  }
  if (error instanceof NoColumnsError)
    return 'Save at least one row the first time, or an Arrow table, which carries its columns even when empty.';
  if (error instanceof UnsupportedArrowTypeError)
    return 'Cast that column to a supported type (for example Float64 or Utf8) before saving.';
  const message = error instanceof Error ? error.message : '';
  if (ifExists === 'append' && /Binder Error|Conversion Error|column/i.test(message)) {
    return "The data does not fit the existing table's columns; check them, or use if_exists: replace.";
  }
  return undefined;
}

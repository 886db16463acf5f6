import type { SaveResult } from '../dataset.ts';
import { dataShape } from '../data-shape.ts';
import type { PoolClient } from 'pg';
import type { Dataset, DatasetDescription } from '../dataset.ts';
import { DatasetError } from '../dataset.ts';
import type { InferredColumn } from './column-inference.ts';
import { MixedColumnError, UnsupportedValueError, inferColumns } from './column-inference.ts';
import type { OptionsOwner } from './dataset-options.ts';
import { OptionReader, datasetSubject } from './dataset-options.ts';
import type { DatasetSettings } from './file-dataset.ts';
import { PostgresConnection } from './postgres-connection.ts';
import type { IfExists } from './sql-options.ts';
import {
  MIXED_COLUMN_HINT,
  readColumnList,
  readCredentials,
  readIfExists,
  readTableName,
  tableExistsError,
} from './sql-options.ts';
import { qualifiedName, quoteIdentifier } from './sql-quoting.ts';
import { POSTGRES_TYPE_FOR_KIND, postgresParameter } from './sql-types.ts';
import type { Row } from './tabular-data.ts';
import { isArrowTable, isRowArray, unsavableDataError } from './tabular-data.ts';

export type { IfExists } from './sql-options.ts';

/** The YAML options of `type: sql_table`. */
export interface SqlTableDatasetOptions {
  /** The table to read and write. `table_name` (Kedro's spelling) is accepted too. */
  table?: string;
  table_name?: string;
  /** The schema holding the table; PostgreSQL's search path (usually `public`) when absent. */
  schema?: string;
  /** The name of a credentials entry (resolved by the catalog), or the entry itself. */
  credentials?: string | Record<string, unknown>;
  load_args?: {
    /** Read only these columns, in this order. */
    columns?: string[];
  };
  save_args?: {
    /** `fail` (the default, as in Kedro and pandas), `replace` the whole table, or `append` rows. */
    if_exists?: IfExists;
    /** Accepted for Kedro catalogs; rows have no index, so only `false` is allowed. */
    index?: false;
  };
  /** Free-form notes for tools, shown by `describe()`. */
  metadata?: Record<string, unknown>;
}

/** Statements carry at most this many parameters (PostgreSQL's limit is 65535). */
const MAX_PARAMETERS = 60_000;
const MAX_ROWS_PER_INSERT = 1000;

/**
 * A PostgreSQL table as an array of rows (`type: sql_table`), through `pg`.
 *
 * `save()` creates the table from the rows' columns, with types inferred from the values
 * (integer, bigint, double precision, boolean, text, timestamptz, jsonb, bytea), all inside one
 * transaction: if anything fails, the table is exactly as it was before. `load()` returns rows
 * whose values have the types they were saved with (bigint as a number when exact, numeric as a
 * string, timestamps as `Date`s, jsonb as objects).
 */
export class SqlTableDataset implements Dataset<Row[]> {
  /** Another process may write the table during the run: each node reads it again. */
  readonly shareLoads = false;

  readonly name: string;
  readonly table: string;
  readonly schema: string | undefined;
  readonly ifExists: IfExists;
  readonly #columns: string[] | undefined;
  readonly #connection: PostgresConnection;
  readonly #owner: OptionsOwner;
  readonly #metadata: Record<string, unknown> | undefined;

  constructor(name: string, options: SqlTableDatasetOptions, settings: DatasetSettings = {}) {
    const owner: OptionsOwner = { name, type: 'sql_table', location: settings.location };
    const reader = new OptionReader(owner, options);
    const table = readTableName(reader);
    const schema = reader.string('schema');
    const credentials = readCredentials(reader, settings);
    const loadArgs = reader.section('load_args');
    const columns = readColumnList(loadArgs);
    loadArgs.finish();
    const saveArgs = reader.section('save_args');
    const ifExists = readIfExists(saveArgs);
    if (saveArgs.boolean('index') === true) {
      throw saveArgs.error(
        'option "save_args.index: true" is not supported: rows have no index.',
        'Put the index in a column of its own.',
      );
    }
    saveArgs.finish();
    const metadata = reader.mapping('metadata');
    reader.finish();
    this.name = name;
    this.table = table;
    this.schema = schema;
    this.ifExists = ifExists;
    this.#columns = columns;
    this.#owner = owner;
    this.#metadata = metadata;
    this.#connection = new PostgresConnection(owner, credentials);
  }

  /** `"schema"."table"`, quoted as in SQL. */
  get qualifiedTable(): string {
    return qualifiedName(this.table, this.schema);
  }

  async load(): Promise<Row[]> {
    const selection = this.#columns === undefined ? '*' : this.#columns.map(quoteIdentifier).join(', ');
    try {
      const result = await this.#connection.query(`SELECT ${selection} FROM ${this.qualifiedTable}`);
      return result.rows as Row[];
    } catch (error) {
      throw this.#connection.failure(`load table ${this.qualifiedTable}`, error);
    }
  }

  async save(rows: readonly Row[]): Promise<SaveResult> {
    if (!isRowArray(rows)) {
      const arrow = isArrowTable(rows)
        ? ' Convert an Arrow table with table.toArray().map((row) => row.toJSON()).'
        : '';
      throw unsavableDataError(this.#owner, 'an array of row objects', rows, { suffix: arrow });
    }
    let columns: InferredColumn[];
    try {
      columns = inferColumns(rows);
    } catch (error) {
      if (error instanceof MixedColumnError || error instanceof UnsupportedValueError) {
        throw new DatasetError(
          `${datasetSubject(this.#owner)} could not save table ${this.qualifiedTable}: ${error.message}`,
          {
            datasetName: this.name,
            hint: MIXED_COLUMN_HINT,
          },
        );
      }
      throw error;
    }
    try {
      await this.#connection.transaction((client) => this.#write(client, columns, rows));
    } catch (error) {
      throw this.#connection.failure(`save table ${this.qualifiedTable}`, error, this.#saveHint(error));
    }
    return dataShape(rows) ?? {};
  }

  async exists(): Promise<boolean> {
    try {
      const result = await this.#connection.query('SELECT to_regclass($1) IS NOT NULL AS present', [
        this.qualifiedTable,
      ]);
      return result.rows[0]?.present === true;
    } catch (error) {
      throw this.#connection.failure(`check table ${this.qualifiedTable}`, error);
    }
  }

  /** Closes this dataset's connections; the next load or save reconnects. */
  release(): Promise<void> {
    return this.#connection.close();
  }

  describe(): DatasetDescription {
    return {
      type: 'sql_table',
      table: this.table,
      ...(this.schema === undefined ? {} : { schema: this.schema }),
      ...this.#connection.target,
      ...(this.#columns === undefined ? {} : { load_args: { columns: this.#columns } }),
      save_args: { if_exists: this.ifExists },
      ...(this.#metadata === undefined ? {} : { metadata: this.#metadata }),
    };
  }

  async #write(client: PoolClient, columns: InferredColumn[], rows: readonly Row[]): Promise<void> {
    const present = await client.query('SELECT to_regclass($1) IS NOT NULL AS present', [
      this.qualifiedTable,
    ]);
    const exists = present.rows[0]?.present === true;
    if (exists && this.ifExists === 'fail') {
      throw tableExistsError(this.#owner, this.qualifiedTable, this.#connection.where);
    }
    if (columns.length === 0) {
      if (exists && this.ifExists === 'replace') await client.query(`DELETE FROM ${this.qualifiedTable}`);
      if (exists || this.ifExists === 'append') return;
      throw new DatasetError(
        `${datasetSubject(this.#owner)}: cannot create table ${this.qualifiedTable} from no rows: there are no columns.`,
        {
          datasetName: this.name,
          hint: 'Save at least one row the first time, or create the table yourself.',
        },
      );
    }
    const definition = columns
      .map((column) => `${quoteIdentifier(column.name)} ${POSTGRES_TYPE_FOR_KIND[column.kind]}`)
      .join(', ');
    if (exists && this.ifExists === 'replace') await client.query(`DROP TABLE ${this.qualifiedTable}`);
    if (!exists || this.ifExists === 'replace')
      await client.query(`CREATE TABLE ${this.qualifiedTable} (${definition})`);
    await insertRows(client, this.qualifiedTable, columns, rows);
  }

  #saveHint(error: unknown): string | undefined {
    const { code } = this.#connection.inspect(error);
    if (this.ifExists === 'append' && (code === '42703' || code === '42804' || code === '22P02')) {
      return `The rows do not fit the existing table's columns. Check them against ${this.qualifiedTable}, or use if_exists: replace.`;
    }
    return undefined;
  }
}

/** Multi-row INSERTs with parameters, in batches that stay under PostgreSQL's parameter limit. */
async function insertRows(
  client: PoolClient,
  table: string,
  columns: InferredColumn[],
  rows: readonly Row[],
): Promise<void> {
  const batch = Math.max(1, Math.min(MAX_ROWS_PER_INSERT, Math.floor(MAX_PARAMETERS / columns.length)));
  const names = columns.map((column) => quoteIdentifier(column.name)).join(', ');
  for (let start = 0; start < rows.length; start += batch) {
    const end = Math.min(start + batch, rows.length);
    const parameters: unknown[] = [];
    const tuples: string[] = [];
    for (let index = start; index < end; index++) {
      const row = rows[index]!;
      const placeholders: string[] = [];
      for (const column of columns) {
        const value = row[column.name];
        parameters.push(value === undefined || value === null ? null : postgresParameter(column.kind, value));
        placeholders.push(`$${parameters.length}`);
      }
      tuples.push(`(${placeholders.join(', ')})`);
    }
    await client.query(`INSERT INTO ${table} (${names}) VALUES ${tuples.join(', ')}`, parameters);
  }
}

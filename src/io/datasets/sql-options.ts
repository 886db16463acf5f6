/**
 * What the four SQL datasets share: `sql_query` and `sql_table` (PostgreSQL), `duckdb_query` and
 * `duckdb_table` (a DuckDB database file) take the same options for the query or the table, and
 * word their errors alike, so a user who knows one knows all four.
 */
import { readFile } from 'node:fs/promises';
import { resolve } from 'node:path';
import { isPlainObject } from '../../values.ts';
import { DatasetError } from '../dataset.ts';
import type { OptionReader, OptionsOwner } from './dataset-options.ts';
import { datasetSubject } from './dataset-options.ts';
import type { DatasetSettings } from './file-dataset.ts';

/** What a save does when the table is already there. */
export type IfExists = 'replace' | 'append' | 'fail';

const IF_EXISTS_CHOICES: readonly IfExists[] = ['replace', 'append', 'fail'];

/** The hint for rows whose column mixes types, or holds a value no column type takes. */
export const MIXED_COLUMN_HINT =
  'Give each column values of one type, or convert the column to strings first.';

/**
 * A query's text, written inline (`sql`) or kept in a `.sql` file (`filepath`, read at each use so
 * that edits between runs are picked up).
 */
export class QueryText {
  readonly #owner: OptionsOwner;
  readonly #sql: string | undefined;
  readonly #filepath: string | undefined;

  /** Reads `sql` or `filepath`, exactly one. */
  constructor(reader: OptionReader, settings: DatasetSettings) {
    const sql = reader.string('sql');
    const filepath = reader.string('filepath');
    if (sql !== undefined && filepath !== undefined)
      throw reader.error('give "sql" or "filepath", not both.');
    if (sql === undefined && filepath === undefined) {
      throw reader.error(
        'option "sql" is required.',
        'For example "sql: SELECT * FROM shuttles WHERE price > 100", or "filepath: queries/shuttles.sql".',
      );
    }
    this.#owner = reader.owner;
    this.#sql = sql;
    this.#filepath =
      sql === undefined ? resolve(settings.projectPath ?? process.cwd(), filepath!) : undefined;
  }

  /** The query: `sql` itself, or the file's text now. */
  async load(): Promise<string> {
    if (this.#sql !== undefined) return this.#sql;
    try {
      return await readFile(this.#filepath!, 'utf8');
    } catch (error) {
      throw new DatasetError(
        `${datasetSubject(this.#owner)}: cannot read its query file ${this.#filepath}: ${(error as Error).message}`,
        {
          datasetName: this.#owner.name,
          cause: error,
          hint: 'Check "filepath".',
        },
      );
    }
  }

  /** `{ sql }` or `{ filepath }` (absolute), for a dataset's `describe()`. */
  describe(): { sql: string } | { filepath: string | undefined } {
    return this.#sql === undefined ? { filepath: this.#filepath } : { sql: this.#sql };
  }
}

/** `load_args.params`: the values for `$1`, `$2`, ... in a query, or absent. */
export function readQueryParams(loadArgs: OptionReader): unknown[] | undefined {
  const params = loadArgs.raw('params');
  if (params !== undefined && !Array.isArray(params))
    throw loadArgs.invalid('params', 'must be a list of values for $1, $2, ...', params);
  return params as unknown[] | undefined;
}

/** A query dataset is read-only; this is the error its `save()` throws. */
export function readOnly(owner: OptionsOwner): DatasetError {
  return new DatasetError(`${datasetSubject(owner)} is read-only: a query's result can't be saved.`, {
    datasetName: owner.name,
    hint: `Save to a table dataset instead (${owner.type === 'sql_query' ? 'sql_table' : 'duckdb_table'}), and query that.`,
  });
}

/** `table`, or Kedro's `table_name`; exactly one of them. */
export function readTableName(reader: OptionReader): string {
  const table = reader.string('table');
  const kedroName = reader.string('table_name');
  if (table !== undefined && kedroName !== undefined) {
    throw reader.error('give "table" or "table_name" (Kedro\'s spelling), not both.');
  }
  const name = table ?? kedroName;
  if (name === undefined) throw reader.error('option "table" is required.', 'For example "table: shuttles".');
  return name;
}

/** `load_args.columns`: a non-empty list of column names, or absent for all columns. */
export function readColumnList(reader: OptionReader): string[] | undefined {
  const value = reader.raw('columns');
  if (value === undefined) return undefined;
  if (
    !Array.isArray(value) ||
    value.length === 0 ||
    !value.every((item) => typeof item === 'string' && item !== '')
  ) {
    throw reader.invalid('columns', 'must be a non-empty list of column names', value);
  }
  return value as string[];
}

/** `save_args.if_exists`, `fail` when absent (as in Kedro and pandas). */
export function readIfExists(saveArgs: OptionReader): IfExists {
  return saveArgs.choice('if_exists', IF_EXISTS_CHOICES) ?? 'fail';
}

/**
 * `credentials` written inline as a mapping; the catalog has already resolved a named entry into
 * `settings.credentials`, which wins.
 */
export function readCredentials(
  reader: OptionReader,
  settings: DatasetSettings,
): Record<string, unknown> | undefined {
  const inline = reader.raw('credentials');
  return settings.credentials ?? (isPlainObject(inline) ? inline : undefined);
}

/** A save met an existing table while `save_args.if_exists` is `fail`. `where` names the database. */
export function tableExistsError(owner: OptionsOwner, qualifiedTable: string, where: string): DatasetError {
  return new DatasetError(
    `${datasetSubject(owner)}: table ${qualifiedTable} already exists in ${where}, and save_args.if_exists is "fail".`,
    {
      datasetName: owner.name,
      hint: 'Set save_args.if_exists to "replace" (rewrite it on every run) or "append".',
    },
  );
}

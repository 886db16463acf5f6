import type { Dataset, DatasetDescription } from '../dataset.ts';
import type { OptionsOwner } from './dataset-options.ts';
import { OptionReader } from './dataset-options.ts';
import type { DatasetSettings } from './file-dataset.ts';
import { PostgresConnection } from './postgres-connection.ts';
import { QueryText, readCredentials, readOnly, readQueryParams } from './sql-options.ts';
import type { Row } from './tabular-data.ts';

/** The YAML options of `type: sql_query`. */
export interface SqlQueryDatasetOptions {
  /** The query. Give this or `filepath`. */
  sql?: string;
  /** A `.sql` file holding the query, relative to the project. Give this or `sql`. */
  filepath?: string;
  /** The name of a credentials entry (resolved by the catalog), or the entry itself. */
  credentials?: string | Record<string, unknown>;
  load_args?: {
    /** Values for `$1`, `$2`, ... in the query. */
    params?: unknown[];
  };
  /** Free-form notes for tools, shown by `describe()`. */
  metadata?: Record<string, unknown>;
}

/**
 * The rows of a PostgreSQL query (`type: sql_query`), through `pg`. Read-only: `save()` throws.
 * Values are typed as for `sql_table`.
 */
export class SqlQueryDataset implements Dataset<Row[]> {
  /** A live query: each node that reads it runs it again, as it would without sharing. */
  readonly shareLoads = false;

  readonly name: string;
  readonly #query: QueryText;
  readonly #params: unknown[] | undefined;
  readonly #connection: PostgresConnection;
  readonly #owner: OptionsOwner;
  readonly #metadata: Record<string, unknown> | undefined;

  constructor(name: string, options: SqlQueryDatasetOptions, settings: DatasetSettings = {}) {
    const owner: OptionsOwner = { name, type: 'sql_query', location: settings.location };
    const reader = new OptionReader(owner, options);
    const query = new QueryText(reader, settings);
    const credentials = readCredentials(reader, settings);
    const loadArgs = reader.section('load_args');
    const params = readQueryParams(loadArgs);
    loadArgs.finish();
    const metadata = reader.mapping('metadata');
    reader.finish();
    this.name = name;
    this.#query = query;
    this.#params = params;
    this.#owner = owner;
    this.#metadata = metadata;
    this.#connection = new PostgresConnection(owner, credentials);
  }

  async load(): Promise<Row[]> {
    const sql = await this.#query.load();
    try {
      const result = await this.#connection.query(sql, this.#params);
      return result.rows as Row[];
    } catch (error) {
      throw this.#connection.failure(`run its query`, error);
    }
  }

  save(): never {
    throw readOnly(this.#owner);
  }

  /**
   * True when the query is valid against the database as it is now: it is planned with EXPLAIN,
   * not run, so this is cheap even for a heavy query.
   */
  async exists(): Promise<boolean> {
    const sql = await this.#query.load();
    try {
      await this.#connection.query(`EXPLAIN ${sql}`, this.#params);
      return true;
    } catch (error) {
      const { code } = this.#connection.inspect(error);
      // Class 42: syntax error or access rule violation (a missing table, a misspelt column).
      if (code !== undefined && code.startsWith('42')) return false;
      throw this.#connection.failure('check its query', error);
    }
  }

  release(): Promise<void> {
    return this.#connection.close();
  }

  describe(): DatasetDescription {
    return {
      type: 'sql_query',
      ...this.#query.describe(),
      ...this.#connection.target,
      ...(this.#params === undefined ? {} : { load_args: { params: this.#params } }),
      ...(this.#metadata === undefined ? {} : { metadata: this.#metadata }),
    };
  }
}

import type { Dataset, DatasetDescription } from '../dataset.ts';
import type { OptionsOwner } from './dataset-options.ts';
import { OptionReader } from './dataset-options.ts';
import { DuckDBDatabaseFile } from './duckdb-database-file.ts';
import { resolveProjectPath } from './project-path.ts';
import { readQuery } from './duckdb-read.ts';
import type { DatasetSettings } from './file-dataset.ts';
import { QueryText, readOnly, readQueryParams } from './sql-options.ts';
import type { ArrowTable, LoadShape, Row } from './tabular-data.ts';
import { LOAD_SHAPES } from './tabular-data.ts';

/** The YAML options of `type: duckdb_query`. */
export interface DuckDBQueryDatasetOptions {
  /** The DuckDB database file, relative to the project. */
  database: string;
  /** The query. Give this or `filepath`. */
  sql?: string;
  /** A `.sql` file holding the query, relative to the project. Give this or `sql`. */
  filepath?: string;
  load_args?: {
    /** `rows` (the default) or `arrow`. */
    as?: LoadShape;
    /** Values for `$1`, `$2`, ... in the query. */
    params?: unknown[];
  };
  /** Free-form notes for tools, shown by `describe()`. */
  metadata?: Record<string, unknown>;
}

/**
 * The result of a query on a DuckDB database file (`type: duckdb_query`), as rows or an Arrow
 * table. Read-only: `save()` throws. The query can also read files DuckDB understands, such as
 * `SELECT * FROM 'data/01_raw/*.parquet'`.
 */
export class DuckDBQueryDataset implements Dataset<Row[] | ArrowTable> {
  /** A live query: each node that reads it runs it again, as it would without sharing. */
  readonly shareLoads = false;

  readonly name: string;
  readonly #query: QueryText;
  readonly #params: unknown[] | undefined;
  readonly #shape: LoadShape;
  readonly #file: DuckDBDatabaseFile;
  readonly #owner: OptionsOwner;
  readonly #metadata: Record<string, unknown> | undefined;

  constructor(name: string, options: DuckDBQueryDatasetOptions, settings: DatasetSettings = {}) {
    const owner: OptionsOwner = { name, type: 'duckdb_query', location: settings.location };
    const reader = new OptionReader(owner, options);
    const database = reader.requiredString('database', 'data/03_primary/warehouse.duckdb');
    const databasePath = resolveProjectPath(reader, settings, 'database', database);
    const query = new QueryText(reader, settings);
    const loadArgs = reader.section('load_args');
    const shape = loadArgs.choice('as', LOAD_SHAPES) ?? 'rows';
    const params = readQueryParams(loadArgs);
    loadArgs.finish();
    const metadata = reader.mapping('metadata');
    reader.finish();
    this.name = name;
    this.#query = query;
    this.#params = params;
    this.#shape = shape;
    this.#owner = owner;
    this.#metadata = metadata;
    this.#file = new DuckDBDatabaseFile(owner, databasePath);
  }

  async load(): Promise<Row[] | ArrowTable> {
    const sql = await this.#query.load();
    try {
      return await this.#file.read((connection) => readQuery(connection, sql, this.#shape, this.#params));
    } catch (error) {
      throw this.#file.failure('run its query', error);
    }
  }

  save(): never {
    throw readOnly(this.#owner);
  }

  /** True when the database file is there and the query is valid against it (planned with EXPLAIN, not run). */
  async exists(): Promise<boolean> {
    if (!(await this.#file.present())) return false;
    const sql = await this.#query.load();
    try {
      await this.#file.read((connection) => connection.run(`EXPLAIN ${sql}`, this.#params as never));
      return true;
    } catch (error) {
      const message = error instanceof Error ? error.message : '';
      if (/^(Parser|Binder|Catalog) Error/.test(message)) return false;
      throw this.#file.failure('check its query', error);
    }
  }

  release(): Promise<void> {
    return this.#file.release();
  }

  describe(): DatasetDescription {
    return {
      type: 'duckdb_query',
      database: this.#file.path,
      ...this.#query.describe(),
      load_args: { as: this.#shape, ...(this.#params === undefined ? {} : { params: this.#params }) },
      ...(this.#metadata === undefined ? {} : { metadata: this.#metadata }),
    };
  }
}

import { mkdir, stat } from 'node:fs/promises';
import { dirname } from 'node:path';
import type { DuckDBConnection, DuckDBInstance } from '@duckdb/node-api';
import { MissingPackageError } from '../../optional-package.ts';
import { DatasetError } from '../dataset.ts';
import type { OptionsOwner } from './dataset-options.ts';
import { datasetSubject } from './dataset-options.ts';
import { acquireDuckDBFile, releaseDuckDBFile, withDuckDBConnection } from './duckdb-instance.ts';

/**
 * One dataset's hold on a DuckDB database file. The file is opened on first use (shared with every
 * other dataset on the same path in this process) and let go by `release()`; the last release
 * closes it, which unlocks it for other processes. DuckDB lets one process write a database file
 * at a time, so datasets on one file belong in one process (the sequential runner, or one worker).
 */
export class DuckDBDatabaseFile {
  /** The absolute path of the database file. */
  readonly path: string;
  readonly #owner: OptionsOwner;
  #instance: Promise<DuckDBInstance> | undefined;

  constructor(owner: OptionsOwner, path: string) {
    this.#owner = owner;
    this.path = path;
  }

  /** True when the file is there. Reading never creates it (DuckDB would create an empty one). */
  async present(): Promise<boolean> {
    try {
      return (await stat(this.path)).isFile();
    } catch {
      return false;
    }
  }

  /** Runs `use` on a fresh connection, failing clearly (not creating the file) when it is missing. */
  async read<T>(use: (connection: DuckDBConnection) => Promise<T>): Promise<T> {
    if (!(await this.present())) {
      throw new DatasetError(
        `${datasetSubject(this.#owner)}: DuckDB database file not found: ${this.path}.`,
        {
          datasetName: this.#owner.name,
          hint: 'Check "database", or run the node that writes to it first.',
        },
      );
    }
    return this.#use(use);
  }

  /** Runs `use` on a fresh connection, creating the file (and its folder) when missing. */
  async write<T>(use: (connection: DuckDBConnection) => Promise<T>): Promise<T> {
    await mkdir(dirname(this.path), { recursive: true });
    return this.#use(use);
  }

  /**
   * A `DatasetError` for a failure while `doing` something (`load table "x"`), with a hint for
   * DuckDB's usual errors. A missing `@duckdb/node-api` already names the dataset and the install
   * command, so it passes through as the `MissingPackageError` it is.
   */
  failure(doing: string, error: unknown, hint?: string): DatasetError | MissingPackageError {
    if (error instanceof DatasetError || error instanceof MissingPackageError) return error;
    const message = error instanceof Error ? error.message : String(error);
    return new DatasetError(
      `${datasetSubject(this.#owner)} could not ${doing} in DuckDB database ${this.path}: ${message}`,
      {
        datasetName: this.#owner.name,
        cause: error,
        hint: hint ?? duckdbHint(message, this.#owner),
      },
    );
  }

  /** Lets go of the file; the last dataset to let go closes it. */
  async release(): Promise<void> {
    if (this.#instance === undefined) return;
    this.#instance = undefined;
    await releaseDuckDBFile(this.path);
  }

  #use<T>(use: (connection: DuckDBConnection) => Promise<T>): Promise<T> {
    if (this.#instance === undefined) {
      const instance = acquireDuckDBFile(this.path, datasetSubject(this.#owner));
      this.#instance = instance;
      // A file that failed to open (locked by another process, not a DuckDB file) is retried by
      // the next operation rather than remembered.
      instance.catch(() => {
        if (this.#instance === instance) this.#instance = undefined;
      });
    }
    return this.#instance.then((instance) => withDuckDBConnection(instance, use));
  }
}

function duckdbHint(message: string, owner: OptionsOwner): string | undefined {
  if (/^Catalog Error: Table with name/i.test(message))
    return `Save to the table first, or check "table" and "schema" of "${owner.name}".`;
  if (/^Catalog Error: Schema/i.test(message)) return `Check "schema" of "${owner.name}".`;
  if (/^(Parser|Binder) Error/i.test(message)) return `Check the SQL of "${owner.name}".`;
  if (/lock/i.test(message))
    return 'Another process has this database file open. DuckDB lets one process write a file at a time.';
  return undefined;
}

/**
 * The DuckDB instances Sluice's datasets run on. `@duckdb/node-api` is a 68 MB native module, so it
 * is imported on first use only: a CLI command that never touches a DuckDB-backed dataset never
 * pays for it.
 *
 * - One in-memory instance per process serves every file dataset (parquet, duckdb_csv). Each
 *   operation opens its own connection on it (about 0.1 ms), so concurrent loads and saves from a
 *   parallel runner never share a connection or its temporary tables.
 * - A DuckDB database file gets one instance per path, shared by every dataset that names it and
 *   closed when the last of them is released, which unlocks the file for other processes.
 */
import type * as DuckDBApi from '@duckdb/node-api';
import type { DuckDBConnection, DuckDBInstance } from '@duckdb/node-api';
import { createRequire } from 'node:module';
import { importOptional } from '../../optional-package.ts';
import { DUCKDB_PACKAGES } from './dataset-packages.ts';

/** The `@duckdb/node-api` module namespace. */
export type DuckDBModule = typeof DuckDBApi;

const requirePackage = createRequire(import.meta.url);
let modulePromise: Promise<DuckDBModule> | undefined;
let sharedInstance: Promise<DuckDBInstance> | undefined;
const fileInstances = new Map<string, { instance: Promise<DuckDBInstance>; users: number }>();

/** What needs DuckDB when no dataset says so. */
const DUCKDB_FEATURE = 'A DuckDB-backed dataset (parquet, duckdb_csv, duckdb_table, duckdb_query)';

/**
 * Imports `@duckdb/node-api` once (an optional peer dependency). `feature` names what needs it in
 * the `MissingPackageError` thrown when it isn't installed; a failed import is retried by the next
 * caller, so each dataset reports itself.
 */
export function loadDuckDB(feature: string = DUCKDB_FEATURE): Promise<DuckDBModule> {
  if (modulePromise === undefined) {
    // `require`, not `import()`: the package is CommonJS, and an import first has Node's ESM
    // loader scan its source for export names, about 90 ms more on every thread that opens DuckDB
    // (docs/benchmarks.md, "DuckDB: require, not import").
    const loading = importOptional(
      async () => requirePackage('@duckdb/node-api') as DuckDBModule,
      DUCKDB_PACKAGES,
      feature,
    );
    modulePromise = loading;
    loading.catch(() => {
      if (modulePromise === loading) modulePromise = undefined;
    });
  }
  return modulePromise;
}

/** The process-wide in-memory instance, created on first call. */
export function sharedDuckDBInstance(feature?: string): Promise<DuckDBInstance> {
  if (sharedInstance === undefined) {
    const instance = createInstance(':memory:', feature);
    sharedInstance = instance;
    // A failed start (a broken native binary) is retried by the next caller rather than cached.
    instance.catch(() => {
      if (sharedInstance === instance) sharedInstance = undefined;
    });
  }
  return sharedInstance;
}

/**
 * Opens (or shares) the instance for a database file. Every call must be matched by one
 * `releaseDuckDBFile(path)`.
 */
export function acquireDuckDBFile(path: string, feature?: string): Promise<DuckDBInstance> {
  let entry = fileInstances.get(path);
  if (entry === undefined) {
    const instance = createInstance(path, feature);
    entry = { instance, users: 0 };
    fileInstances.set(path, entry);
    instance.catch(() => {
      if (fileInstances.get(path)?.instance === instance) fileInstances.delete(path);
    });
  }
  entry.users += 1;
  return entry.instance;
}

/** Gives back one use of a database file; the last one closes the instance and unlocks the file. */
export async function releaseDuckDBFile(path: string): Promise<void> {
  const entry = fileInstances.get(path);
  if (entry === undefined) return;
  entry.users -= 1;
  if (entry.users > 0) return;
  fileInstances.delete(path);
  try {
    (await entry.instance).closeSync();
  } catch {
    // The instance never opened; there is nothing to close.
  }
}

/** Runs `use` on a fresh connection to `instance` and always disconnects afterwards. */
export async function withDuckDBConnection<T>(
  instance: DuckDBInstance,
  use: (connection: DuckDBConnection) => Promise<T>,
): Promise<T> {
  const connection = await instance.connect();
  try {
    return await use(connection);
  } finally {
    connection.closeSync();
  }
}

async function createInstance(path: string, feature: string | undefined): Promise<DuckDBInstance> {
  const { DuckDBInstance } = await loadDuckDB(feature);
  const instance = await DuckDBInstance.create(path);
  // Timestamps with a time zone are written in UTC, so a CSV saved on a laptop in Paris reads the
  // same on a server in Oregon. Setting it needs the ICU extension, which the npm build bundles;
  // without it DuckDB already works in UTC.
  await withDuckDBConnection(instance, async (connection) => {
    await connection.run("SET GLOBAL TimeZone = 'UTC'").catch(() => undefined);
  });
  return instance;
}

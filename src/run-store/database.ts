import { mkdirSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname } from 'node:path';
import type BetterSqlite3 from 'better-sqlite3';
import { RunStoreError } from './errors.ts';
import { MIGRATIONS, SCHEMA_VERSION } from './schema.ts';

export type Database = BetterSqlite3.Database;

const require = createRequire(import.meta.url);
let driver: typeof BetterSqlite3 | undefined;

/** Options for opening the database file. */
export interface DatabaseOptions {
  /** How long a statement waits for another process's write lock before failing. Default 5000. */
  readonly busyTimeoutMs?: number;
}

/**
 * Opens (creating if needed) the SQLite file at `path` in WAL mode and brings its schema to the
 * current version. The driver loads on first use, so importing `sluice/plugin` costs nothing.
 * WAL with `synchronous = NORMAL`: readers never block the writer, and a commit doesn't wait for
 * the disk (a power cut may lose the last commits, never corrupt the file).
 */
export function openDatabase(path: string, options: DatabaseOptions = {}): Database {
  driver ??= require('better-sqlite3') as typeof BetterSqlite3;
  mkdirSync(dirname(path), { recursive: true });
  let database: Database;
  try {
    database = new driver(path, { timeout: options.busyTimeoutMs ?? 5000 });
  } catch (error) {
    throw new RunStoreError(`Could not open the run store at ${path}: ${(error as Error).message}`, {
      cause: error,
      hint: 'Check that the folder is writable, or turn tracking off (SLUICE_TRACKING=off).',
    });
  }
  try {
    database.pragma('journal_mode = WAL');
    database.pragma('synchronous = NORMAL');
    migrate(database, path);
  } catch (error) {
    database.close();
    if (error instanceof RunStoreError) throw error;
    throw new RunStoreError(`Could not prepare the run store at ${path}: ${(error as Error).message}`, {
      cause: error,
      hint: 'If another Sluice process holds it, try again; if the file is damaged, move it aside (a new one is created).',
    });
  }
  return database;
}

/** The schema version of an open database (`PRAGMA user_version`). */
export function schemaVersion(database: Database): number {
  return database.pragma('user_version', { simple: true }) as number;
}

/** Runs the migrations the file lacks, all in one transaction (another process may race us). */
function migrate(database: Database, path: string): void {
  if (schemaVersion(database) === SCHEMA_VERSION) return;
  database
    .transaction(() => {
      const version = schemaVersion(database);
      if (version > SCHEMA_VERSION) {
        throw new RunStoreError(
          `The run store at ${path} has schema version ${version}, newer than this Sluice knows (${SCHEMA_VERSION}).`,
          { hint: 'Upgrade Sluice, or move the file aside to start a new history.' },
        );
      }
      for (let next = version; next < SCHEMA_VERSION; next++) database.exec(MIGRATIONS[next]!);
      database.pragma(`user_version = ${SCHEMA_VERSION}`);
    })
    .immediate();
}

/**
 * A PostgreSQL connection for one SQL dataset: credentials checked when the catalog is built,
 * `pg` imported and a small pool opened on first use, closed by `release()`. Everything that
 * could carry a password (the connection string, error messages, error causes) passes through
 * `redact` before a user or a log sees it.
 */
import type { Pool, PoolClient, QueryResult, types as PgTypes } from 'pg';
import { DatasetError } from '../dataset.ts';
import type { OptionsOwner } from './dataset-options.ts';
import { datasetSubject } from './dataset-options.ts';
import { isPlainObject } from '../../values.ts';
import { safeNumber } from './duckdb-read.ts';
import { redactSecrets } from './redact.ts';
import { MissingPackageError, importOptional } from '../../optional-package.ts';
import { POSTGRES_PACKAGES } from './dataset-packages.ts';

/**
 * The credentials entry a PostgreSQL dataset references, in either form:
 * `con: postgresql://user:password@host:5432/database` (Kedro's SQLAlchemy URL; a `+driver`
 * suffix such as `postgresql+psycopg2://` is accepted and ignored), or separate fields.
 */
export interface PostgresCredentials {
  con?: string;
  host?: string;
  port?: number | string;
  user?: string;
  /** Kedro/SQLAlchemy spelling of `user`. */
  username?: string;
  password?: string | number;
  database?: string;
  /** libpq spelling of `database`. */
  dbname?: string;
  /** `true` for TLS with certificate checks, or a mapping of Node TLS options. */
  ssl?: boolean | Record<string, unknown>;
}

/** Where the data lives, safe to show: never the user name or password. */
export interface PostgresTarget {
  host?: string;
  port?: number;
  database?: string;
}

const CREDENTIAL_KEYS = ['con', 'host', 'port', 'user', 'username', 'password', 'database', 'dbname', 'ssl'];

/** How long to wait for a server before failing with a clear error rather than hanging. */
const CONNECT_TIMEOUT_MS = 15_000;

interface PoolSettings {
  connectionString?: string;
  host?: string;
  port?: number;
  user?: string;
  password?: string;
  database?: string;
  ssl?: boolean | Record<string, unknown>;
}

/** The part of a pg error we keep: its message (redacted) and SQLSTATE code. */
export interface PostgresErrorInfo {
  message: string;
  code: string | undefined;
}

export class PostgresConnection {
  /** Host, port and database, for `describe()` and messages. */
  readonly target: PostgresTarget;
  readonly #owner: OptionsOwner;
  readonly #settings: PoolSettings;
  readonly #secrets: string[];
  #pool: Promise<Pool> | undefined;

  constructor(owner: OptionsOwner, credentials: unknown) {
    this.#owner = owner;
    const { settings, secrets, target } = readCredentials(owner, credentials);
    this.#settings = settings;
    this.#secrets = secrets;
    this.target = target;
  }

  /** `test on 127.0.0.1:5432`, for messages. */
  get where(): string {
    const { host, port, database } = this.target;
    const server =
      host === undefined ? 'the default server' : `${host}${port === undefined ? '' : `:${port}`}`;
    return database === undefined ? server : `database "${database}" on ${server}`;
  }

  /** Runs one statement on a pooled connection. */
  async query(sql: string, parameters?: readonly unknown[]): Promise<QueryResult> {
    const pool = await this.#openPool();
    return pool.query(sql, parameters as unknown[] | undefined);
  }

  /** Runs `work` inside BEGIN ... COMMIT on one connection; any failure rolls everything back. */
  async transaction<T>(work: (client: PoolClient) => Promise<T>): Promise<T> {
    const pool = await this.#openPool();
    const client = await pool.connect();
    let healthy = true;
    try {
      await client.query('BEGIN');
      const result = await work(client);
      await client.query('COMMIT');
      return result;
    } catch (error) {
      await client.query('ROLLBACK').catch(() => {
        healthy = false;
      });
      throw error;
    } finally {
      client.release(!healthy);
    }
  }

  /** Closes the pool; the next query opens a new one. */
  async close(): Promise<void> {
    const pool = this.#pool;
    this.#pool = undefined;
    if (pool === undefined) return;
    try {
      await (await pool).end();
    } catch {
      // The pool never opened (the server was unreachable); nothing is left to close.
    }
  }

  /** `text` with the password and connection string masked, and any URL userinfo too. */
  redact(text: string): string {
    return redactSecrets(text, this.#secrets).replace(/([a-z][a-z0-9+.-]*:\/\/)[^@\s/'"]*@/gi, '$1***@');
  }

  /** A pg or network error reduced to a redacted message and its SQLSTATE (or errno) code. */
  inspect(error: unknown): PostgresErrorInfo {
    const raw = error instanceof Error ? error.message : String(error);
    const code = (error as { code?: unknown } | undefined)?.code;
    return {
      message: this.redact(raw === '' ? String(code ?? 'unknown error') : raw),
      code: typeof code === 'string' ? code : undefined,
    };
  }

  /**
   * A `DatasetError` for a failure while `doing` something (`load table "public"."x"`). Its cause
   * is a redacted copy of the original error, so not even a debugger dump shows the password.
   */
  failure(doing: string, error: unknown, hint?: string): DatasetError | MissingPackageError {
    if (error instanceof DatasetError || error instanceof MissingPackageError) return error;
    const { message, code } = this.inspect(error);
    const cause = Object.assign(new Error(message), code === undefined ? {} : { code });
    return new DatasetError(
      `${datasetSubject(this.#owner)} could not ${doing} in ${this.where}: ${message}`,
      {
        datasetName: this.#owner.name,
        cause,
        hint: hint ?? hintFor(code, this.#owner),
      },
    );
  }

  #openPool(): Promise<Pool> {
    if (this.#pool === undefined) {
      const opening = createPool(this.#settings, datasetSubject(this.#owner));
      this.#pool = opening;
      opening.catch(() => {
        if (this.#pool === opening) this.#pool = undefined;
      });
    }
    return this.#pool;
  }
}

async function createPool(settings: PoolSettings, feature: string): Promise<Pool> {
  const pg = (await importOptional(() => import('pg'), POSTGRES_PACKAGES, feature)).default;
  const pool = new pg.Pool({
    ...settings,
    max: 4,
    // Idle connections must not keep a finished `sluice run` alive.
    allowExitOnIdle: true,
    connectionTimeoutMillis: CONNECT_TIMEOUT_MS,
    types: typeParsers(pg.types),
  });
  // An idle connection the server drops emits 'error' on the pool; unhandled, it would crash the
  // process. The next query reports the problem instead.
  pool.on('error', () => undefined);
  return pool;
}

/**
 * Per-pool type parsers (never pg's global ones, which other code in the process may rely on):
 * int8 as a number when exact, else a bigint (the same rule as DuckDB rows); date and timestamp
 * without time zone as UTC `Date`s, so a load does not depend on the machine's time zone.
 */
function typeParsers(types: typeof PgTypes): { getTypeParser: typeof PgTypes.getTypeParser } {
  const INT8 = 20;
  const DATE = 1082;
  const TIMESTAMP = 1114;
  const custom = new Map<number, (text: string) => unknown>([
    [INT8, (text) => safeNumber(BigInt(text))],
    [DATE, (text) => (/^\d{4}-\d{2}-\d{2}$/.test(text) ? new Date(`${text}T00:00:00Z`) : text)],
    [
      TIMESTAMP,
      (text) =>
        /^\d{4}-\d{2}-\d{2} \d{2}:\d{2}:\d{2}(\.\d+)?$/.test(text)
          ? new Date(`${text.replace(' ', 'T')}Z`)
          : text,
    ],
  ]);
  const getTypeParser = ((oid: number, format?: 'text' | 'binary') => {
    const parser = format === 'binary' ? undefined : custom.get(oid);
    return parser ?? types.getTypeParser(oid, format as 'text');
  }) as typeof PgTypes.getTypeParser;
  return { getTypeParser };
}

function readCredentials(
  owner: OptionsOwner,
  credentials: unknown,
): { settings: PoolSettings; secrets: string[]; target: PostgresTarget } {
  const fail = (message: string, hint?: string) =>
    new DatasetError(`${datasetSubject(owner)}: ${message}`, {
      datasetName: owner.name,
      hint:
        hint ??
        'In conf/local/credentials.yml: `my_db: { con: postgresql://user:password@host:5432/database }`, then `credentials: my_db` on the dataset.',
    });
  if (credentials === undefined || credentials === null)
    throw fail('needs credentials for PostgreSQL, and none were given.');
  if (!isPlainObject(credentials))
    throw fail('its credentials must be a mapping (con, or host/port/user/password/database).');
  for (const key of Object.keys(credentials)) {
    if (!CREDENTIAL_KEYS.includes(key))
      throw fail(
        `unknown credentials key "${key}".`,
        `PostgreSQL credentials take: ${CREDENTIAL_KEYS.join(', ')}.`,
      );
  }
  const text = (key: string): string | undefined => {
    const value = credentials[key];
    if (value === undefined || value === null) return undefined;
    // YAML reads `password: 12345` as a number; it is still a password. Values are never echoed.
    if (typeof value === 'number' && key !== 'con') return String(value);
    if (typeof value !== 'string' || value === '')
      throw fail(`credentials key "${key}" must be a non-empty string.`);
    return value;
  };
  const secrets: string[] = [];
  const settings: PoolSettings = {};
  const target: PostgresTarget = {};
  const con = text('con');
  if (con !== undefined) {
    const connectionString = con.replace(/^(postgres(?:ql)?)\+[a-z0-9_]+:\/\//i, '$1://');
    if (!/^postgres(ql)?:\/\//i.test(connectionString)) {
      throw fail(
        'credentials key "con" must be a postgresql:// connection string.',
        'For example con: postgresql://user:password@host:5432/database.',
      );
    }
    settings.connectionString = connectionString;
    secrets.push(con, connectionString);
    try {
      const url = new URL(connectionString);
      if (url.password !== '') secrets.push(url.password, decodeURIComponent(url.password));
      if (url.hostname !== '') target.host = url.hostname;
      if (url.port !== '') target.port = Number(url.port);
      const database = decodeURIComponent(url.pathname.replace(/^\//, ''));
      if (database !== '') target.database = database;
    } catch {
      // pg parses forms URL does not (such as a socket folder as host); describe() then shows less.
    }
  }
  const host = text('host');
  const portText = text('port');
  const user = text('user') ?? text('username');
  const password = text('password');
  const database = text('database') ?? text('dbname');
  if (host !== undefined) settings.host = target.host = host;
  if (portText !== undefined) {
    const port = Number(portText);
    if (!Number.isInteger(port) || port <= 0 || port > 65535)
      throw fail('credentials key "port" must be a port number.');
    settings.port = target.port = port;
  }
  if (user !== undefined) settings.user = user;
  if (password !== undefined) {
    settings.password = password;
    secrets.push(password);
  }
  if (database !== undefined) settings.database = target.database = database;
  const ssl = credentials.ssl;
  if (ssl !== undefined && ssl !== null) {
    if (typeof ssl !== 'boolean' && !isPlainObject(ssl))
      throw fail('credentials key "ssl" must be true, false or a mapping of TLS options.');
    settings.ssl = ssl;
  }
  if (con === undefined && host === undefined && database === undefined) {
    throw fail('its credentials name no server: give "con", or "host" and "database".');
  }
  return { settings, secrets, target };
}

/** What to do about the usual PostgreSQL failures, by SQLSTATE or errno. */
function hintFor(code: string | undefined, owner: OptionsOwner): string | undefined {
  switch (code) {
    case '42P01':
      return `Create the table first, or check "table" and "schema" of "${owner.name}".`;
    case '3F000':
      return `Check "schema" of "${owner.name}"; the schema does not exist.`;
    case '42601':
    case '42703':
    case '42883':
      return `Check the SQL of "${owner.name}".`;
    case '28P01':
    case '28000':
      return 'Check the user and password in the credentials.';
    case '3D000':
      return 'Check the database name in the credentials.';
    case 'ECONNREFUSED':
    case 'ENOTFOUND':
    case 'ETIMEDOUT':
      return 'Check that PostgreSQL is running and that host and port in the credentials are right.';
    default:
      return undefined;
  }
}

/**
 * Turns a DuckDB query result into rows or an Arrow table.
 *
 * Rows hold plain JS values:
 * - BIGINT, UBIGINT, HUGEINT, UHUGEINT: a `number` when the value is a safe integer
 *   (|n| <= 2^53 - 1), else a `bigint`, decided value by value. Counts and ids read as numbers,
 *   and no digit is ever lost.
 * - DECIMAL: a `number` (a double). DATE, TIMESTAMP and TIMESTAMPTZ: a `Date` (milliseconds).
 * - JSON columns: the parsed value. BLOB: a `Uint8Array`. LIST, STRUCT, MAP: arrays and objects.
 *
 * Arrow tables keep 64-bit integers as Int64 (`bigint` values), DATE as DateDay, timestamps as
 * millisecond timestamps (UTC for TIMESTAMPTZ), DECIMAL as Float64; nested and exotic types
 * become Utf8 text (JSON for nested values).
 *
 * Values are read straight off DuckDB's vectors, chunk by chunk from a streaming result, which is
 * faster than the library's generic row converters and never materialises the result twice.
 */
import type {
  DuckDBConnection,
  DuckDBDataChunk,
  DuckDBType,
  DuckDBValue,
  DuckDBVector,
} from '@duckdb/node-api';
import type * as Arrow from 'apache-arrow';
import type { DataType, Vector } from 'apache-arrow';
import type { DuckDBModule } from './duckdb-instance.ts';
import { loadDuckDB } from './duckdb-instance.ts';
import type { ArrowTable, LoadShape, Row } from './tabular-data.ts';

type ReadValue = (vector: DuckDBVector, index: number) => unknown;

const MAX_SAFE = BigInt(Number.MAX_SAFE_INTEGER);
const MIN_SAFE = -MAX_SAFE;

/** Values for `$1`, `$2`, ... in the SQL; DuckDB infers their types. */
export type QueryParameters = readonly unknown[];

/** Runs `sql` and returns its result as rows or as an Arrow table. */
export async function readQuery(
  connection: DuckDBConnection,
  sql: string,
  shape: LoadShape,
  parameters?: QueryParameters,
): Promise<Row[] | ArrowTable> {
  return shape === 'arrow' ? readArrow(connection, sql, parameters) : readRows(connection, sql, parameters);
}

/** Runs `sql` and returns one plain object per row (see the module comment for value types). */
export async function readRows(
  connection: DuckDBConnection,
  sql: string,
  parameters?: QueryParameters,
): Promise<Row[]> {
  const duckdb = await loadDuckDB();
  const result = await connection.stream(sql, parameters as DuckDBValue[] | undefined);
  const names = result.deduplicatedColumnNames();
  const readers = result.columnTypes().map((type) => rowValueReader(duckdb, type));
  const makeRow = rowFactory(names);
  const rows: Row[] = [];
  const columns: unknown[][] = names.map(() => []);
  for (
    let chunk = await result.fetchChunk();
    chunk !== null && chunk.rowCount > 0;
    chunk = await result.fetchChunk()
  ) {
    const count = chunk.rowCount;
    for (let column = 0; column < names.length; column++) {
      const vector = chunk.getColumnVector(column);
      const read = readers[column]!;
      const values = columns[column]!;
      values.length = count;
      for (let index = 0; index < count; index++) values[index] = read(vector, index);
    }
    for (let index = 0; index < count; index++) rows.push(makeRow(columns, index));
  }
  return rows;
}

/** Runs `sql` and returns an Arrow table (see the module comment for the type mapping). */
export async function readArrow(
  connection: DuckDBConnection,
  sql: string,
  parameters?: QueryParameters,
): Promise<ArrowTable> {
  const [duckdb, arrow] = await Promise.all([loadDuckDB(), import('apache-arrow')]);
  const result = await connection.stream(sql, parameters as DuckDBValue[] | undefined);
  const names = result.deduplicatedColumnNames();
  const plans = result.columnTypes().map((type) => arrowColumnPlan(duckdb, arrow, type));
  const columns: unknown[][] = names.map(() => []);
  for (
    let chunk: DuckDBDataChunk | null = await result.fetchChunk();
    chunk !== null && chunk.rowCount > 0;
    chunk = await result.fetchChunk()
  ) {
    const count = chunk.rowCount;
    for (let column = 0; column < names.length; column++) {
      const vector = chunk.getColumnVector(column);
      const read = plans[column]!.read;
      const values = columns[column]!;
      for (let index = 0; index < count; index++) values.push(read(vector, index));
    }
  }
  const vectors: Record<string, Vector> = {};
  names.forEach((name, column) => {
    vectors[name] = arrow.vectorFromArray(columns[column]!, plans[column]!.type) as Vector;
  });
  return names.length === 0 ? new arrow.Table() : new arrow.Table(vectors);
}

function rowValueReader(duckdb: DuckDBModule, type: DuckDBType): ReadValue {
  const { DuckDBTypeId, JSDuckDBValueConverter } = duckdb;
  if (type.alias === 'JSON') {
    return (vector, index) => {
      const text = vector.getItem(index);
      return typeof text === 'string' ? JSON.parse(text) : null;
    };
  }
  switch (type.typeId) {
    case DuckDBTypeId.BOOLEAN:
    case DuckDBTypeId.TINYINT:
    case DuckDBTypeId.SMALLINT:
    case DuckDBTypeId.INTEGER:
    case DuckDBTypeId.UTINYINT:
    case DuckDBTypeId.USMALLINT:
    case DuckDBTypeId.UINTEGER:
    case DuckDBTypeId.FLOAT:
    case DuckDBTypeId.DOUBLE:
    case DuckDBTypeId.VARCHAR:
      return (vector, index) => vector.getItem(index);
    case DuckDBTypeId.BIGINT:
    case DuckDBTypeId.UBIGINT:
    case DuckDBTypeId.HUGEINT:
    case DuckDBTypeId.UHUGEINT:
      return (vector, index) => safeNumber(vector.getItem(index) as bigint | null);
    default:
      return (vector, index) => {
        const value = vector.getItem(index);
        return value === null ? null : JSDuckDBValueConverter(value, type, JSDuckDBValueConverter);
      };
  }
}

/** A bigint that fits a double exactly becomes a number; others stay bigint. */
export function safeNumber(value: bigint | null): number | bigint | null {
  if (value === null) return null;
  return value <= MAX_SAFE && value >= MIN_SAFE ? Number(value) : value;
}

interface ArrowColumnPlan {
  type: DataType;
  read: ReadValue;
}

function arrowColumnPlan(duckdb: DuckDBModule, arrow: typeof Arrow, type: DuckDBType): ArrowColumnPlan {
  const { DuckDBTypeId, JSDuckDBValueConverter } = duckdb;
  const raw: ReadValue = (vector, index) => vector.getItem(index);
  const converted: ReadValue = (vector, index) => {
    const value = vector.getItem(index);
    return value === null ? null : JSDuckDBValueConverter(value, type, JSDuckDBValueConverter);
  };
  const text: ReadValue = (vector, index) => {
    const value = converted(vector, index);
    if (value === null || typeof value === 'string') return value;
    if (typeof value === 'bigint') return value.toString();
    return JSON.stringify(value, (_key, item: unknown) =>
      typeof item === 'bigint' ? item.toString() : item,
    );
  };
  if (type.alias === 'JSON') return { type: new arrow.Utf8(), read: raw };
  switch (type.typeId) {
    case DuckDBTypeId.BOOLEAN:
      return { type: new arrow.Bool(), read: raw };
    case DuckDBTypeId.TINYINT:
      return { type: new arrow.Int8(), read: raw };
    case DuckDBTypeId.SMALLINT:
      return { type: new arrow.Int16(), read: raw };
    case DuckDBTypeId.INTEGER:
      return { type: new arrow.Int32(), read: raw };
    case DuckDBTypeId.BIGINT:
      return { type: new arrow.Int64(), read: raw };
    case DuckDBTypeId.UTINYINT:
      return { type: new arrow.Uint8(), read: raw };
    case DuckDBTypeId.USMALLINT:
      return { type: new arrow.Uint16(), read: raw };
    case DuckDBTypeId.UINTEGER:
      return { type: new arrow.Uint32(), read: raw };
    case DuckDBTypeId.UBIGINT:
      return { type: new arrow.Uint64(), read: raw };
    case DuckDBTypeId.FLOAT:
      return { type: new arrow.Float32(), read: raw };
    case DuckDBTypeId.DOUBLE:
    case DuckDBTypeId.DECIMAL:
      return { type: new arrow.Float64(), read: converted };
    case DuckDBTypeId.VARCHAR:
      return { type: new arrow.Utf8(), read: raw };
    case DuckDBTypeId.ENUM:
    case DuckDBTypeId.UUID:
      return { type: new arrow.Utf8(), read: converted };
    case DuckDBTypeId.BLOB:
      return { type: new arrow.Binary(), read: converted };
    case DuckDBTypeId.DATE:
      return { type: new arrow.DateDay(), read: converted };
    case DuckDBTypeId.TIMESTAMP:
    case DuckDBTypeId.TIMESTAMP_S:
    case DuckDBTypeId.TIMESTAMP_MS:
    case DuckDBTypeId.TIMESTAMP_NS:
      return { type: new arrow.TimestampMillisecond(), read: converted };
    case DuckDBTypeId.TIMESTAMP_TZ:
      return { type: new arrow.Timestamp(arrow.TimeUnit.MILLISECOND, 'UTC'), read: converted };
    default:
      return { type: new arrow.Utf8(), read: text };
  }
}

/**
 * Builds row objects from per-column value arrays with a generated function, so every row of a
 * result shares one hidden class (much faster to build and to read than objects grown key by key).
 * A column named `__proto__` is emitted as a computed key, which defines an ordinary own property
 * (a literal `__proto__:` key would set the object's prototype instead).
 */
function rowFactory(names: readonly string[]): (columns: unknown[][], index: number) => Row {
  const body = names
    .map((name, column) => {
      const key = name === '__proto__' ? `[${JSON.stringify(name)}]` : JSON.stringify(name);
      return `${key}: columns[${column}][index]`;
    })
    .join(', ');
  return new Function('columns', 'index', `return { ${body} };`) as (
    columns: unknown[][],
    index: number,
  ) => Row;
}

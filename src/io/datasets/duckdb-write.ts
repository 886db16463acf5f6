/**
 * Loads rows or an Arrow table into a temporary DuckDB table, from which a dataset then runs
 * `COPY ... TO` (Parquet, CSV) or `CREATE TABLE ... AS` (a DuckDB database file). Data goes in
 * through DuckDB's appender a data chunk (2048 rows) at a time, the library's fastest bulk path.
 *
 * Column types for rows come from `inferColumns`: whole numbers become BIGINT (HUGEINT beyond 64
 * bits), other numbers DOUBLE, strings VARCHAR, booleans BOOLEAN, `Date`s TIMESTAMPTZ, plain
 * objects and arrays JSON, `Uint8Array`s BLOB, all-null columns VARCHAR. Arrow tables keep their
 * schema (see `arrowColumn` for the mapping).
 */
import type { DuckDBConnection, DuckDBType, JS } from '@duckdb/node-api';
import type { DataType, Vector } from 'apache-arrow';
import type { ColumnKind } from './column-inference.ts';
import { inferColumns } from './column-inference.ts';
import { loadDuckDB } from './duckdb-instance.ts';
import { quoteIdentifier } from './sql-quoting.ts';
import type { ArrowTable, Row, TabularData } from './tabular-data.ts';
import { isArrowTable, toJsonText } from './tabular-data.ts';

/** An Arrow column whose type has no DuckDB counterpart Sluice can write. */
export class UnsupportedArrowTypeError extends Error {
  constructor(
    readonly column: string,
    readonly arrowType: string,
  ) {
    super(`column "${column}" has Arrow type ${arrowType}, which Sluice can't write to DuckDB.`);
  }
}

/** Rows with no columns can't make a table. */
export class NoColumnsError extends Error {
  constructor() {
    super('the data has no columns (an empty array of rows carries no schema).');
  }
}

interface StagedColumn {
  name: string;
  sqlType: string;
  /** The column's values for rows [start, end), as the JS values DuckDB's converter takes. */
  slice(start: number, end: number): readonly unknown[];
}

const CHUNK_ROWS = 2048;

const DUCKDB_TYPE_FOR_KIND: Record<ColumnKind, string> = {
  boolean: 'BOOLEAN',
  integer: 'BIGINT',
  bigint: 'BIGINT',
  hugeint: 'HUGEINT',
  double: 'DOUBLE',
  text: 'VARCHAR',
  timestamp: 'TIMESTAMPTZ',
  json: 'JSON',
  binary: 'BLOB',
};

/**
 * Creates the temporary table `table` on `connection` and fills it with `data`. Returns the row
 * count. The table lives as long as the connection, or until the caller drops it.
 */
export async function stageData(connection: DuckDBConnection, table: string, data: TabularData): Promise<number> {
  const { columns, rowCount } = isArrowTable(data) ? await arrowColumns(data) : rowColumns(data as readonly Row[]);
  if (columns.length === 0) throw new NoColumnsError();
  const definition = columns.map((column) => `${quoteIdentifier(column.name)} ${column.sqlType}`).join(', ');
  await connection.run(`CREATE OR REPLACE TEMP TABLE ${quoteIdentifier(table)} (${definition})`);
  const { DuckDBDataChunk, JSToDuckDBValueConverter } = await loadDuckDB();
  const appender = await connection.createAppender(table, 'main', 'temp');
  try {
    const types: DuckDBType[] = columns.map((_, index) => appender.columnType(index));
    for (let start = 0; start < rowCount; start += CHUNK_ROWS) {
      const end = Math.min(start + CHUNK_ROWS, rowCount);
      const chunk = DuckDBDataChunk.create(types, end - start);
      // The slices hold exactly the JS values the converter documents (numbers, strings, Dates...).
      chunk.setColumnsConverted(columns.map((column) => column.slice(start, end)) as JS[][], JSToDuckDBValueConverter);
      appender.appendDataChunk(chunk);
    }
  } finally {
    appender.closeSync();
  }
  return rowCount;
}

function rowColumns(rows: readonly Row[]): { columns: StagedColumn[]; rowCount: number } {
  const columns = inferColumns(rows).map(({ name, kind }): StagedColumn => {
    const prepare = valuePreparer(kind);
    return {
      name,
      sqlType: DUCKDB_TYPE_FOR_KIND[kind],
      slice(start, end) {
        const values = new Array<unknown>(end - start);
        for (let index = start; index < end; index++) {
          const value = rows[index]![name];
          values[index - start] = value === undefined || value === null ? null : prepare(value);
        }
        return values;
      },
    };
  });
  return { columns, rowCount: rows.length };
}

function valuePreparer(kind: ColumnKind): (value: unknown) => unknown {
  switch (kind) {
    case 'double':
      return (value) => (typeof value === 'bigint' ? Number(value) : value);
    case 'json':
      return (value) => toJsonText(value);
    default:
      return (value) => value;
  }
}

async function arrowColumns(table: ArrowTable): Promise<{ columns: StagedColumn[]; rowCount: number }> {
  const { DataType } = await import('apache-arrow');
  const columns = table.schema.fields.map((field, index) => arrowColumn(DataType, field.name, field.type, table.getChildAt(index)!));
  return { columns, rowCount: table.numRows };
}

/**
 * Arrow to DuckDB: Bool, Int8..Int64, Uint8..Uint64, Float16/32/64, Utf8 (and dictionary-encoded
 * Utf8), Binary, Date (DATE), Timestamp (TIMESTAMP, or TIMESTAMPTZ when it has a time zone;
 * millisecond precision), and List/Struct/Map/FixedSizeList as JSON text. Decimal, Time, Interval,
 * Duration and Union are refused with `UnsupportedArrowTypeError`.
 */
function arrowColumn(types: typeof DataType, name: string, type: DataType, vector: Vector): StagedColumn {
  const fast = (sqlType: string): StagedColumn => {
    // Numeric columns without nulls come out of Arrow as one typed array: no per-value work.
    const values: ArrayLike<unknown> = vector.nullCount === 0 ? vector.toArray() : Array.from(vector);
    return { name, sqlType, slice: (start, end) => Array.prototype.slice.call(values, start, end) };
  };
  const mapped = (sqlType: string, convert: (value: unknown) => unknown): StagedColumn => {
    const values = Array.from(vector, (value: unknown) => (value === null || value === undefined ? null : convert(value)));
    return { name, sqlType, slice: (start, end) => values.slice(start, end) };
  };
  if (types.isBool(type)) return mapped('BOOLEAN', (value) => value);
  if (types.isInt(type)) {
    const widths: Record<number, string> = { 8: 'TINYINT', 16: 'SMALLINT', 32: 'INTEGER', 64: 'BIGINT' };
    return fast(`${type.isSigned ? '' : 'U'}${widths[type.bitWidth]}`);
  }
  if (types.isFloat(type)) return fast(type.precision === 2 ? 'DOUBLE' : 'FLOAT');
  if (types.isUtf8(type) || types.isLargeUtf8(type) || types.isUtf8View(type)) return mapped('VARCHAR', (value) => value);
  if (types.isDictionary(type) && (types.isUtf8(type.dictionary) || types.isLargeUtf8(type.dictionary))) {
    return mapped('VARCHAR', (value) => value);
  }
  if (types.isBinary(type) || types.isLargeBinary(type) || types.isFixedSizeBinary(type) || types.isBinaryView(type)) {
    return mapped('BLOB', (value) => value);
  }
  if (types.isDate(type)) return mapped('DATE', (value) => toDate(value));
  if (types.isTimestamp(type)) return mapped(type.timezone ? 'TIMESTAMPTZ' : 'TIMESTAMP', (value) => toDate(value));
  if (types.isList(type) || types.isStruct(type) || types.isMap(type) || types.isFixedSizeList(type) || types.isLargeList(type)) {
    return mapped('JSON', (value) => toJsonText(value));
  }
  if (types.isNull(type)) return mapped('VARCHAR', () => null);
  throw new UnsupportedArrowTypeError(name, String(type));
}

function toDate(value: unknown): Date {
  if (value instanceof Date) return value;
  return new Date(Number(value));
}

/**
 * Loads rows or an Arrow table into a temporary DuckDB table, and gives back the SELECT that reads
 * it with its final column types. A dataset then runs `COPY (select) TO ...` (Parquet, CSV) or
 * `CREATE TABLE ... AS select` (a DuckDB database file).
 *
 * Data goes in through DuckDB's appender a data chunk (2048 rows) at a time, the library's
 * fastest bulk path. Values are staged in the type that JS hands over cheapest and cast in SQL,
 * where DuckDB does it in bulk: whole numbers travel as DOUBLE (exact up to 2^53, which is all
 * a JS number can hold) and are cast to BIGINT, and `Date`s travel as epoch milliseconds and
 * become TIMESTAMPTZ. That saves allocating a `bigint` or a timestamp object per value.
 *
 * Column types for rows come from `inferColumns`: whole numbers become BIGINT (HUGEINT beyond 64
 * bits), other numbers DOUBLE, strings VARCHAR, booleans BOOLEAN, `Date`s TIMESTAMPTZ, plain
 * objects and arrays JSON, `Uint8Array`s BLOB, all-null columns VARCHAR. Arrow tables keep their
 * schema (see `arrowColumn` for the mapping).
 */
import type { DuckDBConnection, DuckDBType, DuckDBValue, JS } from '@duckdb/node-api';
import type { DataType, Vector } from 'apache-arrow';
import type { ColumnKind, InferredColumn } from './column-inference.ts';
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

/** Staged data: how many rows, and the SELECT that reads them with their final types. */
export interface StagedData {
  rowCount: number;
  select: string;
}

interface StagedColumn {
  name: string;
  /** The type of the column in the staging table. */
  stageType: string;
  /** The SQL type it is cast to on the way out, when it differs from `stageType`. */
  finalType?: string;
  /** Values need DuckDB's JS converter (bigints, blobs); others are set as they are. */
  converted: boolean;
  /** The column's values for rows [start, end). */
  slice(start: number, end: number): readonly unknown[];
}

const CHUNK_ROWS = 2048;

/**
 * Creates the temporary table `table` on `connection`, fills it with `data`, and returns the
 * SELECT reading it back with final types. The table lives as long as the connection.
 */
export async function stageData(
  connection: DuckDBConnection,
  table: string,
  data: TabularData,
): Promise<StagedData> {
  const { columns, rowCount } = isArrowTable(data)
    ? await arrowColumns(data)
    : rowColumns(data as readonly Row[]);
  if (columns.length === 0) throw new NoColumnsError();
  const staged = `temp.main.${quoteIdentifier(table)}`;
  const definition = columns
    .map((column) => `${quoteIdentifier(column.name)} ${column.stageType}`)
    .join(', ');
  await connection.run(`CREATE OR REPLACE TEMP TABLE ${quoteIdentifier(table)} (${definition})`);
  const { DuckDBDataChunk, JSToDuckDBValueConverter } = await loadDuckDB();
  const appender = await connection.createAppender(table, 'main', 'temp');
  try {
    const types: DuckDBType[] = columns.map((_, index) => appender.columnType(index));
    for (let start = 0; start < rowCount; start += CHUNK_ROWS) {
      const end = Math.min(start + CHUNK_ROWS, rowCount);
      const chunk = DuckDBDataChunk.create(types, end - start);
      columns.forEach((column, index) => {
        const values = column.slice(start, end);
        // Staged types take these JS values as they are (numbers, strings, booleans, bigints).
        if (column.converted) chunk.setColumnValuesConverted(index, values as JS[], JSToDuckDBValueConverter);
        else chunk.setColumnValues(index, values as DuckDBValue[]);
      });
      appender.appendDataChunk(chunk);
    }
  } finally {
    appender.closeSync();
  }
  const projections = columns.map((column) => {
    const name = quoteIdentifier(column.name);
    return column.finalType === undefined ? name : `${finalValue(name, column)} AS ${name}`;
  });
  return { rowCount, select: `SELECT ${projections.join(', ')} FROM ${staged}` };
}

/** SQL turning a staged column into its final type. */
function finalValue(name: string, column: StagedColumn): string {
  if (column.stageType === 'DOUBLE' && /^TIMESTAMP|^DATE$/.test(column.finalType!)) {
    // Epoch milliseconds, exact in a double, to a timestamp at microsecond resolution.
    return `CAST(make_timestamp(CAST(${name} AS BIGINT) * 1000) AS ${column.finalType})`;
  }
  return `CAST(${name} AS ${column.finalType})`;
}

function rowColumns(rows: readonly Row[]): { columns: StagedColumn[]; rowCount: number } {
  const columns = inferColumns(rows).map((inferred): StagedColumn => {
    const plan = rowStagePlan(inferred);
    const { name } = inferred;
    const prepare = plan.prepare;
    return {
      name,
      stageType: plan.stageType,
      ...(plan.finalType === undefined ? {} : { finalType: plan.finalType }),
      converted: plan.converted,
      slice(start, end) {
        const values = new Array<unknown>(end - start);
        if (prepare === undefined) {
          for (let index = start; index < end; index++) values[index - start] = rows[index]![name] ?? null;
        } else {
          for (let index = start; index < end; index++) {
            const value = rows[index]![name];
            values[index - start] = value === undefined || value === null ? null : prepare(value);
          }
        }
        return values;
      },
    };
  });
  return { columns, rowCount: rows.length };
}

interface StagePlan {
  stageType: string;
  finalType?: string;
  converted: boolean;
  prepare?: (value: unknown) => unknown;
}

function rowStagePlan({ kind, hasBigints }: InferredColumn): StagePlan {
  const plans: Record<ColumnKind, StagePlan> = {
    boolean: { stageType: 'BOOLEAN', converted: false },
    // Safe integers are exact in a double; only bigint values need the (slower) BIGINT path.
    integer: hasBigints
      ? { stageType: 'BIGINT', converted: true }
      : { stageType: 'DOUBLE', finalType: 'BIGINT', converted: false },
    bigint: hasBigints
      ? { stageType: 'BIGINT', converted: true }
      : { stageType: 'DOUBLE', finalType: 'BIGINT', converted: false },
    hugeint: { stageType: 'HUGEINT', converted: true },
    double: hasBigints
      ? { stageType: 'DOUBLE', converted: false, prepare: (value) => Number(value) }
      : { stageType: 'DOUBLE', converted: false },
    text: { stageType: 'VARCHAR', converted: false },
    timestamp: {
      stageType: 'DOUBLE',
      finalType: 'TIMESTAMPTZ',
      converted: false,
      prepare: (value) => (value as Date).getTime(),
    },
    json: { stageType: 'VARCHAR', finalType: 'JSON', converted: false, prepare: toJsonText },
    binary: { stageType: 'BLOB', converted: true },
  };
  return plans[kind];
}

async function arrowColumns(table: ArrowTable): Promise<{ columns: StagedColumn[]; rowCount: number }> {
  const { DataType } = await import('apache-arrow');
  const columns = table.schema.fields.map((field, index) =>
    arrowColumn(DataType, field.name, field.type, table.getChildAt(index)!),
  );
  return { columns, rowCount: table.numRows };
}

/**
 * Arrow to DuckDB: Bool, Int8..Int64, Uint8..Uint64, Float16/32/64, Utf8 (and dictionary-encoded
 * Utf8), Binary, Date (DATE), Timestamp (TIMESTAMP, or TIMESTAMPTZ when it has a time zone;
 * millisecond precision), and List/Struct/Map/FixedSizeList as JSON. Decimal, Time, Interval,
 * Duration and Union are refused with `UnsupportedArrowTypeError`.
 */
function arrowColumn(types: typeof DataType, name: string, type: DataType, vector: Vector): StagedColumn {
  const direct = (stageType: string): StagedColumn => {
    // Numeric columns without nulls come out of Arrow as one typed array: no per-value work.
    const values: ArrayLike<unknown> =
      vector.nullCount === 0 ? vector.toArray() : Array.from(vector, (value: unknown) => value ?? null);
    return {
      name,
      stageType,
      converted: false,
      slice: (start, end) => Array.prototype.slice.call(values, start, end),
    };
  };
  const mapped = (
    stageType: string,
    convert: (value: unknown) => unknown,
    extra: Partial<StagedColumn> = {},
  ): StagedColumn => {
    const values = Array.from(vector, (value: unknown) =>
      value === null || value === undefined ? null : convert(value),
    );
    return { name, stageType, converted: false, ...extra, slice: (start, end) => values.slice(start, end) };
  };
  const same = (value: unknown) => value;
  const epochMilliseconds = (value: unknown) => (value instanceof Date ? value.getTime() : Number(value));
  if (types.isBool(type)) return mapped('BOOLEAN', same);
  if (types.isInt(type)) {
    const widths: Record<number, string> = { 8: 'TINYINT', 16: 'SMALLINT', 32: 'INTEGER', 64: 'BIGINT' };
    return direct(`${type.isSigned ? '' : 'U'}${widths[type.bitWidth]}`);
  }
  if (types.isFloat(type)) return direct(type.precision === 2 ? 'DOUBLE' : 'FLOAT');
  if (types.isUtf8(type) || types.isLargeUtf8(type) || types.isUtf8View(type)) return mapped('VARCHAR', same);
  if (types.isDictionary(type) && (types.isUtf8(type.dictionary) || types.isLargeUtf8(type.dictionary)))
    return mapped('VARCHAR', same);
  if (
    types.isBinary(type) ||
    types.isLargeBinary(type) ||
    types.isFixedSizeBinary(type) ||
    types.isBinaryView(type)
  ) {
    return mapped('BLOB', same, { converted: true });
  }
  if (types.isDate(type)) return mapped('DOUBLE', epochMilliseconds, { finalType: 'DATE' });
  if (types.isTimestamp(type))
    return mapped('DOUBLE', epochMilliseconds, { finalType: type.timezone ? 'TIMESTAMPTZ' : 'TIMESTAMP' });
  if (
    types.isList(type) ||
    types.isStruct(type) ||
    types.isMap(type) ||
    types.isFixedSizeList(type) ||
    types.isLargeList(type)
  ) {
    return mapped('VARCHAR', toJsonText, { finalType: 'JSON' });
  }
  if (types.isNull(type)) return mapped('VARCHAR', () => null);
  throw new UnsupportedArrowTypeError(name, String(type));
}

/**
 * Works out a column type for each column of an array of rows, so that saving plain JS objects to
 * Parquet, a DuckDB table or PostgreSQL needs no schema from the user. Each backend maps these
 * kinds to its own SQL types.
 */
import type { Row } from './tabular-data.ts';

/**
 * - `integer`: whole numbers that fit 32 bits. `bigint`: whole numbers that fit 64 bits (JS
 *   numbers up to 2^53, or `bigint` values). `hugeint`: `bigint` values beyond 64 bits.
 * - `double`: any number with a fraction, NaN or infinity, or a whole number too large for a JS
 *   number to hold exactly.
 * - `timestamp`: `Date` values. `json`: plain objects and arrays. `binary`: `Uint8Array`/`Buffer`.
 * - `text`: strings, and columns that hold only nulls.
 */
export type ColumnKind =
  'boolean' | 'integer' | 'bigint' | 'hugeint' | 'double' | 'text' | 'timestamp' | 'json' | 'binary';

export interface InferredColumn {
  name: string;
  kind: ColumnKind;
  /** Some values are `bigint`s (the rest of a numeric column are numbers), so writers can't assume plain numbers. */
  hasBigints: boolean;
}

/** A column holds values no single SQL type can take, such as numbers and strings. */
export class MixedColumnError extends Error {
  constructor(
    readonly column: string,
    readonly kinds: string[],
    readonly rowIndex: number,
  ) {
    super(`column "${column}" mixes ${kinds.join(' and ')} values (first conflict at row ${rowIndex}).`);
  }
}

/** A value no SQL column type fits (a function, a symbol, a class instance other than Date, an invalid Date). */
export class UnsupportedValueError extends Error {
  constructor(
    readonly column: string,
    readonly rowIndex: number,
    description: string,
    reason = 'which has no column type',
  ) {
    super(`column "${column}" holds ${description} at row ${rowIndex}, ${reason}.`);
  }
}

const INT32_MIN = -(2 ** 31);
const INT32_MAX = 2 ** 31 - 1;
const INT64_MIN = -(2n ** 63n);
const INT64_MAX = 2n ** 63n - 1n;

type Family = 'number' | 'boolean' | 'string' | 'date' | 'json' | 'binary';

interface ColumnState {
  name: string;
  family: Family | undefined;
  firstRow: number;
  fraction: boolean;
  beyond32: boolean;
  beyond64: boolean;
  bigints: boolean;
}

/**
 * Columns appear in the order they are first seen; a key missing from some rows is null there.
 * Throws `MixedColumnError` or `UnsupportedValueError` with the column and row to look at.
 */
export function inferColumns(rows: readonly Row[]): InferredColumn[] {
  const states = new Map<string, ColumnState>();
  const ordered: ColumnState[] = [];
  for (let rowIndex = 0; rowIndex < rows.length; rowIndex++) {
    const row = rows[rowIndex]!;
    let position = 0;
    for (const name in row) {
      // Rows usually share their key order, so the column at the same position is almost always
      // the right one: a string comparison instead of a map lookup per value.
      let state = ordered[position];
      if (state === undefined || state.name !== name) state = states.get(name);
      if (state === undefined) {
        state = {
          name,
          family: undefined,
          firstRow: rowIndex,
          fraction: false,
          beyond32: false,
          beyond64: false,
          bigints: false,
        };
        states.set(name, state);
        ordered.push(state);
      }
      position += 1;
      const value = row[name];
      if (value === null || value === undefined) continue;
      observe(state, value, rowIndex);
    }
  }
  return [...states.values()].map((state) => ({
    name: state.name,
    kind: kindOf(state),
    hasBigints: state.bigints,
  }));
}

function observe(state: ColumnState, value: unknown, rowIndex: number): void {
  const family = familyOf(value);
  if (family === undefined) throw new UnsupportedValueError(state.name, rowIndex, describe(value));
  if (state.family === undefined) {
    state.family = family;
    state.firstRow = rowIndex;
  } else if (state.family !== family) {
    throw new MixedColumnError(state.name, [state.family, family], rowIndex);
  }
  if (family === 'date' && Number.isNaN((value as Date).getTime())) {
    throw new UnsupportedValueError(state.name, rowIndex, 'an invalid Date', 'which no database can store');
  }
  if (family !== 'number') return;
  if (typeof value === 'bigint') {
    state.bigints = true;
    if (value < INT32_MIN || value > INT32_MAX) state.beyond32 = true;
    if (value < INT64_MIN || value > INT64_MAX) state.beyond64 = true;
    return;
  }
  const number = value as number;
  if (!Number.isSafeInteger(number)) state.fraction = true;
  else if (number < INT32_MIN || number > INT32_MAX) state.beyond32 = true;
}

function familyOf(value: unknown): Family | undefined {
  switch (typeof value) {
    case 'number':
    case 'bigint':
      return 'number';
    case 'string':
      return 'string';
    case 'boolean':
      return 'boolean';
    case 'object': {
      if (value instanceof Date) return 'date';
      if (value instanceof Uint8Array) return 'binary';
      if (Array.isArray(value)) return 'json';
      const prototype = Object.getPrototypeOf(value);
      return prototype === Object.prototype || prototype === null ? 'json' : undefined;
    }
    default:
      return undefined;
  }
}

function kindOf(state: ColumnState): ColumnKind {
  switch (state.family) {
    case undefined:
    case 'string':
      return 'text';
    case 'boolean':
      return 'boolean';
    case 'date':
      return 'timestamp';
    case 'json':
      return 'json';
    case 'binary':
      return 'binary';
    case 'number':
      if (state.fraction) return 'double';
      if (state.beyond64) return 'hugeint';
      return state.beyond32 ? 'bigint' : 'integer';
  }
}

function describe(value: unknown): string {
  if (typeof value === 'object' && value !== null)
    return `an instance of ${value.constructor?.name ?? 'an unknown class'}`;
  return `a ${typeof value}`;
}

import type { Row } from './rules.ts';

/**
 * Data seen as rows: an array is its items; an Apache Arrow table is its rows (read one at a time,
 * so sampling a large table reads only the sample); anything else is one value, checked whole.
 */
export interface TableRows {
  /** False for a single value: expectations about columns don't apply to it. */
  readonly isTable: boolean;
  readonly count: number;
  row(index: number): unknown;
  /** The array itself, when the data is one: the fast path reads it directly. */
  readonly array?: readonly unknown[];
}

interface ArrowLike {
  readonly numRows: number;
  get(index: number): { toJSON(): Record<string, unknown> } | null;
  readonly schema: object;
}

/** Duck-typed, because a project and Sluice may each load their own copy of apache-arrow. */
function isArrowTable(value: unknown): value is ArrowLike {
  if (typeof value !== 'object' || value === null) return false;
  const candidate = value as Partial<ArrowLike>;
  return (
    typeof candidate.numRows === 'number' &&
    typeof candidate.get === 'function' &&
    typeof candidate.schema === 'object'
  );
}

export function tableRows(data: unknown): TableRows {
  if (Array.isArray(data))
    return { isTable: true, count: data.length, row: (index) => data[index], array: data };
  if (isArrowTable(data)) {
    return { isTable: true, count: data.numRows, row: (index) => data.get(index)?.toJSON() };
  }
  return { isTable: false, count: 1, row: () => data };
}

/** Every row as a record, for whole-dataset expectations; non-records become empty records. */
export function allRows(rows: TableRows): Row[] {
  const all = new Array<Row>(rows.count);
  for (let i = 0; i < rows.count; i++) {
    const row = rows.row(i);
    all[i] = typeof row === 'object' && row !== null ? (row as Row) : {};
  }
  return all;
}

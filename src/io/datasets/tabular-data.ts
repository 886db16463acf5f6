/**
 * The two shapes of table data the database-backed datasets take and give: rows (an array of
 * plain objects, one per record, keyed by column name) and Apache Arrow tables (columnar, typed,
 * and what analytics libraries hand each other).
 */
import type { Table } from 'apache-arrow';
import { DatasetError } from '../dataset.ts';
import type { OptionsOwner } from './dataset-options.ts';
import { datasetSubject } from './dataset-options.ts';
import { describeValue } from '../../values.ts';

/** One record: column name to value. */
export type Row = Record<string, unknown>;

/** An Apache Arrow table (from the `apache-arrow` package). */
export type ArrowTable = Table;

/** What `save()` accepts: rows or an Arrow table. */
export type TabularData = readonly Row[] | ArrowTable;

/** What `load()` returns, chosen by `load_args.as`. */
export type LoadShape = 'rows' | 'arrow';

export const LOAD_SHAPES: readonly LoadShape[] = ['rows', 'arrow'];

/**
 * True for an Arrow `Table`. Checked by shape, not `instanceof`, because a project and Sluice can
 * each resolve their own copy of `apache-arrow`, and a table from either copy must be accepted.
 */
export function isArrowTable(value: unknown): value is ArrowTable {
  if (typeof value !== 'object' || value === null) return false;
  const candidate = value as Partial<Table>;
  return (
    typeof candidate.numRows === 'number' &&
    typeof candidate.getChildAt === 'function' &&
    typeof candidate.schema === 'object'
  );
}

/** True for an array whose items are all plain objects (or an empty array). */
export function isRowArray(value: unknown): value is Row[] {
  if (!Array.isArray(value)) return false;
  for (const item of value) {
    if (typeof item !== 'object' || item === null || Array.isArray(item)) return false;
  }
  return true;
}

/**
 * `save()` was given something other than the table data it takes (`expected`: "an array of row
 * objects", or "... or an Arrow table").
 */
export function unsavableDataError(
  owner: OptionsOwner,
  expected: string,
  data: unknown,
  advice: { suffix?: string; hint?: string } = {},
): DatasetError {
  return new DatasetError(
    `${datasetSubject(owner)}: save() expects ${expected}; got ${Array.isArray(data) ? 'an array that is not all plain objects' : describeValue(data, { echo: false })}.${advice.suffix ?? ''}`,
    {
      datasetName: owner.name,
      ...(advice.hint === undefined ? {} : { hint: advice.hint }),
    },
  );
}

/** A short description of an unexpected value, for "save() expects rows or an Arrow table; got ...". */

/** JSON text for a value; bigints (which `JSON.stringify` rejects) become numbers when safe, else strings. */
export function toJsonText(value: unknown): string {
  return JSON.stringify(value, (_key, item: unknown) => {
    if (typeof item !== 'bigint') return item;
    return Number.isSafeInteger(Number(item)) ? Number(item) : item.toString();
  });
}

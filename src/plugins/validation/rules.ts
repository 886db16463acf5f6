import type { ZodType } from 'zod';

/** `error` (default): a failure fails the node. `warn`: it is logged and recorded, the run goes on. */
export type ValidationMode = 'error' | 'warn';

/** One row of table data: column name to value. */
export type Row = Readonly<Record<string, unknown>>;

/** One failure a custom expectation reports; `row` is the row's index when it has one. */
export interface CustomFailure {
  readonly row?: number;
  readonly path?: string;
  readonly message: string;
}

/**
 * A custom expectation: gets every row (or the value, for data that is not a table) and returns
 * `true`/nothing when the data passes; `false`, a message, or a list of failures when it doesn't.
 */
export type CustomExpectation = (
  rows: readonly Row[],
  context: { readonly datasetName: string },
) =>
  | boolean
  | void
  | string
  | readonly (string | CustomFailure)[]
  | Promise<boolean | void | string | readonly (string | CustomFailure)[]>;

/** One or several column names. */
export type Columns = string | readonly string[];

/**
 * Whole-dataset checks, named after Great Expectations' (`expect_column_values_to_be_unique` is
 * `unique`). The same shapes in YAML and in code:
 *
 * ```yaml
 * expectations:
 *   - unique: id
 *   - not_null: [id, company_rating]
 *   - between: { column: company_rating, min: 0, max: 1 }
 *   - in_set: { column: engine_type, values: [Quantum, Plasma, Nuclear] }
 *   - row_count: { min: 1 }
 *   - match_regex: { column: id, regex: '^[0-9]+$' }
 *   - custom: ./src/checks.ts#pricesAreSorted
 * ```
 */
export type Expectation =
  | { readonly unique: Columns }
  | { readonly not_null: Columns }
  | { readonly between: { readonly column: string; readonly min?: number; readonly max?: number } }
  | { readonly in_set: { readonly column: string; readonly values: readonly unknown[] } }
  | { readonly row_count: { readonly min?: number; readonly max?: number } }
  | { readonly match_regex: { readonly column: string; readonly regex: string } }
  | { readonly custom: string | CustomExpectation };

/** The expectation names, in the order the docs list them. */
export const EXPECTATION_NAMES = [
  'unique',
  'not_null',
  'between',
  'in_set',
  'row_count',
  'match_regex',
  'custom',
] as const;

/**
 * How one dataset is checked: its rows against `schema` (a Zod schema, or a `"module#export"`
 * reference to one), the whole data against `expectations`. In code:
 *
 * ```ts
 * validationPlugin({ datasets: { companies: { schema: Company, expectations: [{ unique: 'id' }] } } })
 * ```
 */
export interface DatasetValidation<Schema extends ZodType = ZodType> {
  /** Checked against each row of table data (rows, or an Arrow table), else against the whole value. */
  readonly schema?: Schema | string;
  readonly expectations?: readonly Expectation[];
  /** Check this many rows, evenly spread (first row included), instead of every row. */
  readonly sample?: number;
  readonly mode?: ValidationMode;
}

import type { ValidationIssue } from '../../plugin-api/index.ts';
import type { ZodError, ZodType } from 'zod';
import type { TableRows } from './table-rows.ts';

/** Failing rows whose issues a result keeps (every failure is counted). */
export const SHOWN_ROWS = 5;

/** What checking rows against a schema found. */
export interface SchemaOutcome {
  readonly rowsChecked: number;
  readonly failedRows: number;
  readonly issues: ValidationIssue[];
}

/**
 * Checks rows against `schema`: every row, or `sample` rows spread evenly over the data (row 0
 * first), the same ones every run. The loop is Zod's `safeParse` per row and nothing else until a
 * row fails, so it costs what a hand-written loop costs (`npm run bench:validation`).
 */
export function checkRows(schema: ZodType, rows: TableRows, sample: number | undefined): SchemaOutcome {
  const total = rows.count;
  const checked = sample === undefined || sample >= total ? total : Math.max(0, Math.floor(sample));
  const issues: ValidationIssue[] = [];
  let failedRows = 0;
  const fail = (index: number, error: ZodError) => {
    failedRows++;
    if (failedRows > SHOWN_ROWS) return;
    const row = rows.isTable ? index : undefined;
    for (const issue of error.issues)
      issues.push({ row, path: formatPath(issue.path), message: issue.message });
  };
  const array = rows.array;
  if (array !== undefined && checked === total) {
    // Every row of an array: nothing between the rows and safeParse.
    for (let i = 0; i < total; i++) {
      const result = schema.safeParse(array[i]);
      if (!result.success) fail(i, result.error);
    }
  } else {
    for (let i = 0; i < checked; i++) {
      const index = checked === total ? i : Math.floor((i * total) / checked);
      const result = schema.safeParse(rows.row(index));
      if (!result.success) fail(index, result.error);
    }
  }
  return { rowsChecked: checked, failedRows, issues };
}

/** `['engine', 'type']` → `engine.type`; `['items', 2, 'id']` → `items[2].id`. */
export function formatPath(path: readonly PropertyKey[]): string {
  let text = '';
  for (const key of path) {
    if (typeof key === 'number') text += `[${key}]`;
    else text += text === '' ? String(key) : `.${String(key)}`;
  }
  return text;
}

import type { ExpectationOutcome, ValidationIssue } from '../../plugin-api/index.ts';
import { SluiceError, didYouMean } from '../../plugin-api/index.ts';
import type { CustomExpectation, CustomFailure, Row } from './rules.ts';
import { EXPECTATION_NAMES } from './rules.ts';
import { SHOWN_ROWS } from './check-schema.ts';

/** An expectation ready to run over every row of a dataset. */
export interface CompiledExpectation {
  /** `unique(id)`, `between(price, 0..1000)`: how results and messages name it. */
  readonly name: string;
  /** False for expectations that apply to any value (`custom`). */
  readonly needsTable: boolean;
  run(rows: readonly Row[], datasetName: string): ExpectationOutcome | Promise<ExpectationOutcome>;
}

/** Why an expectation as written can't be used; the caller adds where it is written. */
export class ExpectationShapeError extends SluiceError {
  constructor(message: string, hint: string) {
    super(message, { hint });
  }
}

const SHAPES =
  'Each expectation is a one-key mapping: unique: <column>, not_null: <column or list>, between: {column, min, max}, in_set: {column, values}, row_count: {min, max}, match_regex: {column, regex}, custom: ./module.ts#function.';

/**
 * Compiles one expectation as written in YAML or code. `custom` arrives resolved to a function
 * (the caller resolves references first).
 */
export function compileExpectation(
  written: unknown,
  resolveCustom: (reference: string) => CustomExpectation,
): CompiledExpectation {
  if (typeof written !== 'object' || written === null || Array.isArray(written))
    throw new ExpectationShapeError('an expectation must be a mapping with one key.', SHAPES);
  const keys = Object.keys(written);
  if (keys.length !== 1)
    throw new ExpectationShapeError(
      `an expectation must have exactly one key, found ${keys.length === 0 ? 'none' : keys.join(', ')}.`,
      SHAPES,
    );
  const kind = keys[0]!;
  const value = (written as Record<string, unknown>)[kind];
  switch (kind) {
    case 'unique':
      return unique(columnList(kind, value));
    case 'not_null':
      return notNull(columnList(kind, value));
    case 'between': {
      const { column, min, max } = settings(kind, value, ['column', 'min', 'max']);
      return between(
        columnName(kind, column),
        optionalNumber(kind, 'min', min),
        optionalNumber(kind, 'max', max),
      );
    }
    case 'in_set': {
      const { column, values } = settings(kind, value, ['column', 'values']);
      if (!Array.isArray(values)) throw new ExpectationShapeError('in_set needs "values", a list.', SHAPES);
      return inSet(columnName(kind, column), values);
    }
    case 'row_count': {
      const { min, max } = settings(kind, value, ['min', 'max']);
      return rowCount(optionalNumber(kind, 'min', min), optionalNumber(kind, 'max', max));
    }
    case 'match_regex': {
      const { column, regex } = settings(kind, value, ['column', 'regex']);
      if (typeof regex !== 'string')
        throw new ExpectationShapeError('match_regex needs "regex", a string.', SHAPES);
      let pattern: RegExp;
      try {
        pattern = new RegExp(regex);
      } catch (error) {
        throw new ExpectationShapeError(
          `match_regex: "${regex}" is not a valid regular expression: ${(error as Error).message}`,
          'Escape special characters with a backslash.',
        );
      }
      return matchRegex(columnName(kind, column), pattern);
    }
    case 'custom': {
      if (typeof value === 'function') return custom(value as CustomExpectation, value.name || 'anonymous');
      if (typeof value === 'string') return custom(resolveCustom(value), value);
      throw new ExpectationShapeError(
        'custom needs a function, or a "./module.ts#function" reference.',
        SHAPES,
      );
    }
    default:
      throw new ExpectationShapeError(
        `unknown expectation "${kind}".${didYouMean(kind, EXPECTATION_NAMES)}`,
        SHAPES,
      );
  }
}

function columnList(kind: string, value: unknown): string[] {
  const columns = typeof value === 'string' ? [value] : value;
  if (
    !Array.isArray(columns) ||
    columns.length === 0 ||
    !columns.every((column) => typeof column === 'string' && column !== '')
  )
    throw new ExpectationShapeError(`${kind} needs a column name or a list of them.`, SHAPES);
  return columns as string[];
}

function columnName(kind: string, value: unknown): string {
  if (typeof value !== 'string' || value === '')
    throw new ExpectationShapeError(`${kind} needs "column", a column name.`, SHAPES);
  return value;
}

function optionalNumber(kind: string, key: string, value: unknown): number | undefined {
  if (value === undefined || value === null) return undefined;
  if (typeof value !== 'number' || Number.isNaN(value))
    throw new ExpectationShapeError(`${kind}: "${key}" must be a number.`, SHAPES);
  return value;
}

function settings(kind: string, value: unknown, allowed: readonly string[]): Record<string, unknown> {
  if (typeof value !== 'object' || value === null || Array.isArray(value))
    throw new ExpectationShapeError(`${kind} takes a mapping of ${allowed.join(', ')}.`, SHAPES);
  const unknown = Object.keys(value).filter((key) => !allowed.includes(key));
  if (unknown.length > 0)
    throw new ExpectationShapeError(
      `${kind} has no setting "${unknown[0]}".${didYouMean(unknown[0]!, allowed)}`,
      `${kind} takes ${allowed.join(', ')}.`,
    );
  return value as Record<string, unknown>;
}

/** Collects failures: counts them all, keeps the first few. */
class Failures {
  count = 0;
  readonly issues: ValidationIssue[] = [];
  add(row: number | undefined, path: string, message: string): void {
    this.count++;
    if (this.issues.length < SHOWN_ROWS) this.issues.push({ row, path, message });
  }
  outcome(name: string): ExpectationOutcome {
    return { name, passed: this.count === 0, failureCount: this.count, issues: this.issues };
  }
}

const isNull = (value: unknown) =>
  value === null || value === undefined || (typeof value === 'number' && Number.isNaN(value));

/** A value as a Map key: bigints and numbers of the same value are the same key. */
const keyOf = (value: unknown) =>
  typeof value === 'bigint' ? Number(value) : value instanceof Date ? value.getTime() : value;

function unique(columns: readonly string[]): CompiledExpectation {
  const name = `unique(${columns.join(', ')})`;
  return {
    name,
    needsTable: true,
    run(rows) {
      const failures = new Failures();
      for (const column of columns) {
        const firstSeen = new Map<unknown, number>();
        for (let i = 0; i < rows.length; i++) {
          const value = rows[i]![column];
          if (isNull(value)) continue;
          const key = keyOf(value);
          const first = firstSeen.get(key);
          if (first === undefined) firstSeen.set(key, i);
          else failures.add(i, column, `duplicate of row ${first}`);
        }
      }
      return failures.outcome(name);
    },
  };
}

function notNull(columns: readonly string[]): CompiledExpectation {
  const name = `not_null(${columns.join(', ')})`;
  return {
    name,
    needsTable: true,
    run(rows) {
      const failures = new Failures();
      for (let i = 0; i < rows.length; i++)
        for (const column of columns) if (isNull(rows[i]![column])) failures.add(i, column, 'is null');
      return failures.outcome(name);
    },
  };
}

function between(column: string, min: number | undefined, max: number | undefined): CompiledExpectation {
  const name = `between(${column}, ${min ?? '-∞'}..${max ?? '∞'})`;
  return {
    name,
    needsTable: true,
    run(rows) {
      const failures = new Failures();
      for (let i = 0; i < rows.length; i++) {
        const raw = rows[i]![column];
        if (isNull(raw)) continue;
        const value = typeof raw === 'bigint' ? Number(raw) : raw;
        if (typeof value !== 'number') failures.add(i, column, `is a ${typeof value}, not a number`);
        else if ((min !== undefined && value < min) || (max !== undefined && value > max))
          failures.add(i, column, `is ${value}, outside ${min ?? '-∞'}..${max ?? '∞'}`);
      }
      return failures.outcome(name);
    },
  };
}

function inSet(column: string, values: readonly unknown[]): CompiledExpectation {
  const allowed = new Set(values.map(keyOf));
  const shown = values
    .slice(0, 5)
    .map((value) => JSON.stringify(value))
    .join(', ');
  const name = `in_set(${column}, [${shown}${values.length > 5 ? ', ...' : ''}])`;
  return {
    name,
    needsTable: true,
    run(rows) {
      const failures = new Failures();
      for (let i = 0; i < rows.length; i++) {
        const value = rows[i]![column];
        // Values are not quoted: a column may hold what must not reach a log.
        if (!isNull(value) && !allowed.has(keyOf(value)))
          failures.add(i, column, 'is not one of the allowed values');
      }
      return failures.outcome(name);
    },
  };
}

function rowCount(min: number | undefined, max: number | undefined): CompiledExpectation {
  const name = `row_count(${min ?? 0}..${max ?? '∞'})`;
  return {
    name,
    needsTable: true,
    run(rows) {
      const failures = new Failures();
      if ((min !== undefined && rows.length < min) || (max !== undefined && rows.length > max))
        failures.add(undefined, '', `has ${rows.length} rows, outside ${min ?? 0}..${max ?? '∞'}`);
      return failures.outcome(name);
    },
  };
}

function matchRegex(column: string, pattern: RegExp): CompiledExpectation {
  const name = `match_regex(${column}, /${pattern.source}/)`;
  return {
    name,
    needsTable: true,
    run(rows) {
      const failures = new Failures();
      for (let i = 0; i < rows.length; i++) {
        const value = rows[i]![column];
        if (isNull(value)) continue;
        if (typeof value !== 'string') failures.add(i, column, `is a ${typeof value}, not a string`);
        else if (!pattern.test(value)) failures.add(i, column, `does not match /${pattern.source}/`);
      }
      return failures.outcome(name);
    },
  };
}

function custom(check: CustomExpectation, label: string): CompiledExpectation {
  const name = `custom(${label})`;
  const outcome = (result: Awaited<ReturnType<CustomExpectation>>): ExpectationOutcome => {
    const failures = new Failures();
    if (result === false) failures.add(undefined, '', 'returned false');
    else if (typeof result === 'string') failures.add(undefined, '', result);
    else if (Array.isArray(result))
      for (const item of result as readonly (string | CustomFailure)[]) {
        if (typeof item === 'string') failures.add(undefined, '', item);
        else failures.add(item.row, item.path ?? '', item.message);
      }
    return failures.outcome(name);
  };
  return {
    name,
    needsTable: false,
    run(rows, datasetName) {
      const result = check(rows, { datasetName });
      return result instanceof Promise ? result.then(outcome) : outcome(result);
    },
  };
}

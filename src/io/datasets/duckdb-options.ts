/**
 * Renders the `load_args` / `save_args` a user wrote in YAML as DuckDB option lists, so any option
 * DuckDB documents for `read_parquet`, `read_csv` or `COPY ... TO` works without Sluice knowing it.
 * Keys must be plain identifiers (DuckDB's own option names are); values become SQL literals, so a
 * quote in a value can never end the statement.
 */
import { isPlainObject } from '../../values.ts';
import { quoteIdentifier, quoteLiteral } from './sql-quoting.ts';

const OPTION_NAME = /^[A-Za-z_][A-Za-z0-9_]*$/;

/** Thrown for an option DuckDB could never accept; callers turn it into a `DatasetError`. */
export class DuckDBOptionError extends Error {}

/** `key = value, key = value`, for a table function such as `read_parquet(path, ...)`. */
export function renderNamedArguments(options: Record<string, unknown>): string {
  return Object.entries(options)
    .map(([key, value]) => `${optionName(key)} = ${renderValue(key, value, 'expression')}`)
    .join(', ');
}

/** `KEY value, KEY value`, for the option list of `COPY ... TO ... (FORMAT x, ...)`. */
export function renderCopyOptions(options: Record<string, unknown>): string {
  return Object.entries(options)
    .map(([key, value]) => `${optionName(key)} ${renderValue(key, value, 'copy')}`)
    .join(', ');
}

function optionName(key: string): string {
  if (!OPTION_NAME.test(key))
    throw new DuckDBOptionError(`"${key}" is not a valid DuckDB option name (letters, digits and _ only).`);
  return key;
}

/**
 * In expressions a list is `[a, b]`; in COPY options DuckDB wants `(a, b)` (for example
 * `FORCE_QUOTE ('name', 'city')`).
 */
function renderValue(key: string, value: unknown, place: 'expression' | 'copy'): string {
  if (value === null || value === undefined) return 'NULL';
  if (typeof value === 'string') return quoteLiteral(value);
  if (typeof value === 'boolean') return value ? 'true' : 'false';
  if (typeof value === 'bigint') return value.toString();
  if (typeof value === 'number') {
    if (!Number.isFinite(value))
      throw new DuckDBOptionError(`option "${key}" must be a finite number; got ${value}.`);
    return String(value);
  }
  if (Array.isArray(value)) {
    const items = value.map((item) => renderValue(key, item, 'expression')).join(', ');
    return place === 'copy' ? `(${items})` : `[${items}]`;
  }
  if (isPlainObject(value)) {
    const entries = Object.entries(value).map(
      ([name, item]) => `${quoteLiteral(name)}: ${renderValue(key, item, 'expression')}`,
    );
    return `{${entries.join(', ')}}`;
  }
  throw new DuckDBOptionError(`option "${key}" has a value DuckDB can't take: ${typeof value}.`);
}

/** For callers that need a column list in SQL: `"a", "b"`. */
export function renderColumnList(columns: readonly string[]): string {
  return columns.map(quoteIdentifier).join(', ');
}

/**
 * How CSV cells become values and values become cells. An empty cell is a missing value (null),
 * quoted or not, as in pandas; so an empty string saved to CSV loads back as null.
 */

/** The types a column can be declared as in `load_args.columns`. */
export const CSV_COLUMN_TYPES = ['string', 'number', 'integer', 'boolean', 'date'] as const;
export type CsvColumnType = (typeof CSV_COLUMN_TYPES)[number];

/** A cell that does not fit its declared column type. */
export class CsvCellError extends Error {}

const NUMBER = /^[+-]?(?:\d+\.?\d*|\.\d+)(?:[eE][+-]?\d+)?$/;
// "007" is an identifier (a zip code, a product code) more often than a number; keep its zeros.
const LEADING_ZERO = /^[+-]?0\d/;
const INTEGER = /^[+-]?\d+$/;

/**
 * Guesses a cell's type the way a careful reader would: plain decimal numbers become numbers,
 * `true`/`false` (any case) become booleans, an empty unquoted cell becomes null. Everything else
 * stays a string, including "100%", "$1,325.0", "t"/"f" and numbers too large to hold exactly.
 */
export function inferCell(cell: string): unknown {
  if (cell === '') return null;
  if (NUMBER.test(cell)) {
    if (LEADING_ZERO.test(cell)) return cell;
    const number = Number(cell);
    if (INTEGER.test(cell) && !Number.isSafeInteger(number)) return cell;
    return number;
  }
  const lowered = cell.toLowerCase();
  if (lowered === 'true') return true;
  if (lowered === 'false') return false;
  return cell;
}

const TRUE_WORDS = new Set(['true', 't', 'yes', 'y', '1']);
const FALSE_WORDS = new Set(['false', 'f', 'no', 'n', '0']);

/**
 * Converts a cell to its declared type. An empty cell is null whatever the type. A declared
 * boolean also accepts t/f, yes/no, y/n and 1/0, since declaring the type says how the column is
 * meant.
 */
export function convertCell(cell: string, type: CsvColumnType): unknown {
  if (cell === '') return null;
  if (type === 'string') return cell;
  const text = cell.trim();
  if (text === '') return null;
  switch (type) {
    case 'number':
    case 'integer': {
      const number = NUMBER.test(text) ? Number(text) : Number.NaN;
      if (Number.isNaN(number)) throw new CsvCellError(`${quote(cell)} is not a number`);
      if (type === 'integer' && !Number.isSafeInteger(number))
        throw new CsvCellError(`${quote(cell)} is not an integer`);
      return number;
    }
    case 'boolean': {
      const lowered = text.toLowerCase();
      if (TRUE_WORDS.has(lowered)) return true;
      if (FALSE_WORDS.has(lowered)) return false;
      throw new CsvCellError(`${quote(cell)} is not a boolean (true/false, t/f, yes/no, 1/0)`);
    }
    case 'date': {
      const date = new Date(text);
      if (Number.isNaN(date.getTime())) throw new CsvCellError(`${quote(cell)} is not a date`);
      return date;
    }
  }
}

/** A value as the text of one CSV cell; null means "leave the cell empty". */
export function formatCell(value: unknown): string | null {
  if (value === null || value === undefined) return null;
  if (typeof value === 'string') return value;
  if (typeof value === 'number') return Number.isNaN(value) ? null : String(value);
  if (typeof value === 'boolean' || typeof value === 'bigint') return String(value);
  if (value instanceof Date) return Number.isNaN(value.getTime()) ? null : value.toISOString();
  return JSON.stringify(value) ?? null;
}

function quote(cell: string): string {
  return cell.length > 40 ? `"${cell.slice(0, 40)}..."` : `"${cell}"`;
}

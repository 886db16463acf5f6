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

/**
 * Guesses a cell's type the way a careful reader would: plain decimal numbers become numbers,
 * `true`/`false` (any case) become booleans, an empty unquoted cell becomes null. Everything else
 * stays a string, including "100%", "$1,325.0", "t"/"f" and numbers too large to hold exactly.
 *
 * It runs for every cell of a file, so it reads character codes instead of testing regular
 * expressions and lower-casing: most cells are decided by their first character (see
 * docs/benchmarks.md, "CSV load").
 */
export function inferCell(cell: string): unknown {
  const length = cell.length;
  if (length === 0) return null;
  const first = cell.charCodeAt(0);
  if (isDigit(first) || first === PLUS || first === MINUS || first === DOT) return inferNumber(cell);
  if (length === 4 && (first | 0x20) === 0x74 && equalsIgnoringCase(cell, 'true')) return true;
  if (length === 5 && (first | 0x20) === 0x66 && equalsIgnoringCase(cell, 'false')) return false;
  return cell;
}

const PLUS = 0x2b;
const MINUS = 0x2d;
const DOT = 0x2e;
const ZERO = 0x30;

function isDigit(code: number): boolean {
  return code >= ZERO && code <= 0x39;
}

/** `cell` (lower-case ASCII `word` of the same length) read case-insensitively. */
function equalsIgnoringCase(cell: string, word: string): boolean {
  for (let index = 1; index < word.length; index++)
    if ((cell.charCodeAt(index) | 0x20) !== word.charCodeAt(index)) return false;
  return true;
}

/** Exact powers of ten: a double holds 10^0 to 10^22 exactly. */
const POWERS_OF_TEN = Array.from({ length: 23 }, (_, exponent) => 10 ** exponent);

/**
 * A cell starting like a number: `[+-]?(digits[.digits*] | .digits)([eE][+-]?digits)?` becomes a
 * number, unless it has a leading zero ("007" is an identifier, a zip code, more often than a
 * number) or is a whole number too large to hold exactly. Anything else stays the string.
 *
 * A plain decimal of at most 15 digits is computed as its digits over a power of ten: both are
 * exact doubles, so the one division rounds correctly (Clinger's fast path) and the value is the
 * one `Number()` gives, at a fraction of its cost. Longer cells and exponents go to `Number()`.
 */
function inferNumber(cell: string): unknown {
  const length = cell.length;
  let index = 0;
  let code = cell.charCodeAt(0);
  const negative = code === MINUS;
  if (negative || code === PLUS) code = cell.charCodeAt(++index);
  const integerStart = index;
  let digits = 0;
  while (index < length && isDigit(code)) {
    digits = digits * 10 + (code - ZERO);
    code = cell.charCodeAt(++index);
  }
  const integerDigits = index - integerStart;
  let fractionDigits = 0;
  let whole = true;
  if (index < length && code === DOT) {
    whole = false;
    code = cell.charCodeAt(++index);
    const fractionStart = index;
    while (index < length && isDigit(code)) {
      digits = digits * 10 + (code - ZERO);
      code = cell.charCodeAt(++index);
    }
    fractionDigits = index - fractionStart;
    if (integerDigits === 0 && fractionDigits === 0) return cell;
  } else if (integerDigits === 0) {
    return cell;
  }
  let exponent = false;
  if (index < length && (code | 0x20) === 0x65) {
    whole = false;
    exponent = true;
    code = cell.charCodeAt(++index);
    if (code === PLUS || code === MINUS) code = cell.charCodeAt(++index);
    const exponentStart = index;
    while (index < length && isDigit(code)) code = cell.charCodeAt(++index);
    if (index === exponentStart) return cell;
  }
  if (index !== length) return cell;
  if (integerDigits > 1 && cell.charCodeAt(integerStart) === ZERO) return cell;
  if (!exponent && integerDigits + fractionDigits <= 15) {
    const magnitude = fractionDigits === 0 ? digits : digits / POWERS_OF_TEN[fractionDigits]!;
    return negative ? -magnitude : magnitude;
  }
  const number = Number(cell);
  if (whole && !Number.isSafeInteger(number)) return cell;
  return number;
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

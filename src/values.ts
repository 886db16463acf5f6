/**
 * Small checks on plain JavaScript values that every layer needs (configuration, datasets, nodes,
 * hooks, plugins). They live here, below all the domain folders, so that none of them has to
 * import another for a one-line test.
 */

/**
 * True for an object literal, `JSON.parse` output or `Object.create(null)`: a mapping of keys to
 * values, as opposed to an array, a class instance, a Date or a Map.
 */
export function isPlainObject(value: unknown): value is Record<string, unknown> {
  if (value === null || typeof value !== 'object') return false;
  const prototype: unknown = Object.getPrototypeOf(value);
  return prototype === Object.prototype || prototype === null;
}

/**
 * True for any non-array object, class instances included: the looser test for "a YAML mapping",
 * where the value came from a parser or a config file and its prototype doesn't matter.
 */
export function isMapping(value: unknown): value is Record<string, unknown> {
  return value !== null && typeof value === 'object' && !Array.isArray(value);
}

/**
 * True for a class (as written with `class`), which must be called with `new`: a module export
 * that is a plain function is a factory to call, a class is not.
 */
export function isClass(value: unknown): boolean {
  return typeof value === 'function' && /^class[\s{]/.test(Function.prototype.toString.call(value));
}

/** `text` with every character that means something in a regular expression escaped. */
export function escapeRegExp(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}

/** How {@link describeValue} words a value. */
export interface DescribeOptions {
  /** `config` names arrays and objects as YAML does ("a list", "a mapping"). Default `code`. */
  readonly wording?: 'code' | 'config';
  /** Echo numbers, booleans and short word-like strings. Default true; false for a user's data. */
  readonly echo?: boolean;
}

/**
 * A value as an error message names what it got ("must be a function, got …"): its kind, with
 * numbers, booleans and bigints echoed, and a string echoed only when it is a short word (a longer
 * one might be a secret, so only its length is said). `code` wording says how long an array is
 * and what class an object is an instance of.
 */
export function describeValue(value: unknown, options: DescribeOptions = {}): string {
  const { wording = 'code', echo = true } = options;
  if (value === null || value === undefined) return String(value);
  if (typeof value === 'number' || typeof value === 'boolean' || typeof value === 'bigint')
    return echo ? `a ${typeof value} (${String(value)})` : `a ${typeof value}`;
  if (typeof value === 'string') {
    if (!echo) return 'a string';
    return /^[\w.-]{0,24}$/.test(value) ? `"${value}"` : `a string of ${value.length} characters`;
  }
  if (Array.isArray(value)) return wording === 'config' ? 'a list' : `an array of ${value.length}`;
  if (typeof value === 'object') {
    if (wording === 'config') return 'a mapping';
    const className = (Object.getPrototypeOf(value) as { constructor?: { name?: string } } | null)
      ?.constructor?.name;
    return className === undefined || className === 'Object' || className === ''
      ? 'an object'
      : `an object of class ${className}`;
  }
  return `a ${typeof value}`;
}

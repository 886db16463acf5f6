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

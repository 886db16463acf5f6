/**
 * True for data that comes back from a V8 serialization round trip as it went in: primitives,
 * plain objects and arrays, Dates, Maps, Sets and typed arrays, nested. A class instance would
 * come back a plain object (an Arrow table would stop being one), and a function can't go at all.
 */
export function isPlainValue(value: unknown): boolean {
  const seen = new Set<object>();
  const visit = (item: unknown): boolean => {
    if (item === null) return true;
    const kind = typeof item;
    if (kind === 'function' || kind === 'symbol') return false;
    if (kind !== 'object') return true;
    const object = item as object;
    if (seen.has(object)) return true;
    seen.add(object);
    if (ArrayBuffer.isView(object) || object instanceof Date) return true;
    if (Array.isArray(object)) return object.every(visit);
    if (object instanceof Map) return [...object].every(([key, inner]) => visit(key) && visit(inner));
    if (object instanceof Set) return [...object].every(visit);
    const prototype: unknown = Object.getPrototypeOf(object);
    if (prototype !== Object.prototype && prototype !== null) return false;
    return Object.values(object).every(visit);
  };
  return visit(value);
}

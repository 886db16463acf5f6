/**
 * Code-point order, the order Kedro (Python) sorts names in: `"B" < "a" < "n10" < "n2"`. JavaScript's
 * `<` compares UTF-16 code units, which agrees except when one side has an astral character
 * (a surrogate pair) where the other has a character in U+E000..U+FFFF; this comparison fixes that
 * case and is otherwise as cheap as `<`. Never `localeCompare`: run order must not depend on locale.
 */
export function compareCodePoints(a: string, b: string): number {
  if (a === b) return 0;
  const length = a.length < b.length ? a.length : b.length;
  for (let i = 0; i < length; i++) {
    const x = a.charCodeAt(i);
    const y = b.charCodeAt(i);
    if (x === y) continue;
    if (x >= 0xd800 && y >= 0xd800) {
      const xSurrogate = x <= 0xdfff;
      const ySurrogate = y <= 0xdfff;
      // A surrogate encodes a code point above U+FFFF, so it sorts after any U+E000..U+FFFF unit.
      if (xSurrogate !== ySurrogate) return xSurrogate ? 1 : -1;
    }
    return x - y;
  }
  return a.length - b.length;
}

/** A new array of the names in code-point order. */
export function sortedNames(names: Iterable<string>): string[] {
  return Array.from(names).sort(compareCodePoints);
}

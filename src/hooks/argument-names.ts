/**
 * Reads the property names an implementation destructures from its one arguments object, e.g.
 * `({ node, catalog }) => ...` gives `['node', 'catalog']`. Returns undefined when the first
 * parameter isn't a plain object pattern (a named parameter, `...rest`, or source we can't read),
 * because then there is nothing to check.
 */
export function destructuredArgumentNames(fn: (...args: never[]) => unknown): string[] | undefined {
  let source: string;
  try {
    source = Function.prototype.toString.call(fn);
  } catch {
    return undefined;
  }
  const open = parameterListStart(source);
  if (open === undefined) return undefined;
  const index = skipSpace(source, open + 1);
  if (source[index] !== '{') return undefined;
  const close = matchingBrace(source, index);
  if (close === -1) return undefined;
  const names: string[] = [];
  for (const entry of splitTopLevel(source.slice(index + 1, close))) {
    const trimmed = entry.trim();
    if (trimmed === '') continue;
    if (trimmed.startsWith('...')) return undefined;
    const match = /^([A-Za-z_$][\w$]*)/.exec(trimmed);
    if (match === null) return undefined;
    names.push(match[1]!);
  }
  return names;
}

const IDENTIFIER = /^[A-Za-z_$][\w$]*/;

/**
 * The index of the `(` that opens the parameter list, or undefined when there is none: a
 * single-parameter arrow (`args => ...`, which tsx prints without parentheses), a class, or
 * source that isn't a function's. Handles `async`, `function`, generators and method shorthand.
 */
function parameterListStart(source: string): number | undefined {
  let index = skipSpace(source, 0);
  const word = () => IDENTIFIER.exec(source.slice(index))?.[0];
  if (word() === 'class') return undefined;
  if (word() === 'async') {
    const after = skipSpace(source, index + 5);
    // `async` followed by `(`, `function`, `*` or a name is the keyword; `async => x` or `async(` as a method name are not worth telling apart here.
    if (after > index + 5 || source[after] === '(') index = after;
  }
  if (word() === 'function') index = skipSpace(source, index + 8);
  if (source[index] === '*') index = skipSpace(source, index + 1);
  if (source[index] === '(') return index;
  const name = word();
  if (name !== undefined) {
    const after = skipSpace(source, index + name.length);
    if (source.startsWith('=>', after)) return undefined;
    index = after;
  } else if (source[index] === '[' || source[index] === '"' || source[index] === "'") {
    const end = source[index] === '[' ? matchingBrace(source, index) : endOfString(source, index);
    if (end === -1) return undefined;
    index = skipSpace(source, end + 1);
  }
  return source[index] === '(' ? index : undefined;
}

function skipSpace(source: string, index: number): number {
  while (index < source.length && /\s/.test(source[index]!)) index++;
  return index;
}

function matchingBrace(source: string, open: number): number {
  let depth = 0;
  for (let i = open; i < source.length; i++) {
    const char = source[i]!;
    if (char === '"' || char === "'" || char === '`') {
      i = endOfString(source, i);
      continue;
    }
    if (char === '{' || char === '(' || char === '[') depth++;
    else if (char === '}' || char === ')' || char === ']') {
      depth--;
      if (depth === 0) return i;
    }
  }
  return -1;
}

function endOfString(source: string, start: number): number {
  const quote = source[start];
  for (let i = start + 1; i < source.length; i++) {
    if (source[i] === '\\') i++;
    else if (source[i] === quote) return i;
  }
  return source.length;
}

function splitTopLevel(body: string): string[] {
  const parts: string[] = [];
  let depth = 0;
  let start = 0;
  for (let i = 0; i < body.length; i++) {
    const char = body[i]!;
    if (char === '"' || char === "'" || char === '`') {
      i = endOfString(body, i);
      continue;
    }
    if (char === '{' || char === '(' || char === '[') depth++;
    else if (char === '}' || char === ')' || char === ']') depth--;
    else if (char === ',' && depth === 0) {
      parts.push(body.slice(start, i));
      start = i + 1;
    }
  }
  parts.push(body.slice(start));
  return parts;
}

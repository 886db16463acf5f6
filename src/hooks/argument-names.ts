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
  const open = source.indexOf('(');
  if (open === -1) return undefined;
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

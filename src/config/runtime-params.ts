import { parse } from 'yaml';
import { ConfigError } from './errors.ts';
import { isPlainObject } from '../values.ts';
import { RUNTIME_PARAMS_SOURCE } from './location.ts';

/**
 * Turns runtime parameters as the command line gives them (`{"model.test_size": "0.3"}`, or
 * already nested) into one nested record. String values are read as YAML scalars, so `"0.3"` is a
 * number, `"true"` a boolean, `"null"` null and `"[1, 2]"` a list, as Kedro's `--params` does;
 * everything else is kept as text.
 */
export function normalizeRuntimeParams(params: Readonly<Record<string, unknown>>): Record<string, unknown> {
  const result: Record<string, unknown> = {};
  for (const [dottedKey, value] of Object.entries(params)) {
    const path = dottedKey.split('.');
    if (path.some((segment) => segment.trim() === '')) {
      throw new ConfigError(`Runtime parameter "${dottedKey}" has an empty part in its name.`, {
        location: { file: RUNTIME_PARAMS_SOURCE },
        hint: 'Write parameter names as dotted paths such as "model.test_size".',
      });
    }
    setPath(result, path, parseValues(value));
  }
  return result;
}

/**
 * Splits a `--params` option value, `"a.b=1,c=x"`, into `{ "a.b": "1", c: "x" }`. A comma starts
 * a new pair only when `name=` follows it, so list values such as `a=[1,2]` keep their commas.
 */
export function parseParamsOption(option: string): Record<string, string> {
  const result: Record<string, string> = {};
  if (option.trim() === '') return result;
  for (const item of option.split(/,(?=\s*[^,=\s][^,=]*=)/)) {
    const equals = item.indexOf('=');
    const key = equals === -1 ? '' : item.slice(0, equals).trim();
    if (equals === -1 || key === '') {
      throw new ConfigError(
        `Invalid --params item "${item.trim()}": it needs a name and a value separated by "=".`,
        {
          location: { file: RUNTIME_PARAMS_SOURCE },
          hint: 'Write --params "model.test_size=0.3,seed=7".',
        },
      );
    }
    result[key] = item.slice(equals + 1).trim();
  }
  return result;
}

/** A command-line value read as a YAML scalar (or flow list or mapping); plain text otherwise. */
export function parseScalar(text: string): unknown {
  if (text === '') return '';
  try {
    const value: unknown = parse(text);
    const isCollection = value !== null && typeof value === 'object';
    if (isCollection && !/^\s*[[{]/.test(text)) return text;
    return value;
  } catch {
    return text;
  }
}

function parseValues(value: unknown): unknown {
  if (typeof value === 'string') return parseScalar(value);
  if (Array.isArray(value)) return value.map(parseValues);
  if (isPlainObject(value)) {
    const result: Record<string, unknown> = {};
    for (const [key, child] of Object.entries(value)) setPath(result, key.split('.'), parseValues(child));
    return result;
  }
  return value;
}

function setPath(target: Record<string, unknown>, path: readonly string[], value: unknown): void {
  let node = target;
  for (const segment of path.slice(0, -1)) {
    const next = node[segment];
    if (isPlainObject(next)) {
      node = next;
    } else {
      const created: Record<string, unknown> = {};
      node[segment] = created;
      node = created;
    }
  }
  const last = path[path.length - 1]!;
  const existing = node[last];
  node[last] = isPlainObject(existing) && isPlainObject(value) ? deepMergePlain(existing, value) : value;
}

function deepMergePlain(
  base: Record<string, unknown>,
  override: Record<string, unknown>,
): Record<string, unknown> {
  const result = { ...base };
  for (const [key, value] of Object.entries(override)) {
    const existing = result[key];
    result[key] = isPlainObject(existing) && isPlainObject(value) ? deepMergePlain(existing, value) : value;
  }
  return result;
}

import { CatalogError } from './catalog-errors.ts';
import type { ConfigLocation } from './dataset.ts';
import { escapeRegExp } from '../values.ts';

const PLACEHOLDER = /\{([A-Za-z_][A-Za-z0-9_]*)\}/g;

/**
 * A dataset factory: a catalog entry whose name has `{placeholders}`, such as
 * `"{namespace}.{name}_csv"`. Any dataset name it matches gets its settings, with each
 * `{placeholder}` in string values replaced by the matched text. Matching follows Kedro's
 * (the `parse` library's) rules: each placeholder matches one or more characters, dots included,
 * as few as possible from the left, and the whole name must match. A placeholder used twice must
 * match the same text twice. Unlike Kedro, matching is case-sensitive, as dataset names are.
 *
 * A placeholder value may not add path segments to the settings: a value holding `/` or `\`, or
 * one that makes a `..` segment, is a `CatalogError`, so a dataset name such as
 * `../../evil_csv` can't steer `filepath: data/{name}.csv` out of `data/`.
 */
export class DatasetPattern {
  /** The pattern as written in the catalog. */
  readonly pattern: string;
  /** The entry's settings, with `{placeholders}` still in them. */
  readonly config: Readonly<Record<string, unknown>>;
  /** Characters outside placeholders: the more, the more specific. */
  readonly specificity: number;
  /** Placeholder occurrences. */
  readonly placeholderCount: number;
  readonly #regex: RegExp;
  readonly #names: readonly string[];

  constructor(pattern: string, config: Readonly<Record<string, unknown>>, location?: ConfigLocation) {
    this.pattern = pattern;
    this.config = config;
    const names: string[] = [];
    let source = '';
    let last = 0;
    for (const match of pattern.matchAll(PLACEHOLDER)) {
      const name = match[1]!;
      source += escapeRegExp(pattern.slice(last, match.index));
      source += names.includes(name) ? `\\k<${name}>` : `(?<${name}>.+?)`;
      if (!names.includes(name)) names.push(name);
      last = match.index + match[0].length;
    }
    source += escapeRegExp(pattern.slice(last));
    this.#regex = new RegExp(`^${source}$`, 's');
    this.#names = names;
    this.specificity = pattern.replace(PLACEHOLDER, '').length;
    this.placeholderCount = [...pattern.matchAll(PLACEHOLDER)].length;
    if (this.placeholderCount === 0) {
      throw new CatalogError(
        'the name has "{" but no valid "{placeholder}", so it is neither a name nor a pattern.',
        {
          datasetName: pattern,
          location,
          hint: 'Placeholders are names in braces, such as "{name}" or "{namespace}.{name}_csv".',
        },
      );
    }
    const unknown = [...new Set(placeholdersIn(config))].filter((name) => !names.includes(name));
    if (unknown.length > 0) {
      throw new CatalogError(
        `the pattern uses ${unknown.map((name) => `{${name}}`).join(', ')} in its settings, but its name has only ${names.map((name) => `{${name}}`).join(', ')}.`,
        {
          datasetName: pattern,
          location,
          hint: 'Use only placeholders that appear in the pattern name, or add them to it.',
        },
      );
    }
  }

  /** True when the pattern has no literal characters (`{default}`): it matches every name. */
  get isCatchAll(): boolean {
    return this.specificity === 0;
  }

  /** The placeholder values when `datasetName` matches, else undefined. */
  match(datasetName: string): Record<string, string> | undefined {
    const match = this.#regex.exec(datasetName);
    if (match === null) return undefined;
    const values: Record<string, string> = {};
    for (const name of this.#names) values[name] = match.groups?.[name] ?? '';
    return values;
  }

  /**
   * The settings for `datasetName` with every `{placeholder}` filled in, or undefined when it
   * doesn't match. Throws a `CatalogError` when a value would add a path segment.
   */
  resolve(datasetName: string, location?: ConfigLocation): Record<string, unknown> | undefined {
    const values = this.match(datasetName);
    if (values === undefined) return undefined;
    const fill = (template: string): string => {
      const filled = template.replace(PLACEHOLDER, (whole, name: string) => values[name] ?? whole);
      if (filled === template) return filled;
      const separator = [...template.matchAll(PLACEHOLDER)]
        .map((match) => match[1]!)
        .find((name) => /[/\\]/.test(values[name] ?? ''));
      if (separator !== undefined || parentSegments(filled) > parentSegments(template)) {
        const name = separator ?? [...template.matchAll(PLACEHOLDER)].map((match) => match[1]!)[0]!;
        throw new CatalogError(
          `its name fills {${name}} of the pattern "${this.pattern}" with "${values[name]}", which would add a path segment to "${template}" (${separator === undefined ? 'a ".." segment' : 'a "/" or "\\"'}).`,
          {
            datasetName,
            location,
            hint: 'Placeholder values must not contain "/", "\\" or make a ".." segment. Rename the dataset, or declare it by name with its own filepath.',
          },
        );
      }
      return filled;
    };
    return substitute(this.config, fill) as Record<string, unknown>;
  }
}

/**
 * Sorts patterns most specific first, as Kedro does: more literal characters first, then more
 * placeholders, then alphabetically. The first match wins.
 */
export function sortPatterns(patterns: readonly DatasetPattern[]): DatasetPattern[] {
  return [...patterns].sort(
    (a, b) =>
      b.specificity - a.specificity ||
      b.placeholderCount - a.placeholderCount ||
      (a.pattern < b.pattern ? -1 : a.pattern > b.pattern ? 1 : 0),
  );
}

/** Catalog names with a `{` are patterns (Kedro's rule). */
export function isPattern(name: string): boolean {
  return name.includes('{');
}

function substitute(value: unknown, fill: (template: string) => string): unknown {
  if (typeof value === 'string') return fill(value);
  if (Array.isArray(value)) return value.map((item) => substitute(item, fill));
  if (value !== null && typeof value === 'object' && Object.getPrototypeOf(value) === Object.prototype) {
    return Object.fromEntries(Object.entries(value).map(([key, child]) => [key, substitute(child, fill)]));
  }
  return value;
}

function parentSegments(path: string): number {
  return path.split(/[/\\]/).filter((segment) => segment === '..').length;
}

function placeholdersIn(value: unknown): string[] {
  if (typeof value === 'string') return [...value.matchAll(PLACEHOLDER)].map((match) => match[1]!);
  if (Array.isArray(value)) return value.flatMap(placeholdersIn);
  if (value !== null && typeof value === 'object') return Object.values(value).flatMap(placeholdersIn);
  return [];
}

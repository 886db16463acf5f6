import { CatalogAggregateError, CatalogError } from './catalog-errors.ts';
import type { ConfigLocation } from './dataset.ts';
import { DatasetPattern, isPattern, sortPatterns } from './dataset-patterns.ts';
import { isMapping } from '../values.ts';

/**
 * Finds where configuration is written: `(key, path)` → file and line, e.g.
 * `locate('catalog', ['companies'])`. `ConfigLoader.locate` has exactly this shape.
 */
export type ConfigLocator = (key: string, path: readonly string[]) => ConfigLocation | undefined;

/** What a catalog name resolves to, before any dataset is built. */
export interface ResolvedCatalogEntry {
  /** The dataset name asked for. */
  name: string;
  /** The factory pattern that matched, or null when the name is declared itself. */
  pattern: string | null;
  /**
   * The settings as written, `type` included, with every pattern placeholder filled in (a fresh
   * object each call). Credentials are still referred to by name: resolving never reads them.
   */
  config: Record<string, unknown>;
  /** Where the entry (or the pattern) is written, when known. */
  location: ConfigLocation | undefined;
}

/** Options of {@link CatalogResolver}. */
export interface CatalogResolverOptions {
  /** Where configuration is written, for messages: pass `(key, path) => loader.locate(key, path)`. */
  locate?: ConfigLocator | undefined;
  /** Dataset type names to suggest when an entry has no `type`. */
  knownTypes?: readonly string[] | undefined;
}

/**
 * The name-resolution half of a catalog: which settings a dataset name gets, without creating or
 * loading anything. This is Kedro's `CatalogConfigResolver` rule set:
 *
 * - a declared name always wins;
 * - else factory patterns are tried most specific first (more literal characters, then more
 *   placeholders, then alphabetical order), and the first match fills its placeholders into every
 *   string of its settings;
 * - the catch-all pattern (no literal characters, such as `{default}`) is tried last;
 * - otherwise the name is unknown to the configuration (a memory dataset at run time).
 *
 * Entries whose name starts with `_` are YAML templates and are skipped. The constructor checks the
 * whole configuration at once and throws one `CatalogAggregateError` listing every bad entry (not a
 * mapping, no `type`, a placeholder in the settings the pattern name lacks, two catch-alls).
 *
 * Unlike Kedro, names match case-sensitively. A placeholder value that would add a path segment
 * (`/`, `\`, a `..` segment) is a `CatalogError` at resolution, so a dataset name can't steer a
 * file path out of the folder its pattern names.
 */
export class CatalogResolver {
  readonly #declared = new Map<string, Record<string, unknown>>();
  readonly #patterns: DatasetPattern[];
  readonly #catchAll: DatasetPattern | undefined;
  readonly #locate: ConfigLocator | undefined;
  readonly #knownTypes: readonly string[] | undefined;

  constructor(catalogConfig: Readonly<Record<string, unknown>>, options: CatalogResolverOptions = {}) {
    this.#locate = options.locate;
    this.#knownTypes = options.knownTypes;
    const errors: CatalogError[] = [];
    const patterns: DatasetPattern[] = [];
    for (const [name, config] of Object.entries(catalogConfig)) {
      // Kedro's rule: `_name` entries are templates for YAML anchors and interpolation.
      if (name.startsWith('_')) continue;
      try {
        const settings = this.#checkEntry(name, config);
        if (isPattern(name)) patterns.push(new DatasetPattern(name, settings, this.locate(name)));
        else this.#declared.set(name, settings);
      } catch (error) {
        if (!(error instanceof CatalogError)) throw error;
        errors.push(error);
      }
    }
    const sorted = sortPatterns(patterns);
    const catchAlls = sorted.filter((pattern) => pattern.isCatchAll);
    if (catchAlls.length > 1) {
      errors.push(
        new CatalogError(
          `the catalog has ${catchAlls.length} catch-all patterns (${catchAlls.map((pattern) => `"${pattern.pattern}"`).join(', ')}), so it is unclear which one applies.`,
          {
            location: this.locate(catchAlls[1]!.pattern),
            hint: 'Keep one catch-all pattern such as "{default}" and remove the others.',
          },
        ),
      );
    }
    if (errors.length > 0) throw new CatalogAggregateError(errors, 'invalid');
    this.#patterns = sorted.filter((pattern) => !pattern.isCatchAll);
    this.#catchAll = catchAlls[0];
  }

  /** Declared dataset names, in configuration order. */
  declaredNames(): string[] {
    return [...this.#declared.keys()];
  }

  /** Factory patterns in match order, the catch-all last. */
  patternNames(): string[] {
    return [...this.#patterns, ...(this.#catchAll === undefined ? [] : [this.#catchAll])].map(
      (pattern) => pattern.pattern,
    );
  }

  isDeclared(name: string): boolean {
    return this.#declared.has(name);
  }

  /** True when a pattern matches `name`; the catch-all counts only when `includeCatchAll`. */
  matchesPattern(name: string, includeCatchAll: boolean): boolean {
    return this.#matchPattern(name, includeCatchAll) !== undefined;
  }

  /** Where the catalog key `source` (a name or a pattern) is written, optionally a setting inside it. */
  locate(source: string, path: readonly string[] = []): ConfigLocation | undefined {
    return this.#locate?.('catalog', [source, ...path]);
  }

  /**
   * The settings `name` gets: its own entry, else the most specific matching pattern, else the
   * catch-all pattern, with placeholders filled in. Undefined when nothing matches. Throws a
   * `CatalogError` when a placeholder value would add a path segment.
   */
  resolve(name: string): ResolvedCatalogEntry | undefined {
    const declared = this.#declared.get(name);
    if (declared !== undefined)
      return { name, pattern: null, config: { ...declared }, location: this.locate(name) };
    const pattern = this.#matchPattern(name, true);
    if (pattern === undefined) return undefined;
    const location = this.locate(pattern.pattern);
    return { name, pattern: pattern.pattern, config: pattern.resolve(name, location)!, location };
  }

  #matchPattern(name: string, includeCatchAll: boolean): DatasetPattern | undefined {
    const match = this.#patterns.find((pattern) => pattern.match(name) !== undefined);
    if (match !== undefined || !includeCatchAll) return match;
    return this.#catchAll?.match(name) === undefined ? undefined : this.#catchAll;
  }

  #checkEntry(name: string, config: unknown): Record<string, unknown> {
    const location = this.locate(name);
    if (!isMapping(config)) {
      throw new CatalogError(
        `the catalog entry is ${config === null ? 'empty' : `a ${Array.isArray(config) ? 'list' : typeof config}`}, not a mapping of dataset settings.`,
        {
          datasetName: name,
          location,
          hint: `Give it settings ("${name}:\\n  type: csv\\n  filepath: ..."). If it is a template for YAML anchors or interpolation, start its name with "_".`,
        },
      );
    }
    const type = config.type;
    if (typeof type !== 'string' || type.trim() === '') {
      const known = this.#knownTypes === undefined ? '' : ` (known types: ${this.#knownTypes.join(', ')})`;
      throw new CatalogError(
        `the catalog entry has ${type === undefined ? 'no "type"' : 'a "type" that is not a name'}.`,
        {
          datasetName: name,
          location,
          hint: `Add "type: <name>"${known}, or "type: ./src/module.ts#Export" for your own.`,
        },
      );
    }
    return config;
  }
}

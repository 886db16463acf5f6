import { didYouMean } from '../suggest.ts';
import { escapeRegExp, isMapping } from '../values.ts';
import type { CatalogErrorDetails } from './catalog-errors.ts';
import { CatalogAggregateError, CatalogError } from './catalog-errors.ts';
import type { Redactor } from '../secrets/redactor.ts';
import type { DatasetAnnotations } from './catalog-annotations.ts';
import { takeAnnotations } from './catalog-annotations.ts';
import { checkCached, checkCachedDataset } from './catalog-cached.ts';
import { guardDataset } from './catalog-redaction.ts';
import { importDatasetType, isModuleType } from './catalog-type-import.ts';
import type { ConfigLocation, Dataset, DatasetDescription } from './dataset.ts';
import type { DatasetFactory, DatasetFactoryContext, DatasetTypeRegistry } from './dataset-registry.ts';
import type { ConfigLocator } from './catalog-resolver.ts';
import { CatalogResolver } from './catalog-resolver.ts';

export type { ConfigLocator } from './catalog-resolver.ts';

/** A catalog name resolved to settings: declared by name, or produced by a factory pattern. */
export interface CatalogEntry {
  name: string;
  /** `type` as written. */
  type: string;
  /**
   * The settings with `type` and the annotations removed and pattern placeholders filled in;
   * credentials still by name.
   */
  options: Record<string, unknown>;
  /** `schema`, `expectations`, `validation`: settings for plugins, never passed to the dataset. */
  annotations: DatasetAnnotations;
  /**
   * `share_loads` as written: false makes every node that reads the dataset load it itself, instead
   * of a run loading it once for all of them (docs/catalog.md, "Shared loads"). Never passed to the
   * dataset; checked when the dataset is built.
   */
  shareLoads: unknown;
  /**
   * `cached` as written: true hands the value a node saved to the nodes that read it next in the
   * same thread, instead of each reading the file back (docs/catalog.md, "Cached datasets"). Never
   * passed to the dataset; checked when the dataset is built.
   */
  cached: unknown;
  /** The catalog key the settings come from: the name itself, or the pattern that matched. */
  source: string;
  /** Where that key is written, when known. */
  location: ConfigLocation | undefined;
}

/** What building datasets needs besides the catalog configuration. */
export interface CatalogDefinitionOptions {
  catalogConfig: Readonly<Record<string, unknown>>;
  credentials: Readonly<Record<string, unknown>>;
  projectPath: string;
  registry: DatasetTypeRegistry;
  redactor: Redactor;
  saveVersion: string;
  loadVersions: Readonly<Record<string, string>>;
  locate: ConfigLocator | undefined;
}

/**
 * The catalog configuration, checked and ready to build datasets from: declared entries, factory
 * patterns in match order, credentials, versions. Immutable, so shallow copies of a catalog share it.
 */
export class CatalogDefinition {
  readonly projectPath: string;
  readonly registry: DatasetTypeRegistry;
  readonly redactor: Redactor;
  readonly saveVersion: string;
  readonly loadVersions: Readonly<Record<string, string>>;
  /** Which settings each name gets; public so tools can resolve names without building datasets. */
  readonly resolver: CatalogResolver;
  readonly #credentials: Readonly<Record<string, unknown>>;
  readonly #locate: ConfigLocator | undefined;
  // Imports are shared by every dataset (and every shallow copy) using the same type.
  readonly #imports = new Map<string, Promise<DatasetFactory>>();

  constructor(options: CatalogDefinitionOptions) {
    this.projectPath = options.projectPath;
    this.registry = options.registry;
    this.redactor = options.redactor;
    this.saveVersion = options.saveVersion;
    this.loadVersions = options.loadVersions;
    this.#credentials = options.credentials;
    this.#locate = options.locate;

    this.resolver = new CatalogResolver(options.catalogConfig, {
      locate: options.locate,
      knownTypes: options.registry.types(),
    });
    const errors: CatalogError[] = [];
    const unknownVersions = Object.keys(this.loadVersions).filter(
      (name) => !this.resolver.isDeclared(name) && !this.resolver.matchesPattern(name, false),
    );
    if (unknownVersions.length > 0) {
      errors.push(
        new CatalogError(
          `load versions were given for ${unknownVersions.map((name) => `"${name}"`).join(', ')}, which the catalog doesn't declare.${didYouMean(unknownVersions[0]!, this.resolver.declaredNames())}`,
          {
            hint: 'Load versions apply to versioned datasets declared in the catalog; check the names given to --load-versions.',
          },
        ),
      );
    }
    if (errors.length > 0) throw new CatalogAggregateError(errors, 'invalid');
  }

  /** Declared dataset names, in configuration order. */
  declaredNames(): string[] {
    return this.resolver.declaredNames();
  }

  /** Factory patterns in match order, the catch-all last. */
  patternNames(): string[] {
    return this.resolver.patternNames();
  }

  isDeclared(name: string): boolean {
    return this.resolver.isDeclared(name);
  }

  /** Where the catalog key `source` (a name or a pattern) is written, optionally a setting inside it. */
  locate(source: string, path: readonly string[] = []): ConfigLocation | undefined {
    return this.#locate?.('catalog', [source, ...path]);
  }

  /** Where a parameter is written (`['model', 'test_size']`). */
  locateParameter(path: readonly string[]): ConfigLocation | undefined {
    return this.#locate?.('parameters', path);
  }

  /**
   * The settings `name` gets: its own entry, else the most specific matching pattern, else the
   * catch-all pattern. Undefined when nothing matches: the name is then a memory dataset.
   */
  entry(name: string): CatalogEntry | undefined {
    const resolved = this.resolver.resolve(name);
    if (resolved === undefined) return undefined;
    const { type, share_loads: shareLoads, cached, ...options } = resolved.config;
    const annotations = takeAnnotations(options);
    return {
      name,
      type: type as string,
      options,
      annotations,
      shareLoads,
      cached,
      source: resolved.pattern ?? name,
      location: resolved.location,
    };
  }

  /** True when a pattern matches `name`; the catch-all counts only when `includeCatchAll`. */
  matchesPattern(name: string, includeCatchAll: boolean): boolean {
    return this.resolver.matchesPattern(name, includeCatchAll);
  }

  /** A description from the settings alone, for entries not built yet. Credentials are left out. */
  describeEntry(entry: CatalogEntry): DatasetDescription {
    const { credentials: _credentials, ...options } = entry.options;
    return this.redactor.redactValue({ type: entry.type, ...options });
  }

  /**
   * Builds the dataset for `entry`: resolves credentials by name, versions, and the type (from the
   * registry or by import), then calls the factory. Every failure is a `CatalogError` naming the
   * dataset, its type and its file and line, with credentials masked.
   */
  async build(entry: CatalogEntry): Promise<Dataset> {
    const details: CatalogErrorDetails = {
      datasetName: entry.name,
      datasetType: entry.type,
      location: entry.location,
    };
    try {
      if (entry.shareLoads !== undefined && typeof entry.shareLoads !== 'boolean') {
        throw new CatalogError(
          `share_loads must be true or false, got ${JSON.stringify(entry.shareLoads)}.`,
          {
            ...details,
            location: this.locate(entry.source, ['share_loads']) ?? entry.location,
            hint: 'Write `share_loads: false` so that every node reading this dataset loads it itself; leave it out to share one load.',
          },
        );
      }
      checkCached(entry, details, (setting) => this.locate(entry.source, [setting]) ?? entry.location);
      const options = structuredClone(entry.options);
      let usesCredentials = false;
      const credentials = this.#takeCredentials(entry, options, details, () => {
        usesCredentials = true;
      });
      const context: DatasetFactoryContext = {
        name: entry.name,
        projectPath: this.projectPath,
        ...(entry.location === undefined ? {} : { location: entry.location }),
        ...(credentials === undefined ? {} : { credentials }),
      };
      if (options.versioned === true) {
        context.saveVersion = this.saveVersion;
        const loadVersion = this.loadVersions[entry.name];
        if (loadVersion !== undefined) context.loadVersion = loadVersion;
      }
      const factory = await this.#factory(entry, details);
      const dataset = await factory(options, context);
      checkDataset(dataset, details);
      if (entry.cached === true) checkCachedDataset(dataset, details, this.locate(entry.source, ['cached']));
      return credentials === undefined && !usesCredentials ? dataset : guardDataset(dataset, this.redactor);
    } catch (error) {
      throw this.redactor.redactError(error instanceof CatalogError ? error : wrapBuildError(error, details));
    }
  }

  /**
   * Moves the entry's `credentials` (a name, or an inline mapping) out of the options into the
   * factory context, so that no dataset can echo them back through its options. Nested
   * `credentials: <name>` settings (a partitioned dataset's inner dataset) are resolved in place.
   */
  #takeCredentials(
    entry: CatalogEntry,
    options: Record<string, unknown>,
    details: CatalogErrorDetails,
    onNested: () => void,
  ): Record<string, unknown> | undefined {
    const reference = options.credentials;
    delete options.credentials;
    resolveNestedCredentials(options, (name, path) => {
      onNested();
      return this.#credentialsByName(name, entry, [...path, 'credentials'], details);
    });
    if (reference === undefined || reference === null) return undefined;
    if (typeof reference === 'string')
      return this.#credentialsByName(reference, entry, ['credentials'], details);
    if (isMapping(reference)) return reference;
    throw new CatalogError('"credentials" must be the name of an entry in the credentials configuration.', {
      ...details,
      location: this.locate(entry.source, ['credentials']) ?? details.location,
      hint: 'Write "credentials: my_creds" and declare my_creds in conf/local/credentials.yml.',
    });
  }

  #credentialsByName(
    name: string,
    entry: CatalogEntry,
    path: readonly string[],
    details: CatalogErrorDetails,
  ): Record<string, unknown> {
    const found = this.#credentials[name];
    if (isMapping(found)) return found;
    const known = Object.keys(this.#credentials);
    // Names only, never values: the names are in the catalog anyway.
    throw new CatalogError(
      found === undefined
        ? `its credentials "${name}" are not in the credentials configuration.${didYouMean(name, known)}`
        : `its credentials "${name}" must be a mapping of settings (user, password, ...).`,
      {
        ...details,
        location: this.locate(entry.source, path) ?? details.location,
        hint:
          known.length === 0
            ? `No credentials are configured. Declare "${name}" in conf/local/credentials.yml (git-ignored), reading secrets with \${env:VAR} if you like.`
            : `Declare "${name}" in conf/local/credentials.yml. Configured credentials: ${known.sort().join(', ')}.`,
      },
    );
  }

  async #factory(entry: CatalogEntry, details: CatalogErrorDetails): Promise<DatasetFactory> {
    if (!isModuleType(entry.type)) {
      try {
        return this.registry.get(entry.type, entry.name);
      } catch (error) {
        const cause = error as { message?: string; hint?: string };
        const reason = (cause.message ?? String(error)).replace(
          /^Unknown dataset type "[^"]*"(?: for dataset "[^"]*")?\./,
          'its type is unknown.',
        );
        throw new CatalogError(reason, {
          ...details,
          location: this.locate(entry.source, ['type']) ?? details.location,
          hint: cause.hint,
        });
      }
    }
    let pending = this.#imports.get(entry.type);
    if (pending === undefined) {
      pending = importDatasetType(entry.type, this.projectPath, {
        ...details,
        location: this.locate(entry.source, ['type']) ?? details.location,
      });
      this.#imports.set(entry.type, pending);
      // A failed import is retried by the next build, which then reports its own dataset.
      pending.catch(() => this.#imports.delete(entry.type));
    }
    return pending;
  }
}

function resolveNestedCredentials(
  value: Record<string, unknown>,
  lookup: (name: string, path: readonly string[]) => Record<string, unknown>,
  path: string[] = [],
): void {
  for (const [key, child] of Object.entries(value)) {
    if (!isMapping(child)) continue;
    if (typeof child.credentials === 'string') child.credentials = lookup(child.credentials, [...path, key]);
    resolveNestedCredentials(child, lookup, [...path, key]);
  }
}

function checkDataset(dataset: unknown, details: CatalogErrorDetails): asserts dataset is Dataset {
  const required = ['load', 'save', 'exists', 'release', 'describe'] as const;
  const missing =
    dataset === null || typeof dataset !== 'object'
      ? [...required]
      : required.filter((method) => typeof (dataset as Record<string, unknown>)[method] !== 'function');
  if (missing.length > 0) {
    throw new CatalogError(
      `its type produced ${dataset === null || typeof dataset !== 'object' ? `a ${dataset === null ? 'null' : typeof dataset}` : 'an object'} that is not a dataset: it lacks ${missing.join(', ')}.`,
      {
        ...details,
        hint: 'A dataset implements load(), save(data), exists(), release() and describe(); see the Dataset interface.',
      },
    );
  }
}

function wrapBuildError(error: unknown, details: CatalogErrorDetails): CatalogError {
  // Dataset types name the dataset themselves; the catalog's subject already does.
  const subject = new RegExp(`^Dataset "${escapeRegExp(details.datasetName ?? '')}"(?: \\([^)]*\\))?:?\\s*`);
  const message = (error instanceof Error ? error.message : String(error)).replace(subject, '');
  const hint = (error as { hint?: unknown } | null)?.hint;
  return new CatalogError(`it can't be created: ${message}`, {
    ...details,
    cause: error,
    hint:
      typeof hint === 'string'
        ? hint
        : "Check the settings of this catalog entry against the dataset type's documentation.",
  });
}

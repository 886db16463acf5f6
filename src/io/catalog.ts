import { resolve } from 'node:path';
import { didYouMean } from '../suggest.ts';
import { createDatasetTypeRegistry } from './builtin-datasets.ts';
import type { DatasetAnnotations } from './catalog-annotations.ts';
import type { CatalogEntry, ConfigLocator } from './catalog-config.ts';
import { CatalogDefinition } from './catalog-config.ts';
import { CatalogAggregateError, CatalogError } from './catalog-errors.ts';
import type { CatalogResolver } from './catalog-resolver.ts';
import {
  isParameterName,
  lookupParameter,
  parameterDatasetNames,
  parameterPath,
  PARAMS_PREFIX,
} from './catalog-parameters.ts';
import { Redactor } from '../secrets/redactor.ts';
import type { ConfigLocation, Dataset, DatasetDescription, SaveResult } from './dataset.ts';
import type { DatasetTypeRegistry } from './dataset-registry.ts';
import { MemoryDataset } from './datasets/memory.ts';
import type { DatasetLocation, LocationRewriter, NamedRewriter } from './catalog-locations.ts';
import { relocatedEntry, resolveLocation } from './catalog-locations.ts';
import { FallbackDataset } from './fallback-dataset.ts';
import { timestampVersion } from './versioning.ts';

/** What `new DataCatalog()` starts with; everything is optional. */
export interface DataCatalogOptions {
  /** Datasets to hold from the start, by name. */
  datasets?: Readonly<Record<string, Dataset>>;
  /** Fills the `parameters` and `params:<dotted.key>` datasets. */
  parameters?: Readonly<Record<string, unknown>>;
}

/** What `DataCatalog.fromConfig` reads. */
export interface CatalogFromConfigOptions {
  /** The merged `catalog` configuration (`ConfigLoader.get('catalog')`). */
  catalogConfig: Readonly<Record<string, unknown>>;
  /** The merged `credentials` configuration; entries refer to it by name. Never shown anywhere. */
  credentials?: Readonly<Record<string, unknown>>;
  /** The merged `parameters` configuration, for `parameters` and `params:...`. */
  parameters?: Readonly<Record<string, unknown>>;
  /** The project root: relative file paths and `type: ./module.ts#Export` resolve against it. */
  projectPath: string;
  /** The dataset types known by name. Default: every type Sluice ships. */
  registry?: DatasetTypeRegistry;
  /** The version `versioned: true` datasets save under. Default: a timestamp (the session passes the run id). */
  saveVersion?: string;
  /** Per dataset name, the version to load instead of the latest (`--load-versions`). */
  loadVersions?: Readonly<Record<string, string>>;
  /** Where configuration is written, for messages: pass `(key, path) => loader.locate(key, path)`. */
  locate?: ConfigLocator;
  /** Masks the project's secrets in what the catalog shows. Default: built from `credentials`. */
  redactor?: Redactor;
}

/** Options of {@link DataCatalog.add}. */
export interface AddDatasetOptions {
  /** Replace a dataset of that name instead of failing. */
  replace?: boolean;
}

/** Options of {@link DataCatalog.filter}; a dataset must match all that are given. */
export interface CatalogFilter {
  /** A regular expression, or a string read as one, searched in the name (Kedro's `name_regex`). */
  name?: string | RegExp;
  /** The dataset type as written in the catalog (`csv`, `./src/io.ts#Geo`), or a pattern for it. */
  type?: string | RegExp;
}

/**
 * The datasets of a project by name, built from the `catalog` configuration.
 *
 * Name resolution, in order: datasets added or already built; `parameters` and `params:<key>`;
 * names declared in the catalog; dataset factory patterns (most specific first, then the catch-all
 * pattern); finally a `MemoryDataset`, created the first time the name is used.
 *
 * Building can be asynchronous (imports of heavy libraries and of project modules), so a run
 * first calls `await catalog.materialize(names)`, which builds every dataset the pipeline uses and
 * reports every bad entry at once. From then on `get(name)` is synchronous.
 */
export class DataCatalog {
  // Set once, by the constructor or by fromConfig/shallowCopy right after construction.
  #definition: CatalogDefinition | undefined;
  #redactor: Redactor;
  readonly #datasets: Map<string, Dataset>;
  readonly #parameters: Readonly<Record<string, unknown>>;
  readonly #building = new Map<string, Promise<Dataset>>();
  /** The catalog type of each dataset built from configuration. */
  readonly #types = new Map<string, string>();
  /** Location rewriters in the order registered, and what they decided per name (null: no location). */
  #rewriters: NamedRewriter[] = [];
  readonly #locations = new Map<string, DatasetLocation | null>();

  /** A catalog holding the given datasets and parameters, with no configuration behind it. */
  constructor(options: DataCatalogOptions = {}) {
    this.#definition = undefined;
    this.#redactor = Redactor.none;
    this.#datasets = new Map(Object.entries(options.datasets ?? {}));
    this.#parameters = options.parameters ?? {};
  }

  /**
   * A catalog from configuration. Checks every entry's shape, the factory patterns and the load
   * versions at once (a `CatalogAggregateError` lists every problem); datasets are built later, by
   * `materialize` or the first `load`/`save`. Async so that later checks may do I/O.
   */
  static async fromConfig(options: CatalogFromConfigOptions): Promise<DataCatalog> {
    const credentials = options.credentials ?? {};
    const redactor = options.redactor ?? Redactor.fromCredentials(credentials);
    const definition = new CatalogDefinition({
      catalogConfig: options.catalogConfig,
      credentials,
      projectPath: options.projectPath,
      registry: options.registry ?? createDatasetTypeRegistry(),
      redactor,
      saveVersion: options.saveVersion ?? timestampVersion(),
      loadVersions: options.loadVersions ?? {},
      locate: options.locate,
    });
    const catalog = new DataCatalog({ parameters: options.parameters ?? {} });
    catalog.#definition = definition;
    catalog.#redactor = redactor;
    return catalog;
  }

  /**
   * Which settings each name gets, straight from the configuration, without building anything
   * (`catalog.resolver?.resolve('eu.sales_csv')`); undefined for a catalog built without one.
   */
  get resolver(): CatalogResolver | undefined {
    return this.#definition?.resolver;
  }

  /**
   * Masks the project's secrets (see {@link Redactor.fromCredentials}); plugins use it on anything
   * they show or send: `catalog.redactor.redact(error.message)`.
   */
  get redactor(): Redactor {
    return this.#redactor;
  }

  /** The version `versioned: true` datasets save under in this run; undefined without configuration. */
  get saveVersion(): string | undefined {
    return this.#definition?.saveVersion;
  }

  /** The versions to load, per dataset name. */
  get loadVersions(): Readonly<Record<string, string>> {
    return this.#definition?.loadVersions ?? {};
  }

  /**
   * Builds every dataset in `names` that isn't built yet (resolving patterns, importing project
   * types), concurrently. Unknown names become memory datasets; a `params:` name that doesn't
   * exist is an error. Throws one `CatalogAggregateError` listing every entry that failed; the
   * others are built and kept.
   */
  async materialize(names: Iterable<string>): Promise<void> {
    const outcomes = await Promise.all(
      [...new Set(names)].map(async (name) => {
        try {
          await this.#resolve(name);
          return undefined;
        } catch (error) {
          if (!(error instanceof CatalogError)) throw error;
          return error;
        }
      }),
    );
    // In the order the names were given, not the order the builds failed in.
    const errors = outcomes.filter((outcome): outcome is CatalogError => outcome !== undefined);
    if (errors.length > 0) throw new CatalogAggregateError(errors, 'unbuildable');
  }

  /**
   * The dataset called `name`, synchronously: the hot path of every node run. A name nothing
   * declares becomes a `MemoryDataset` on the spot. A dataset the configuration declares (by name
   * or pattern) must have been built by `materialize` first; otherwise this throws, saying so.
   */
  get(name: string): Dataset {
    const dataset = this.#datasets.get(name);
    if (dataset !== undefined) return dataset;
    if (isParameterName(name)) return this.#parameterDataset(name);
    const entry = this.#definition?.entry(name);
    if (entry !== undefined) {
      throw new CatalogError('it is declared in the catalog but was not built yet.', {
        datasetName: name,
        datasetType: entry.type,
        location: entry.location,
        hint: 'Call `await catalog.materialize([...names])` before the run (the runners do), or use the async catalog.load/save.',
      });
    }
    const memory = new MemoryDataset(name);
    this.#datasets.set(name, memory);
    return memory;
  }

  /**
   * The fingerprint of `name`'s data (see `Dataset.fingerprint`), without loading it; undefined
   * when its dataset offers none, which means "treat as changed".
   */
  async fingerprint(name: string): Promise<string | undefined> {
    const dataset = await this.#resolve(name);
    if (dataset.fingerprint === undefined) return undefined;
    return this.#guard(name, () => dataset.fingerprint!());
  }

  /** Loads `name`, building its dataset first if needed. */
  async load(name: string): Promise<unknown> {
    const dataset = await this.#resolve(name);
    return this.#guard(name, () => dataset.load());
  }

  /** Saves `data` to `name`, building its dataset first if needed. */
  async save(name: string, data: unknown): Promise<SaveResult | undefined> {
    const dataset = await this.#resolve(name);
    return (await this.#guard(name, () => dataset.save(data))) ?? undefined;
  }

  /** True when `name` has data. A name nothing declares and nothing saved has none. */
  async exists(name: string): Promise<boolean> {
    if (!this.has(name) && !this.#datasets.has(name)) return false;
    const dataset = await this.#resolve(name);
    return this.#guard(name, () => dataset.exists());
  }

  /** Frees what the dataset caches (a memory dataset's data). Does nothing for datasets not built. */
  async release(name: string): Promise<void> {
    const dataset = this.#datasets.get(name);
    if (dataset !== undefined) await this.#guard(name, () => dataset.release());
  }

  /**
   * The dataset's type and public settings, for listings and tools; never credentials. Datasets
   * not built yet are described from their configuration.
   */
  describe(name: string): DatasetDescription {
    const dataset = this.#datasets.get(name);
    if (dataset !== undefined) return this.#redactor.redactValue(dataset.describe());
    if (isParameterName(name)) return this.#parameterDataset(name).describe();
    const entry = this.#definition?.entry(name);
    if (entry !== undefined) return this.#definition!.describeEntry(this.#relocated(entry));
    return new MemoryDataset(name).describe();
  }

  /**
   * True when the catalog knows `name`: added or built, a parameter, declared, or matched by a
   * dataset factory pattern (the catch-all pattern included, as in Kedro).
   */
  has(name: string): boolean {
    if (this.#datasets.has(name)) return true;
    if (isParameterName(name)) return lookupParameter(this.#parameters, name) !== undefined;
    return this.#definition?.entry(name) !== undefined;
  }

  /**
   * True when the data lives only in this process (memory datasets, parameters, and names nothing
   * declares). Runners use it to ship data between processes.
   */
  isEphemeral(name: string): boolean {
    const dataset = this.#datasets.get(name);
    if (dataset !== undefined) return dataset.ephemeral === true;
    if (isParameterName(name)) return true;
    const entry = this.#definition?.entry(name);
    return entry === undefined || entry.type === 'memory';
  }

  /**
   * True when a run may load `name` once and hand the same deep-frozen value to each node that
   * reads it (docs/catalog.md, "Shared loads"): a built persisted dataset, not opted out with
   * `share_loads: false` in its entry, whose class doesn't say `shareLoads = false`. Memory
   * datasets and parameters are never shared this way (they hand over their own value already).
   */
  sharesLoads(name: string): boolean {
    if (isParameterName(name)) return false;
    const dataset = this.#datasets.get(name);
    if (dataset === undefined || dataset.ephemeral === true || dataset.shareLoads === false) return false;
    // Added datasets have no entry: only the class decides.
    if (!this.#types.has(name)) return true;
    return this.#definition?.entry(name)?.shareLoads !== false;
  }

  /**
   * True when a value a node saves to `name` is handed, deep-frozen, to the nodes that read it later
   * in the same thread instead of their reading it back (`cached: true` in its entry;
   * docs/catalog.md, "Cached datasets"). False when `--load-versions` pins the version to read:
   * its readers get that version, not what this run saved.
   */
  keepsSaved(name: string): boolean {
    if (!this.sharesLoads(name) || this.loadVersions[name] !== undefined) return false;
    return this.#definition?.entry(name)?.cached === true;
  }

  /** The dataset's type: as written in the catalog for configured ones, else what the dataset calls itself. */
  typeOf(name: string): string {
    const built = this.#types.get(name);
    if (built !== undefined) return built;
    if (this.#datasets.has(name)) return this.describe(name).type;
    return this.#definition?.entry(name)?.type ?? this.describe(name).type;
  }

  /**
   * What the catalog entry of `name` says about its data for plugins (`schema`, `expectations`,
   * `validation`), as written; empty for names the configuration doesn't declare or match.
   */
  annotations(name: string): DatasetAnnotations {
    if (isParameterName(name)) return {};
    return this.#definition?.entry(name)?.annotations ?? {};
  }

  /**
   * Where a setting of the entry of `name` is written (`locateSetting('companies', ['schema'])`),
   * else where the entry is.
   */
  locateSetting(name: string, path: readonly string[]): ConfigLocation | undefined {
    const entry = this.#definition?.entry(name);
    if (entry === undefined) return undefined;
    return this.#definition!.locate(entry.source, path) ?? entry.location;
  }

  /** Where the catalog declares `name` (or the pattern that matches it, or its parameter). */
  location(name: string): ConfigLocation | undefined {
    if (isParameterName(name)) return this.#definition?.locateParameter(parameterPath(name));
    return this.#definition?.entry(name)?.location;
  }

  /**
   * Dataset names: declared ones in configuration order, then parameters, then the ones added or
   * built since. Patterns are not names; see `patterns()`. With `pattern`, only names it matches
   * (a string is read as a regular expression, as Kedro's `catalog.list(regex)`).
   */
  list(pattern?: string | RegExp): string[] {
    const names = new Set([
      ...(this.#definition?.declaredNames() ?? []),
      ...parameterDatasetNames(this.#parameters),
      ...this.#datasets.keys(),
    ]);
    const regex = pattern === undefined ? undefined : toRegExp(pattern);
    return [...names].filter((name) => regex === undefined || regex.test(name));
  }

  /** Names whose name and type match (see {@link CatalogFilter}). */
  filter(criteria: CatalogFilter = {}): string[] {
    const type = criteria.type;
    return this.list(criteria.name).filter((name) => {
      if (type === undefined) return true;
      const actual = this.typeOf(name);
      return typeof type === 'string' ? actual === type : toRegExp(type).test(actual);
    });
  }

  /** The dataset factory patterns, in match order (the catch-all last). */
  patterns(): string[] {
    return this.#definition?.patternNames() ?? [];
  }

  /**
   * Moves configured datasets: `rewrite` sees each configured dataset that has a location
   * (`filepath`, `path` or `url`) and may return a new one, optionally with a fallback to load from
   * while the new location has no data. Rewriters apply in the order registered, each to what the
   * previous ones left, and lazily (a dataset matched by a factory pattern is rewritten when first
   * resolved). Call it from `afterCatalogCreated`, before any configured dataset is built: that
   * hook fires in every process that runs nodes, so the move applies on every runner. `by` names
   * the rewriter in {@link locationOf} (and in `sluice catalog list`).
   */
  rewriteLocations(by: string, rewrite: LocationRewriter): this {
    const built = [...this.#types.keys()];
    if (built.length > 0) {
      throw new CatalogError(
        `"${by}" rewrites dataset locations after datasets were built (${built.slice(0, 3).join(', ')}).`,
        {
          hint: 'Register location rewriters in the afterCatalogCreated hook, before the run builds any dataset.',
        },
      );
    }
    this.#rewriters = [...this.#rewriters, { by, rewrite }];
    this.#locations.clear();
    return this;
  }

  /**
   * Where configured dataset `name` lives after every location rewriter: the configured location,
   * the final one, the fallback it loads from while the final one is empty, and which rewriter
   * changed what. Undefined for names without a location (memory, parameters, SQL tables).
   */
  locationOf(name: string): DatasetLocation | undefined {
    const cached = this.#locations.get(name);
    if (cached !== undefined) return cached ?? undefined;
    if (isParameterName(name)) return undefined;
    const entry = this.#definition?.entry(name);
    if (entry === undefined) return undefined;
    const location = resolveLocation(entry, this.#rewriters) ?? null;
    this.#locations.set(name, location);
    return location ?? undefined;
  }

  /**
   * Where `name`'s data lives, spelled one way for comparison: a file path made absolute against
   * the project (so `./data/a.csv`, `data/a.csv` and its absolute path agree), a URL normalised.
   * Two names with the same key read and write the same data. Undefined without a location.
   */
  storageKeyOf(name: string): string | undefined {
    const location = this.locationOf(name);
    if (location === undefined) return undefined;
    if (location.key === 'url') {
      try {
        return new URL(location.location).href;
      } catch {
        return location.location;
      }
    }
    const root = this.#definition?.projectPath;
    return root === undefined ? resolve(location.location) : resolve(root, location.location);
  }

  /**
   * Adds a dataset under `name`. Fails when the name is taken (declared, a parameter, or added)
   * unless `replace` is set.
   */
  add(name: string, dataset: Dataset, options: AddDatasetOptions = {}): this {
    if (options.replace !== true && this.#isTaken(name)) {
      throw new CatalogError('a dataset with this name is already in the catalog.', {
        datasetName: name,
        hint: 'Pick another name, or pass { replace: true } to replace it.',
      });
    }
    this.#datasets.set(name, dataset);
    this.#types.delete(name);
    return this;
  }

  /**
   * Adds a memory dataset holding each value of `data` (test inputs, runtime data), replacing any
   * dataset of that name unless `replace` is false.
   */
  feed(data: Readonly<Record<string, unknown>>, options: AddDatasetOptions = { replace: true }): this {
    for (const [name, value] of Object.entries(data))
      this.add(name, new MemoryDataset(name, {}, { data: value }), options);
    return this;
  }

  /**
   * A new catalog sharing this one's configuration and dataset instances. Datasets added to the
   * copy (a run's memory datasets) do not appear in this catalog.
   */
  shallowCopy(): DataCatalog {
    const copy = new DataCatalog({ parameters: this.#parameters });
    copy.#definition = this.#definition;
    copy.#redactor = this.#redactor;
    copy.#rewriters = this.#rewriters;
    for (const [name, location] of this.#locations) copy.#locations.set(name, location);
    for (const [name, dataset] of this.#datasets) copy.#datasets.set(name, dataset);
    for (const [name, type] of this.#types) copy.#types.set(name, type);
    return copy;
  }

  #isTaken(name: string): boolean {
    return (
      this.#datasets.has(name) ||
      (isParameterName(name) && this.has(name)) ||
      this.#definition?.isDeclared(name) === true
    );
  }

  async #resolve(name: string): Promise<Dataset> {
    const built = this.#datasets.get(name);
    if (built !== undefined) return built;
    if (isParameterName(name)) return this.#parameterDataset(name);
    const definition = this.#definition;
    const entry = definition?.entry(name);
    if (definition === undefined || entry === undefined) return this.get(name);
    let pending = this.#building.get(name);
    if (pending === undefined) {
      pending = this.#build(definition, entry);
      this.#building.set(name, pending);
    }
    return pending;
  }

  async #build(definition: CatalogDefinition, entry: CatalogEntry): Promise<Dataset> {
    try {
      const dataset = await this.#buildRelocated(definition, entry);
      // Something may have added a dataset under this name while this one was being built.
      const current = this.#datasets.get(entry.name);
      if (current !== undefined) return current;
      this.#datasets.set(entry.name, dataset);
      this.#types.set(entry.name, entry.type);
      return dataset;
    } finally {
      this.#building.delete(entry.name);
    }
  }

  /** The entry with its location rewritten (the entry itself when no rewriter moved it). */
  #relocated(entry: CatalogEntry): CatalogEntry {
    const location = this.locationOf(entry.name);
    return location === undefined || location.location === location.configured
      ? entry
      : relocatedEntry(entry, location.key, location.location);
  }

  async #buildRelocated(definition: CatalogDefinition, entry: CatalogEntry): Promise<Dataset> {
    const location = this.locationOf(entry.name);
    const primary = await definition.build(this.#relocated(entry));
    if (location?.fallback === undefined) return primary;
    const fallback = await definition.build(relocatedEntry(entry, location.key, location.fallback));
    return new FallbackDataset(primary, fallback, location.fallback);
  }

  #parameterDataset(name: string): Dataset {
    const found = lookupParameter(this.#parameters, name);
    if (found === undefined) {
      const known = parameterDatasetNames(this.#parameters).filter((candidate) =>
        candidate.startsWith(PARAMS_PREFIX),
      );
      throw new CatalogError(
        `no parameter "${name.slice(PARAMS_PREFIX.length)}" exists.${didYouMean(name, known)}`,
        {
          datasetName: name,
          datasetType: 'parameter',
          hint: 'Declare it in conf/base/parameters.yml (a dotted name such as params:model.test_size reads a nested key), or pass it with --params.',
        },
      );
    }
    // Parameters are copied, not frozen: the value is part of the configuration, which this
    // catalog shares with its caller.
    const dataset = new MemoryDataset(name, { copyMode: 'auto' }, { data: found.value });
    this.#datasets.set(name, dataset);
    return dataset;
  }

  async #guard<T>(name: string, operation: () => T | Promise<T>): Promise<T> {
    try {
      return await operation();
    } catch (error) {
      throw this.#redactor.redactError(error);
    }
  }
}

function toRegExp(pattern: string | RegExp): RegExp {
  if (pattern instanceof RegExp) return new RegExp(pattern.source, pattern.flags.replace(/[gy]/g, ''));
  try {
    return new RegExp(pattern);
  } catch (error) {
    throw new CatalogError(`"${pattern}" is not a valid regular expression: ${(error as Error).message}`, {
      hint: 'Escape special characters with a backslash, or pass a RegExp.',
    });
  }
}

import { existsSync, readdirSync, statSync } from 'node:fs';
import { isAbsolute, join, relative, resolve, sep } from 'node:path';
import type { ConfigLocation } from '../config-location.ts';
import { didYouMean } from '../suggest.ts';
import { findConfigFiles } from './config-files.ts';
import type { ConfigMapNode, MergeStrategy } from './config-tree.ts';
import {
  countValues,
  emptyMap,
  leafPaths,
  locatePath,
  mergeAllSoft,
  mergeTrees,
  treeFromPlain,
  treeToPlain,
} from './config-tree.ts';
import {
  ConfigEnvironmentError,
  ConfigError,
  DuplicateConfigKeyError,
  InterpolationError,
} from './errors.ts';
import { resolveInterpolations } from './interpolation.ts';
import { CONFIG_LIMITS } from './limits.ts';
import { formatLocation } from '../config-location.ts';
import { RUNTIME_PARAMS_SOURCE } from './location.ts';
import { normalizeRuntimeParams } from './runtime-params.ts';
import { readConfigFile } from './yaml-file.ts';

/**
 * Which files make up each configuration key, as globs relative to an environment folder.
 * `catalog*` reads `catalog.yml` and `catalog_extra.yml`; `catalog*\/**` reads every file in a
 * `catalog/` folder; `**\/catalog*` reads catalog files in any subfolder (`pipelines/ds/catalog.yml`).
 */
export const DEFAULT_CONFIG_PATTERNS: Readonly<Record<string, readonly string[]>> = {
  catalog: ['catalog*', 'catalog*/**', '**/catalog*'],
  parameters: ['parameters*', 'parameters*/**', '**/parameters*'],
  credentials: ['credentials*', 'credentials*/**', '**/credentials*'],
  globals: ['globals*', 'globals*/**'],
  hooks: ['hooks*', 'hooks/**'],
  alerts: ['alerts*', 'alerts/**'],
  telemetry: ['telemetry*', 'telemetry/**'],
  paths: ['paths*', 'paths/**'],
  branch_data: ['branch_data*'],
};

/** How to find and combine a project's configuration. */
export interface ConfigLoaderOptions {
  /** The project root. File names in messages and locations are relative to it. */
  projectPath: string;
  /** The configuration folder, relative to the project. Default `conf`. */
  confSource?: string;
  /** The run environment layered over the base one (`--env`). Default: `defaultRunEnv`. */
  env?: string;
  /** The environment every run reads first. Default `base`. */
  baseEnv?: string;
  /** The environment used when none is given; it may be missing (it is git-ignored). Default `local`. */
  defaultRunEnv?: string;
  /**
   * Runtime parameters (`--params`), with dotted (`"model.test_size"`) or nested keys. String values
   * are read as YAML scalars. They override `parameters` and feed `${runtime_params:...}`.
   */
  runtimeParams?: Readonly<Record<string, unknown>>;
  /** Extra or replaced configuration keys and their globs, e.g. `{ hooks: ['hooks*', 'hooks/**'] }`. */
  configPatterns?: Readonly<Record<string, readonly string[]>>;
  /** Per key, how the run environment merges over base. Default `soft` for every key. */
  mergeStrategy?: Readonly<Record<string, MergeStrategy>>;
  /** Environment variables `${env:...}` reads in credentials. Default `process.env`. */
  environ?: Readonly<Record<string, string | undefined>>;
}

interface LoadedKey {
  tree: ConfigMapNode;
  plain: Record<string, unknown>;
  files: string[];
}

/**
 * Reads `conf/<base>` and then `conf/<env>`, Kedro-style, with every value's file and line kept.
 *
 * - Within one environment, two files may not declare the same top-level key (for `parameters`,
 *   the same leaf key): there would be no rule for which one wins.
 * - The run environment is merged over base **softly** by default: mappings merge key by key at
 *   every depth, and on any other clash the run environment's value wins whole (lists are replaced,
 *   not appended). Set `mergeStrategy: { catalog: 'destructive' }` for Kedro's default, where a
 *   top-level key of the run environment replaces base's whole.
 * - Runtime parameters are merged over `parameters` last.
 * - Top-level keys starting with `_` are templates for YAML anchors and interpolations: they are
 *   dropped from every key's result except `parameters`, as in Kedro.
 *
 * Reading is synchronous: configuration is a handful of small files read once at start-up, and a
 * synchronous `locate()` is what error paths need.
 */
export class ConfigLoader {
  /** The project root. */
  readonly projectPath: string;
  /** The absolute configuration folder. */
  readonly confPath: string;
  /** The base environment's name. */
  readonly baseEnv: string;
  /** The run environment's name. */
  readonly env: string;
  /** The runtime parameters, nested and parsed. */
  readonly runtimeParams: Readonly<Record<string, unknown>>;

  readonly #patterns: Record<string, readonly string[]>;
  readonly #mergeStrategy: Readonly<Record<string, MergeStrategy>>;
  readonly #environ: Readonly<Record<string, string | undefined>>;
  readonly #envFolderExists: boolean;
  readonly #loaded = new Map<string, LoadedKey>();

  /** Checks that the configuration folders exist; reads nothing else until `get`. */
  constructor(options: ConfigLoaderOptions) {
    this.projectPath = resolve(options.projectPath);
    this.confPath = resolve(this.projectPath, options.confSource ?? 'conf');
    this.baseEnv = options.baseEnv ?? 'base';
    const defaultRunEnv = options.defaultRunEnv ?? 'local';
    this.env = options.env ?? defaultRunEnv;
    this.runtimeParams = normalizeRuntimeParams(options.runtimeParams ?? {});
    this.#patterns = { ...DEFAULT_CONFIG_PATTERNS, ...options.configPatterns };
    this.#mergeStrategy = options.mergeStrategy ?? {};
    this.#environ = options.environ ?? process.env;

    for (const [key, strategy] of Object.entries(this.#mergeStrategy)) {
      if (strategy !== 'soft' && strategy !== 'destructive') {
        throw new ConfigError(`Unknown merge strategy "${String(strategy)}" for "${key}".`, {
          hint: 'Use "soft" or "destructive".',
        });
      }
    }
    if (!isDirectory(this.confPath)) {
      throw new ConfigEnvironmentError(
        `The configuration folder ${this.#display(this.confPath)} doesn't exist.`,
        {
          hint: `Create it with a "${this.baseEnv}" environment inside (conf/${this.baseEnv}/catalog.yml, parameters.yml), or point confSource at your configuration folder.`,
        },
      );
    }
    if (!isDirectory(join(this.confPath, this.baseEnv))) {
      throw new ConfigEnvironmentError(
        `The base configuration environment ${this.#display(join(this.confPath, this.baseEnv))} doesn't exist.`,
        {
          hint: `Create ${this.#display(join(this.confPath, this.baseEnv))}/ with your catalog.yml and parameters.yml.`,
        },
      );
    }
    this.#envFolderExists = isDirectory(join(this.confPath, this.env));
    // The default run environment holds personal, git-ignored settings, so a fresh clone lacks it.
    if (!this.#envFolderExists && this.env !== defaultRunEnv) {
      throw new ConfigEnvironmentError(
        `The configuration environment "${this.env}" doesn't exist: there is no ${this.#display(join(this.confPath, this.env))} folder.`,
        {
          hint: `Create that folder, or pick an existing environment with --env.${didYouMean(this.env, this.environments())}`,
        },
      );
    }
  }

  /** The environment folders under the configuration folder. */
  environments(): string[] {
    return listFolders(this.confPath);
  }

  /** The configuration keys `get` knows, such as `catalog`, `parameters`, `credentials`, `globals`. */
  keys(): string[] {
    return Object.keys(this.#patterns);
  }

  /**
   * The merged, interpolated configuration for `key` (a fresh copy each call; results are cached).
   * A key with no files gives `{}`. Throws a `ConfigError` naming file, line and column for
   * anything wrong in the files read.
   */
  get(key: string): Record<string, unknown> {
    return structuredClone(this.#load(key).plain);
  }

  /**
   * Where `path` inside `key` is written, e.g. `locate('catalog', ['companies', 'filepath'])` →
   * `{ file: 'conf/base/catalog.yml', line: 4, column: 3 }`. When the full path doesn't exist, the
   * deepest part that does is returned; `undefined` when not even the first key exists. A value
   * the run environment overrides is located in the run environment's file.
   */
  locate(key: string, path: readonly string[] = []): ConfigLocation | undefined {
    const { tree } = this.#load(key);
    if (path.length === 0) return tree.at;
    const found = locatePath(tree, path);
    if (found.node === tree) return undefined;
    return found.location;
  }

  /** The files read for `key`, base environment first, relative to the project. */
  files(key: string): string[] {
    return [...this.#load(key).files];
  }

  #load(key: string): LoadedKey {
    const cached = this.#loaded.get(key);
    if (cached !== undefined) return cached;
    const patterns = this.#patterns[key];
    if (patterns === undefined) {
      throw new ConfigError(
        `No configuration patterns are defined for "${key}".${didYouMean(key, this.keys())}`,
        {
          hint: `Known keys: ${this.keys().join(', ')}. Add one with the configPatterns option, e.g. { ${key}: ['${key}*', '${key}/**'] }.`,
        },
      );
    }

    const files: string[] = [];
    const environments =
      this.env === this.baseEnv || !this.#envFolderExists ? [this.baseEnv] : [this.baseEnv, this.env];
    let merged: ConfigMapNode | undefined;
    for (const environment of environments) {
      const layer = this.#readEnvironment(key, environment, patterns, files);
      merged = merged === undefined ? layer : mergeTrees(merged, layer, this.#mergeStrategy[key] ?? 'soft');
    }
    let tree = merged ?? emptyMap({ file: this.#display(join(this.confPath, this.baseEnv)) });

    if (key === 'parameters' && Object.keys(this.runtimeParams).length > 0) {
      const runtime = treeFromPlain(this.runtimeParams, { file: RUNTIME_PARAMS_SOURCE }) as ConfigMapNode;
      tree = mergeTrees(tree, runtime, 'soft');
    }

    const resolved = resolveInterpolations({
      configKey: key,
      root: tree,
      globals: key === 'globals' ? undefined : () => this.#load('globals').tree,
      runtimeParams: this.runtimeParams,
      environ: this.#environ,
      allowEnv: key === 'credentials',
      allowRuntimeParams: key !== 'globals',
    });
    if (key !== 'parameters') {
      for (const name of [...resolved.entries.keys()])
        if (name.startsWith('_')) resolved.entries.delete(name);
    }

    // `${a}` shares the node `a`, so references to references can multiply the plain copy.
    const written = countValues(tree);
    const plain = treeToPlain(resolved, {
      values: written + CONFIG_LIMITS.interpolationExpansion,
      exceeded: (at) =>
        new InterpolationError(
          `the \${...} references of the ${key} configuration expand it to more than ${CONFIG_LIMITS.interpolationExpansion.toLocaleString('en-US')} values beyond the ${written.toLocaleString('en-US')} written (this value was being copied when the limit was reached).`,
          {
            location: at,
            hint: 'References to mappings or lists that themselves reference others multiply: refer to the values you need, not to whole sections of sections.',
          },
        ),
    }) as Record<string, unknown>;
    const loaded: LoadedKey = { tree: resolved, plain, files };
    this.#loaded.set(key, loaded);
    return loaded;
  }

  #readEnvironment(
    key: string,
    environment: string,
    patterns: readonly string[],
    files: string[],
  ): ConfigMapNode {
    const folder = join(this.confPath, environment);
    const perFile: ConfigMapNode[] = [];
    for (const relativePath of findConfigFiles(folder, patterns)) {
      const absolutePath = join(folder, relativePath);
      const displayPath = this.#display(absolutePath);
      files.push(displayPath);
      perFile.push(readConfigFile(absolutePath, { displayPath, showSource: key !== 'credentials' }));
    }
    this.#rejectDuplicates(key, environment, perFile);
    return mergeAllSoft({ file: this.#display(folder) }, perFile);
  }

  /**
   * Kedro's rule: one environment may not declare a key twice, since nothing says which file
   * wins. For parameters the check is per leaf, so `model.a` and `model.b` may live in two files.
   */
  #rejectDuplicates(key: string, environment: string, perFile: readonly ConfigMapNode[]): void {
    const seen = new Map<string, ConfigLocation>();
    for (const fileTree of perFile) {
      const declared =
        key === 'parameters'
          ? leafPaths(fileTree).map((leaf) => ({ name: leaf.path.join('.'), at: leaf.at }))
          : [...fileTree.entries].map(([name, entry]) => ({ name, at: entry.keyAt }));
      for (const { name, at } of declared) {
        if (name.startsWith('_')) continue;
        const first = seen.get(name);
        if (first === undefined) {
          seen.set(name, at);
          continue;
        }
        throw new DuplicateConfigKeyError(
          `"${name}" is declared twice in the "${environment}" environment: first at ${formatLocation(first)}, again here.`,
          [first, at],
          "Keep one of the two declarations. To change a value for one environment only, declare it again in that environment's folder (conf/<env>/), which overrides base.",
        );
      }
    }
  }

  #display(absolutePath: string): string {
    const relativePath = relative(this.projectPath, absolutePath);
    const shown =
      relativePath === '' || relativePath.startsWith('..') || isAbsolute(relativePath)
        ? absolutePath
        : relativePath;
    return shown.split(sep).join('/');
  }
}

function isDirectory(path: string): boolean {
  return existsSync(path) && statSync(path).isDirectory();
}

function listFolders(path: string): string[] {
  return readdirSync(path, { withFileTypes: true })
    .filter((entry) => entry.isDirectory() && !entry.name.startsWith('.'))
    .map((entry) => entry.name)
    .sort();
}

import { readdir, readFile } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { SluiceError } from '../errors.ts';
import { isClass } from '../values.ts';

/** A plugin found in an installed package (the equivalent of a Kedro entry point). */
export interface DiscoveredPlugin {
  /** The npm package that declared it in `package.json` under `"sluice": { "hooks": "<module>" }`. */
  readonly packageName: string;
  /** The name it registers under: its own `name`, else the package name (`pkg:1`, `pkg:2`... when a package exports several). */
  readonly name: string;
  readonly plugin: object;
}

/** What discovery found, including packages turned off by `disableHooksForPlugins`. */
export interface DiscoveryResult {
  readonly plugins: DiscoveredPlugin[];
  /** Packages that declare hooks but were disabled, so `sluice info` can show them as such. */
  readonly disabled: string[];
}

/** A package declares hooks that can't be loaded. */
export class PluginDiscoveryError extends SluiceError {}

/**
 * Finds installed packages under `<projectPath>/node_modules` whose package.json declares
 * `"sluice": { "hooks": "./dist/hooks.js" }`, and imports their plugins. The module's default
 * export (or its `hooks` export) is a plugin, an array of plugins, or a function returning either.
 * Packages are visited in name order so that registration, and so call order, is deterministic.
 * Disabled packages are never imported.
 */
export async function discoverPlugins(
  projectPath: string,
  options: { disable?: Iterable<string> } = {},
): Promise<DiscoveryResult> {
  const disabledNames = new Set(options.disable ?? []);
  const plugins: DiscoveredPlugin[] = [];
  const disabled: string[] = [];
  for (const packageDir of await packageDirectories(join(resolve(projectPath), 'node_modules'))) {
    const manifest = await readManifest(packageDir);
    const entry = manifest?.sluice?.hooks;
    if (manifest === undefined || entry === undefined) continue;
    const packageName = manifest.name ?? packageDir;
    if (disabledNames.has(packageName)) {
      disabled.push(packageName);
      continue;
    }
    if (typeof entry !== 'string') {
      throw new PluginDiscoveryError(
        `Package "${packageName}" declares "sluice.hooks" as ${typeof entry}; it must be a module path.`,
        {
          hint: `Fix ${join(packageDir, 'package.json')}, or disable it with disableHooksForPlugins: ['${packageName}'].`,
        },
      );
    }
    plugins.push(...(await loadPackagePlugins(packageName, join(packageDir, entry))));
  }
  return { plugins, disabled };
}

async function loadPackagePlugins(packageName: string, modulePath: string): Promise<DiscoveredPlugin[]> {
  let loaded: Record<string, unknown>;
  try {
    loaded = (await import(pathToFileURL(modulePath).href)) as Record<string, unknown>;
  } catch (error) {
    throw new PluginDiscoveryError(
      `Package "${packageName}" declares hooks in ${modulePath}, which failed to load: ${(error as Error).message}`,
      {
        cause: error,
        hint: `Reinstall the package, or disable it with disableHooksForPlugins: ['${packageName}'].`,
      },
    );
  }
  let exported = loaded.default ?? loaded.hooks;
  if (typeof exported === 'function' && !isClass(exported)) exported = await (exported as () => unknown)();
  const list = Array.isArray(exported) ? exported : [exported];
  if (list.length === 0 || list.some((plugin) => plugin === null || typeof plugin !== 'object')) {
    throw new PluginDiscoveryError(
      `Package "${packageName}" must export a plugin object (or an array of them) from ${modulePath}.`,
      {
        hint: 'Export it as the default export, or as `export const hooks = ...`.',
      },
    );
  }
  return (list as object[]).map((plugin, index) => {
    const ownName = (plugin as { name?: unknown }).name;
    const name =
      typeof ownName === 'string' && ownName !== ''
        ? ownName
        : list.length === 1
          ? packageName
          : `${packageName}:${index + 1}`;
    return { packageName, name, plugin };
  });
}

interface Manifest {
  name?: string;
  sluice?: { hooks?: unknown };
}

async function readManifest(packageDir: string): Promise<Manifest | undefined> {
  try {
    return JSON.parse(await readFile(join(packageDir, 'package.json'), 'utf8')) as Manifest;
  } catch {
    return undefined;
  }
}

/** Every package folder in node_modules, scoped ones included, sorted by package name. */
async function packageDirectories(nodeModules: string): Promise<string[]> {
  const found: string[] = [];
  for (const entry of await listDirectory(nodeModules)) {
    if (entry.startsWith('.')) continue;
    if (entry.startsWith('@')) {
      for (const scoped of await listDirectory(join(nodeModules, entry)))
        found.push(join(nodeModules, entry, scoped));
    } else {
      found.push(join(nodeModules, entry));
    }
  }
  return found.sort();
}

async function listDirectory(path: string): Promise<string[]> {
  try {
    return await readdir(path);
  } catch {
    return [];
  }
}

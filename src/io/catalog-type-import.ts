import { existsSync, statSync } from 'node:fs';
import { createRequire } from 'node:module';
import { isAbsolute, join, resolve } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { importModule } from '../module-loader.ts';
import { didYouMean } from '../suggest.ts';
import { isClass } from '../values.ts';
import type { CatalogErrorDetails } from './catalog-errors.ts';
import { CatalogError } from './catalog-errors.ts';
import type { DatasetFactory } from './dataset-registry.ts';

/** True for `type: <module>#<export>`, a project's own dataset type. */
export function isModuleType(type: string): boolean {
  return type.includes('#');
}

/** Extensions tried, in order, when a relative module is written without one. */
const MODULE_SUFFIXES = ['', '.ts', '.mts', '.js', '.mjs', '/index.ts', '/index.js'];

/**
 * Imports `<module>#<export>` and returns it as a dataset factory. The module is a path relative
 * to the project (`./src/datasets.ts#GeoJsonDataset`, extension optional) or a package name. The
 * export may be a `DatasetFactory` function, called with `(options, context)`, or a class,
 * constructed with `(options, context)`; `#default` names the default export. TypeScript modules
 * load with no build step (see `importModule`).
 */
export async function importDatasetType(
  type: string,
  projectPath: string,
  details: CatalogErrorDetails,
): Promise<DatasetFactory> {
  const hash = type.lastIndexOf('#');
  const specifier = type.slice(0, hash).trim();
  const exportName = type.slice(hash + 1).trim();
  if (specifier === '' || exportName === '') {
    throw new CatalogError(`the type "${type}" must name a module and an export, as "<module>#<export>".`, {
      ...details,
      hint: 'For example "type: ./src/datasets.ts#GeoJsonDataset", or "type: my-package#MyDataset".',
    });
  }

  const url = locateModule(specifier, projectPath, details);
  let module: Record<string, unknown>;
  try {
    module = url.startsWith('file:')
      ? await importModule(fileURLToPath(url), projectPath)
      : ((await import(url)) as Record<string, unknown>);
  } catch (error) {
    throw new CatalogError(
      `importing "${specifier}" failed: ${error instanceof Error ? error.message : String(error)}`,
      {
        ...details,
        cause: error,
        hint: 'Fix the error in that module (or in a module it imports) and run again.',
      },
    );
  }

  const exported = module[exportName];
  if (exported === undefined) {
    const names = Object.keys(module);
    throw new CatalogError(
      `the module "${specifier}" has no export named "${exportName}".${didYouMean(exportName, names)}`,
      {
        ...details,
        hint:
          names.length === 0
            ? 'The module exports nothing; export your dataset class or factory function.'
            : `Its exports: ${names.sort().join(', ')}.`,
      },
    );
  }
  if (typeof exported !== 'function') {
    throw new CatalogError(
      `the export "${exportName}" of "${specifier}" is a ${exported === null ? 'null' : typeof exported}, not a dataset class or factory function.`,
      {
        ...details,
        hint: 'Export a class implementing Dataset, or a function (options, context) => Dataset.',
      },
    );
  }
  if (isClass(exported)) {
    const DatasetClass = exported as new (...args: unknown[]) => never;
    return (options, context) => new DatasetClass(options, context);
  }
  return exported as DatasetFactory;
}

function locateModule(specifier: string, projectPath: string, details: CatalogErrorDetails): string {
  const isPath = specifier.startsWith('.') || isAbsolute(specifier);
  if (isPath) {
    const base = resolve(projectPath, specifier);
    for (const suffix of MODULE_SUFFIXES) {
      const candidate = `${base}${suffix}`;
      if (existsSync(candidate) && statSync(candidate).isFile()) return pathToFileURL(candidate).href;
    }
    throw new CatalogError(
      `the module "${specifier}" doesn't exist (looked for ${base} relative to the project).`,
      {
        ...details,
        hint: 'Module paths in "type: <module>#<export>" are relative to the project root, e.g. "./src/datasets.ts#MyDataset".',
      },
    );
  }
  try {
    return pathToFileURL(createRequire(join(projectPath, 'package.json')).resolve(specifier)).href;
  } catch {
    // ESM-only packages have no "require" entry; let import() resolve them the ESM way.
    return specifier;
  }
}

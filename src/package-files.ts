import { existsSync } from 'node:fs';

/**
 * Files of Sluice's own package: package.json, templates/, the built page in dist/viz-page/, and
 * the modules a thread or process loads by URL. They are found from the package root, never from a
 * path relative to the module asking: the build bundles modules into shared chunk files, so a
 * module's code doesn't sit where its source file does (docs/architecture.md, "The build").
 */

/** The folder holding Sluice's package.json (the checkout, or node_modules/sluice), with a trailing slash. */
export const PACKAGE_ROOT: URL = findPackageRoot(new URL('.', import.meta.url));

/** Whether Sluice runs from its TypeScript sources (tests under tsx) rather than from dist/. */
export const RUNNING_FROM_SOURCE: boolean = import.meta.url.endsWith('.ts');

/** A file of the package by its path from the package root: `packageFile('templates/starter')`. */
export function packageFile(path: string): URL {
  return new URL(path, PACKAGE_ROOT);
}

/**
 * A module that is loaded by URL at run time, by its path under src/ without extension
 * (`runner/parallel/worker`): its source under tsx, else its file in dist/. Only the build's entry
 * points exist in dist/ as files of their own (RUNTIME_ENTRIES in scripts/build-dist.ts).
 */
export function entryModule(path: string): URL {
  return RUNNING_FROM_SOURCE ? packageFile(`src/${path}.ts`) : packageFile(`dist/${path}.js`);
}

function findPackageRoot(start: URL): URL {
  for (let folder = start; ;) {
    if (existsSync(new URL('package.json', folder))) return folder;
    const parent = new URL('..', folder);
    if (parent.href === folder.href)
      throw new Error(`Sluice's package.json was not found above ${start.href}: the installation is broken.`);
    folder = parent;
  }
}

import { mkdtempSync } from 'node:fs';
import Module, { register } from 'node:module';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

/**
 * Makes `name` impossible to import in this process from now on, as in a project that hasn't
 * installed it: a resolve hook resolves it from an empty folder (no node_modules above it), so
 * Node's own resolver fails the import with its real ERR_MODULE_NOT_FOUND (MODULE_NOT_FOUND for a
 * `require`). node:test runs each
 * test file in its own process; call this before anything imports the package.
 */
export function hidePackage(name: string): void {
  const nowhere = pathToFileURL(join(mkdtempSync(join(tmpdir(), 'sluice-no-package-')), 'x.mjs')).href;
  const hook = `export async function resolve(specifier, context, nextResolve) {
    if (specifier === ${JSON.stringify(name)}) return nextResolve(specifier, { ...context, parentURL: ${JSON.stringify(nowhere)} });
    return nextResolve(specifier, context);
  }`;
  register(`data:text/javascript,${encodeURIComponent(hook)}`);
  // `require` (Sluice requires some CommonJS packages) doesn't go through resolve hooks on Node
  // 20: its resolver gets the same empty folder to search from.
  const cjs = Module as unknown as {
    _resolveFilename: (request: string, parent: unknown, ...rest: unknown[]) => string;
  };
  const resolveFilename = cjs._resolveFilename;
  const empty = new Module(join(fileURLToPath(nowhere)));
  empty.paths = [];
  cjs._resolveFilename = function (request, parent, ...rest) {
    if (request === name || request.startsWith(`${name}/`))
      return resolveFilename.call(this, request, empty, ...rest);
    return resolveFilename.call(this, request, parent, ...rest);
  };
}

import { mkdtempSync } from 'node:fs';
import { register } from 'node:module';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';

/**
 * Makes `name` impossible to import in this process from now on, as in a project that hasn't
 * installed it: a resolve hook resolves it from an empty folder (no node_modules above it), so
 * Node's own resolver fails the import with its real ERR_MODULE_NOT_FOUND. node:test runs each
 * test file in its own process; call this before anything imports the package.
 */
export function hidePackage(name: string): void {
  const nowhere = pathToFileURL(join(mkdtempSync(join(tmpdir(), 'sluice-no-package-')), 'x.mjs')).href;
  const hook = `export async function resolve(specifier, context, nextResolve) {
    if (specifier === ${JSON.stringify(name)}) return nextResolve(specifier, { ...context, parentURL: ${JSON.stringify(nowhere)} });
    return nextResolve(specifier, context);
  }`;
  register(`data:text/javascript,${encodeURIComponent(hook)}`);
}

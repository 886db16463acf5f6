import { pathToFileURL } from 'node:url';

let registered: Promise<void> | undefined;

/**
 * Imports a module by path, TypeScript included, with no build step (as Vite loads
 * vite.config.ts). Under tsx (tests, `tsx script.ts`) TypeScript already imports; otherwise tsx's
 * loader is registered once, on the first `.ts` import that needs it, so a JavaScript-only
 * project never pays for it.
 */
export async function importModule(path: string): Promise<Record<string, unknown>> {
  const url = pathToFileURL(path).href;
  try {
    return (await import(url)) as Record<string, unknown>;
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'ERR_UNKNOWN_FILE_EXTENSION') throw error;
  }
  registered ??= import('tsx/esm/api').then(({ register }) => void register());
  await registered;
  // Node remembers the failed import of this URL; a query string makes it a new module.
  return (await import(`${url}?typescript`)) as Record<string, unknown>;
}

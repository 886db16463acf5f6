import { createHash } from 'node:crypto';
import { readdir, readFile } from 'node:fs/promises';
import { join, relative, sep } from 'node:path';

/** What makes two copies of a project run the same nodes the same way. */
export interface FingerprintScope {
  readonly projectPath: string;
  readonly confSource: string;
  readonly env: string;
}

/** Files that are the project's code (its settings file included). */
const CODE = /\.(?:[cm]?[jt]sx?|json)$/;
/** Folders that hold data, dependencies, caches or build output, not the project's code. */
const SKIPPED_FOLDERS = new Set(['node_modules', 'data', 'dist', 'build', 'coverage']);
/** Lock files change with every install and say nothing the code doesn't. */
const SKIPPED_FILES = new Set(['package-lock.json', 'npm-shrinkwrap.json']);

/**
 * A short digest of the project as a run sees it: its code (every script and JSON file outside
 * data, dependency and hidden folders, `sluice.config.ts` included) and its configuration for the
 * run's environment (`<conf>/base` and `<conf>/<env>`). The coordinator puts it on every node job;
 * a worker whose copy gives another digest refuses the job instead of running stale code. Other
 * environments' configuration is left out: a machine's own `conf/local` credentials for another
 * environment don't make it a different project.
 */
export async function projectFingerprint(scope: FingerprintScope): Promise<string> {
  const root = scope.projectPath;
  const conf = join(root, scope.confSource);
  const files = new Set<string>();
  await walk(
    root,
    (path) => {
      if (path === conf || path.startsWith(conf + sep)) return false;
      return true;
    },
    (path) => CODE.test(path) && !SKIPPED_FILES.has(path.slice(path.lastIndexOf(sep) + 1)),
    files,
  );
  for (const layer of new Set(['base', scope.env])) {
    await walk(
      join(conf, layer),
      () => true,
      () => true,
      files,
    );
  }
  const hash = createHash('sha256');
  for (const path of [...files].sort()) {
    hash.update(relative(root, path).split(sep).join('/'));
    hash.update('\0');
    hash.update(await readFile(path));
    hash.update('\0');
  }
  return hash.digest('hex').slice(0, 16);
}

async function walk(
  folder: string,
  enter: (path: string) => boolean,
  take: (path: string) => boolean,
  into: Set<string>,
): Promise<void> {
  let entries;
  try {
    entries = await readdir(folder, { withFileTypes: true });
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return;
    throw error;
  }
  for (const entry of entries) {
    const path = join(folder, entry.name);
    if (entry.isDirectory()) {
      if (entry.name.startsWith('.') || SKIPPED_FOLDERS.has(entry.name) || !enter(path)) continue;
      await walk(path, enter, take, into);
    } else if (entry.isFile() && !entry.name.startsWith('.') && take(path)) {
      into.add(path);
    }
  }
}

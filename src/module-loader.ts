import { createHash, randomBytes } from 'node:crypto';
import { mkdirSync, readdirSync, readFileSync, renameSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { basename, dirname, join, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';

/**
 * Imports a project module by path, TypeScript included, with no build step.
 *
 * Under a TypeScript-aware loader (tsx, as in tests) the module is imported directly. Otherwise
 * it is bundled with esbuild, the way Vite loads vite.config.ts: the project's own files are
 * compiled into a folder under `<project>/.sluice/cache/` (dynamic imports stay lazy, as separate
 * chunks), packages stay external, and `import.meta.url` keeps pointing at each source file. The
 * bundle is reused while none of its source files changed, so a warm start doesn't load esbuild
 * at all. Registering a loader for every import instead (tsx) costs several hundred milliseconds
 * per process (docs/benchmarks.md).
 */
export async function importModule(
  path: string,
  projectPath = dirname(path),
): Promise<Record<string, unknown>> {
  const url = pathToFileURL(path).href;
  if (!/\.[mc]?tsx?$/.test(path)) return (await import(url)) as Record<string, unknown>;
  try {
    return (await import(url)) as Record<string, unknown>;
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'ERR_UNKNOWN_FILE_EXTENSION') throw error;
  }
  process.setSourceMapsEnabled(true);
  return import(pathToFileURL(await compiledEntry(resolve(path), resolve(projectPath))).href) as Promise<
    Record<string, unknown>
  >;
}

/**
 * The project files the bundles in `.sluice/cache/` were built from: every project module imported
 * through {@link importModule} so far, and every project file those import (dynamic imports
 * included). Undefined when `path` itself has no bundle (imported under a TypeScript-aware
 * loader, or not imported yet), since the list is then incomplete.
 */
export function bundledSources(path: string, projectPath = dirname(path)): string[] | undefined {
  const recordFile = recordFileOf(resolve(path), resolve(projectPath));
  if (readRecord(recordFile) === undefined) return undefined;
  const sources = new Set<string>();
  for (const name of readdirSync(dirname(recordFile)))
    if (name.endsWith('.json'))
      for (const source of Object.keys(readRecord(join(dirname(recordFile), name))?.inputs ?? {}))
        sources.add(source);
  return [...sources];
}

function recordFileOf(entry: string, projectPath: string): string {
  const key = createHash('sha256').update(entry).digest('hex').slice(0, 16);
  return join(projectPath, '.sluice', 'cache', 'modules', `${key}.json`);
}

/** Which bundle serves an entry, and the source files it was built from, with their stamps. */
interface CacheRecord {
  readonly folder: string;
  readonly inputs: Record<string, string>;
}

/** Bundles are immutable once written; a day-old one nobody points at is removed. */
const STALE_AFTER_MS = 24 * 60 * 60 * 1000;

async function compiledEntry(entry: string, projectPath: string): Promise<string> {
  const recordFile = recordFileOf(entry, projectPath);
  const cacheRoot = dirname(recordFile);
  const key = basename(recordFile, '.json');
  const output = (folder: string) => join(cacheRoot, folder, basename(entry).replace(/\.[mc]?tsx?$/, '.mjs'));
  const cached = readRecord(recordFile);
  if (cached !== undefined && isFresh(cached)) return output(cached.folder);

  const folder = `${key}-${Date.now().toString(36)}-${randomBytes(3).toString('hex')}`;
  const inputs = await bundle(entry, join(cacheRoot, folder), projectPath);
  const temporary = `${recordFile}.${process.pid}.${randomBytes(3).toString('hex')}.tmp`;
  writeFileSync(temporary, JSON.stringify({ folder, inputs } satisfies CacheRecord));
  renameSync(temporary, recordFile);
  sweep(cacheRoot);
  return output(folder);
}

function readRecord(file: string): CacheRecord | undefined {
  try {
    return JSON.parse(readFileSync(file, 'utf8')) as CacheRecord;
  } catch {
    return undefined;
  }
}

function stamp(path: string): string | undefined {
  try {
    const stats = statSync(path);
    return `${stats.size}:${stats.mtimeMs}`;
  } catch {
    return undefined;
  }
}

function isFresh(record: CacheRecord): boolean {
  return Object.entries(record.inputs).every(([path, expected]) => stamp(path) === expected);
}

/** Removes day-old bundles that no record points at (another process may still use a newer one). */
function sweep(cacheRoot: string): void {
  const inUse = new Set<string>();
  const entries = readdirSync(cacheRoot);
  for (const name of entries)
    if (name.endsWith('.json')) inUse.add(readRecord(join(cacheRoot, name))?.folder ?? '');
  for (const name of entries) {
    if (name.endsWith('.json') || inUse.has(name)) continue;
    const path = join(cacheRoot, name);
    if (Date.now() - (statSync(path, { throwIfNoEntry: false })?.mtimeMs ?? Date.now()) > STALE_AFTER_MS)
      rmSync(path, { recursive: true, force: true });
  }
}

/** Bundles with esbuild and returns every project source file it read, with its stamp. */
async function bundle(entry: string, outdir: string, projectPath: string): Promise<Record<string, string>> {
  const esbuild = await import('esbuild');
  mkdirSync(outdir, { recursive: true });
  const result = await esbuild.build({
    entryPoints: [entry],
    outdir,
    bundle: true,
    splitting: true,
    format: 'esm',
    platform: 'node',
    target: 'node20',
    packages: 'external',
    sourcemap: 'inline',
    metafile: true,
    outExtension: { '.js': '.mjs' },
    logLevel: 'silent',
    absWorkingDir: projectPath,
    define: {
      'import.meta.url': '__sluice_source_url',
      'import.meta.filename': '__sluice_source_file',
      'import.meta.dirname': '__sluice_source_dir',
    },
    plugins: [
      {
        name: 'sluice-source-location',
        setup(build) {
          // Each file keeps its own location, so `new URL('./x.json', import.meta.url)` still works.
          build.onLoad({ filter: /\.[mc]?[jt]sx?$/ }, (args) => {
            const source = readFileSync(args.path, 'utf8');
            const prelude =
              `const __sluice_source_url = ${JSON.stringify(pathToFileURL(args.path).href)};` +
              `const __sluice_source_file = ${JSON.stringify(args.path)};` +
              `const __sluice_source_dir = ${JSON.stringify(dirname(args.path))};`;
            const typescript = /\.[mc]?tsx?$/.test(args.path);
            const jsx = args.path.endsWith('x');
            return {
              contents: `${prelude}${source}`,
              loader: typescript ? (jsx ? 'tsx' : 'ts') : jsx ? 'jsx' : 'js',
            };
          });
        },
      },
    ],
  });
  const inputs: Record<string, string> = {};
  for (const input of Object.keys(result.metafile.inputs)) {
    const path = resolve(projectPath, input);
    inputs[path] = stamp(path) ?? 'missing';
  }
  return inputs;
}

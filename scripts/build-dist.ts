/**
 * Builds dist/'s JavaScript: one esbuild bundle of src/ with code splitting, so that starting the
 * CLI or a worker thread loads a few files instead of hundreds (docs/architecture.md, "The build";
 * the start-up figures are in docs/benchmarks.md). tsc still writes the .d.ts files. Part of
 * `npm run build`.
 *
 * All entry points are built together, so the modules they share live once, in shared chunk files:
 * a user's pipeline (which imports `sluice`) and the CLI see the same classes. Each entry keeps
 * the path tsc would give it (dist/index.js, dist/cli/main.js, ...); the other modules move into
 * dist/chunks/, which is why the code finds its package's files from the package root
 * (src/package-files.ts), never from its own URL.
 */
import { mkdirSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { dirname, join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import { build } from 'esbuild';

const REPO = fileURLToPath(new URL('..', import.meta.url));
const DIST = join(REPO, 'dist');

/**
 * Modules loaded by URL at run time rather than imported, as paths under src/ without extension:
 * the parallel runner's thread and the built-in plugins that thread imports
 * (src/package-files.ts `entryModule`).
 */
export const RUNTIME_ENTRIES = ['runner/parallel/worker', 'plugins/default-plugins'] as const;

/**
 * Internal modules that benchmarks and tests import from dist/ by path: bench/realistic.ts times
 * one worker thread's start, test/cli/report-error.test.ts runs the error report in a thread.
 * package.json's exports keep them out of users' reach.
 */
const INTERNAL_ENTRIES = ['runner/parallel/worker-handle', 'cli/report-error'] as const;

/**
 * Every entry point, as a path under src/ without extension: package.json's exports, the module
 * bin/sluice.js imports, {@link RUNTIME_ENTRIES} and {@link INTERNAL_ENTRIES}.
 */
export function entryPoints(): string[] {
  const manifest = JSON.parse(readFileSync(join(REPO, 'package.json'), 'utf8')) as {
    exports: Record<string, string | { import?: string }>;
  };
  const fromDist = (path: string) => /^\.\/dist\/(.+)\.js$/.exec(path)?.[1];
  const exported = Object.values(manifest.exports).map((target) =>
    fromDist(typeof target === 'string' ? target : (target.import ?? '')),
  );
  const bin = readFileSync(join(REPO, 'bin', 'sluice.js'), 'utf8');
  const fromBin = [...bin.matchAll(/import\('\.\.\/dist\/(.+?)\.js'\)/g)].map((match) => match[1]);
  const entries = [...exported, ...fromBin, ...RUNTIME_ENTRIES, ...INTERNAL_ENTRIES].filter(
    (entry): entry is string => entry !== undefined,
  );
  return [...new Set(entries)];
}

/** Removes the JavaScript of an earlier build (its chunk names differ); the .d.ts files are tsc's. */
function removeEarlierBuild(folder: string): void {
  for (const entry of readdirSync(folder, { withFileTypes: true })) {
    const path = join(folder, entry.name);
    if (entry.isDirectory()) {
      if (relative(DIST, path) !== 'viz-page') removeEarlierBuild(path);
    } else if (/\.js(\.map)?$/.test(entry.name)) rmSync(path);
  }
}

export async function buildDist(): Promise<{ entries: number; files: number }> {
  rmSync(join(DIST, 'chunks'), { recursive: true, force: true });
  try {
    removeEarlierBuild(DIST);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'ENOENT') throw error;
  }
  const entries = entryPoints();
  const result = await build({
    absWorkingDir: REPO,
    entryPoints: entries.map((entry) => ({ in: join('src', `${entry}.ts`), out: entry })),
    outdir: DIST,
    chunkNames: 'chunks/[name]-[hash]',
    bundle: true,
    splitting: true,
    format: 'esm',
    platform: 'node',
    target: 'node20',
    packages: 'external',
    sourcemap: true,
    metafile: true,
    write: false,
    logLevel: 'warning',
  });
  const declared = declaredClasses();
  for (const file of result.outputFiles) {
    mkdirSync(dirname(file.path), { recursive: true });
    const path = relative(REPO, file.path);
    writeFileSync(
      file.path,
      path.endsWith('.js') ? keepClassNames(file.text, declared, path) : file.contents,
    );
  }
  return { entries: entries.length, files: Object.keys(result.metafile.outputs).length };
}

/** Every class name declared in src/. */
function declaredClasses(): Set<string> {
  const declared = new Set<string>();
  for (const entry of readdirSync(join(REPO, 'src'), { recursive: true, withFileTypes: true })) {
    if (!entry.isFile() || !entry.name.endsWith('.ts')) continue;
    const source = readFileSync(join(entry.parentPath, entry.name), 'utf8');
    for (const match of source.matchAll(/\bclass\s+([A-Za-z_$][\w$]*)/g)) declared.add(match[1]!);
  }
  return declared;
}

/**
 * Gives every bundled class the name it has in src/. esbuild turns a top-level class into
 * `var Pipeline = class _Pipeline {` when its body refers to itself, and renames one whose name
 * collides with another module's in the same chunk (`var Pipeline2 = class {`): either way the
 * class's `name` would change, and names show (`SluiceError` subclasses report `new.target.name`,
 * messages say "an object of class Pipeline"). A static block, on the header's line so that the
 * source map's lines hold, sets the name back. esbuild's `keepNames` would keep names too, but it
 * wraps every function, closures on the hot path included, in a naming call.
 */
export function keepClassNames(text: string, declared: ReadonlySet<string>, file: string): string {
  return text.replace(
    /\bvar ([A-Za-z_$][\w$]*) = class(?: ([A-Za-z_$][\w$]*))?((?: extends [\w$.]+)?) \{/g,
    (header, binding: string, inner: string | undefined) => {
      const original = [binding, inner?.replace(/^_/, ''), binding.replace(/\d+$/, '')].find(
        (name) => name !== undefined && declared.has(name),
      );
      if (original === undefined)
        throw new Error(
          `${file}: no class of src/ matches "${header}"; scripts/build-dist.ts can't name it.`,
        );
      if ((inner ?? binding) === original) return header;
      return `${header} static { Object.defineProperty(this, "name", { value: ${JSON.stringify(original)} }); }`;
    },
  );
}

if (process.argv[1] !== undefined && fileURLToPath(import.meta.url) === process.argv[1]) {
  const { entries, files } = await buildDist();
  console.log(`dist/: ${entries} entry points, ${files} files (JavaScript and source maps)`);
}

/**
 * Lays out one of bench:realistic's projects in a work folder, as bench:realistic and bench:phases
 * run them: `<work>/<name>` holds the project (for spaceflights, examples/spaceflights with the
 * benchmark's files over it), `<work>/shared` the stopwatch, the marks and the floor's I/O that
 * the projects import as ../shared/, `node_modules/sluice` links this checkout, and the floor is
 * compiled once to floor.mjs, as Sluice compiles a project once into .sluice/cache. The data is
 * not copied: bench:realistic generates it (generate.ts), and spaceflights brings its own. The
 * layout mirrors bench/realistic/ itself (../shared/ beside each project), so that the io and cpu
 * templates typecheck where they are.
 */
import { cpSync, existsSync, mkdirSync, symlinkSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { build } from 'esbuild';

const ROOT = resolve(import.meta.dirname, '..', '..');
const TEMPLATES = import.meta.dirname;

export async function layOutProject(work: string, name: string): Promise<string> {
  const project = join(work, name);
  cpSync(join(TEMPLATES, 'shared'), join(work, 'shared'), { recursive: true });
  if (name === 'spaceflights') {
    cpSync(join(ROOT, 'examples', 'spaceflights'), project, {
      recursive: true,
      filter: (source) => !/node_modules|\.sluice|0[2-9]_/.test(source.slice(ROOT.length)),
    });
  }
  cpSync(join(TEMPLATES, name), project, { recursive: true });
  mkdirSync(join(project, 'node_modules'), { recursive: true });
  if (!existsSync(join(project, 'node_modules', 'sluice')))
    symlinkSync(ROOT, join(project, 'node_modules', 'sluice'));
  await build({
    entryPoints: [join(project, 'floor.ts')],
    outfile: join(project, 'floor.mjs'),
    bundle: true,
    platform: 'node',
    format: 'esm',
    packages: 'external',
    logLevel: 'error',
  });
  return project;
}

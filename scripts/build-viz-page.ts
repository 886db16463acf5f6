/**
 * Bundles the pipeline page (src/plugins/viz/page/) into dist/viz-page/: `page.js` (the page),
 * `elk.js` (the layout engine, for static exports only) and `page.css`. Part of `npm run build`;
 * the viz plugin reads these files, so the page works offline and needs no CDN.
 */
import { renameSync, mkdirSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { build } from 'esbuild';

const REPO = fileURLToPath(new URL('..', import.meta.url));
const PAGE = join(REPO, 'src', 'plugins', 'viz', 'page');
export const VIZ_PAGE_OUT = join(REPO, 'dist', 'viz-page');

/** Builds the three files; each is written whole (temporary file, then rename). */
export async function buildVizPage(): Promise<Record<string, number>> {
  mkdirSync(VIZ_PAGE_OUT, { recursive: true });
  const outputs: Record<string, number> = {};
  const entries = [
    ['page.js', join(PAGE, 'main.ts')],
    ['elk.js', join(PAGE, 'elk-entry.ts')],
    ['page.css', join(PAGE, 'page.css')],
  ] as const;
  for (const [name, entry] of entries) {
    const result = await build({
      entryPoints: [entry],
      bundle: true,
      minify: true,
      format: 'iife',
      target: ['chrome110', 'firefox110', 'safari16'],
      platform: 'browser',
      // elk.bundled.js mentions the optional `web-worker` package on a path the page never takes.
      external: ['web-worker'],
      legalComments: 'none',
      write: false,
      logLevel: 'warning',
    });
    const text = result.outputFiles[0]!.text;
    const target = join(VIZ_PAGE_OUT, name);
    const temporary = `${target}.${process.pid}.tmp`;
    writeFileSync(temporary, text);
    renameSync(temporary, target);
    outputs[name] = statSync(target).size;
  }
  return outputs;
}

if (process.argv[1] !== undefined && fileURLToPath(import.meta.url) === process.argv[1]) {
  const sizes = await buildVizPage();
  for (const [name, size] of Object.entries(sizes))
    console.log(`dist/viz-page/${name}: ${(size / 1024).toFixed(1)} KiB`);
}

import { createHash } from 'node:crypto';
import { existsSync, readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { VizAssetsMissingError } from './errors.ts';
import type { VizPageData } from './graph.ts';

/**
 * dist/viz-page/, where `npm run build` writes the page (scripts/build-viz-page.ts). Found from
 * Sluice's package.json by self-reference, not from this module's URL: the build bundles this code
 * into a chunk file elsewhere in dist/ (docs/architecture.md, "The build").
 */
const ASSETS = new URL('dist/viz-page/', import.meta.resolve('sluice/package.json'));

/** The bundled page: its script, its style sheet, and ELK for static exports. */
export interface PageAssets {
  readonly script: string;
  readonly style: string;
  readonly elk: string | undefined;
}

export function readPageAssets(options: { withElk: boolean }): PageAssets {
  const read = (name: string) => {
    const path = fileURLToPath(new URL(name, ASSETS));
    if (!existsSync(path)) throw new VizAssetsMissingError(path);
    return readFileSync(path, 'utf8');
  };
  return {
    script: read('page.js'),
    style: read('page.css'),
    elk: options.withElk ? read('elk.js') : undefined,
  };
}

/** `<`, `&` and the JavaScript line separators escaped, so data can never close its script tag. */
export function jsonForScript(value: unknown): string {
  return JSON.stringify(value)
    .replace(/</g, '\\u003c')
    .replace(/>/g, '\\u003e')
    .replace(/&/g, '\\u0026')
    .replace(/\u2028/g, '\\u2028')
    .replace(/\u2029/g, '\\u2029');
}

function escapeHtml(text: string): string {
  return text.replace(/[&<>"']/g, (character) => `&#${character.charCodeAt(0)};`);
}

function sha256(text: string): string {
  return `'sha256-${createHash('sha256').update(text, 'utf8').digest('base64')}'`;
}

/**
 * One self-contained HTML page: style, data and scripts inline, nothing fetched from elsewhere.
 * The Content-Security-Policy allows exactly the page's own scripts (by hash), so even markup
 * that slipped into the page could run nothing; the live page may talk to its own server only.
 */
export function renderPage(data: VizPageData, assets: PageAssets): string {
  const scripts = assets.elk === undefined ? [assets.script] : [assets.elk, assets.script];
  const policy = [
    "default-src 'none'",
    `script-src ${scripts.map(sha256).join(' ')}`,
    "style-src 'unsafe-inline'",
    'img-src data:',
    `connect-src ${data.live ? "'self'" : "'none'"}`,
    "base-uri 'none'",
    "form-action 'none'",
  ].join('; ');
  // A `</script` inside a bundled script would end it early; the bundles are ours, but check.
  for (const script of scripts)
    if (/<\/script/i.test(script))
      throw new Error('A bundled script contains "</script": it cannot be inlined.');
  return [
    '<!doctype html>',
    '<html lang="en">',
    '<head>',
    '<meta charset="utf-8">',
    `<meta http-equiv="Content-Security-Policy" content="${policy}">`,
    '<meta name="viewport" content="width=device-width, initial-scale=1">',
    `<title>${escapeHtml(data.graph.projectName)} · Sluice</title>`,
    `<style>${assets.style}</style>`,
    '</head>',
    '<body data-state="loading">',
    '<div id="app"></div>',
    `<script type="application/json" id="sluice-viz-data">${jsonForScript(data)}</script>`,
    ...scripts.map((script) => `<script>${script}</script>`),
    '</body>',
    '</html>',
    '',
  ].join('\n');
}

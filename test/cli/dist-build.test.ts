/**
 * dist/ is one esbuild bundle with shared chunks (scripts/build-dist.ts): each entry point keeps
 * its path, the rest of the code moves into dist/chunks/. These tests fail when an entry point or a
 * file Sluice finds at run time (package.json, templates/, dist/viz-page/, the worker thread's
 * entry, the built-in plugins a thread imports) no longer resolves from the build, and when a
 * project's `import 'sluice'` and the CLI would see different copies of the classes.
 */
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import { entryPoints, RUNTIME_ENTRIES } from '../../scripts/build-dist.ts';
import { assertExit, copyProject, ensureBuilt, linkSluice, REPO, sluice, tempDir, write } from './support.ts';

ensureBuilt();

const manifest = JSON.parse(readFileSync(join(REPO, 'package.json'), 'utf8')) as {
  version: string;
  exports: Record<string, string | { types: string; import: string }>;
};

/** Runs an ES module in plain Node (no tsx) from the checkout, so `sluice` resolves to itself. */
function plainNode(source: string): string {
  const result = spawnSync(process.execPath, ['--input-type=module', '-e', source], {
    cwd: REPO,
    encoding: 'utf8',
  });
  assert.equal(result.status, 0, result.stderr);
  return result.stdout;
}

test('every entry point of the build has its source, its file in dist/ and its types', () => {
  const entries = entryPoints();
  for (const path of ['index', 'plugin-api/index', 'dataset-api/index', 'cli/main', ...RUNTIME_ENTRIES])
    assert.ok(entries.includes(path), `${path} is an entry point`);
  for (const entry of entries) {
    assert.ok(existsSync(join(REPO, 'src', `${entry}.ts`)), `src/${entry}.ts exists`);
    assert.ok(existsSync(join(REPO, 'dist', `${entry}.js`)), `dist/${entry}.js exists`);
    assert.ok(existsSync(join(REPO, 'dist', `${entry}.js.map`)), `dist/${entry}.js.map exists`);
  }
  for (const [subpath, target] of Object.entries(manifest.exports)) {
    if (typeof target === 'string') continue;
    assert.ok(existsSync(join(REPO, target.types)), `the types of "${subpath}" (${target.types}) exist`);
  }
  // No JavaScript of an earlier tsc build is left beside the bundle.
  const files = readdirSync(join(REPO, 'dist'), { recursive: true }) as string[];
  const javascript = files.filter((file) => file.endsWith('.js') && !file.startsWith('viz-page'));
  const expected = new Set(entries.map((entry) => `${entry}.js`));
  const strays = javascript.filter((file) => !expected.has(file) && !file.startsWith('chunks/'));
  assert.deepEqual(strays, []);
});

test("every export of package.json imports in plain Node with its classes' names, and a thread's modules load by URL", () => {
  const imports = Object.keys(manifest.exports)
    .filter((subpath) => subpath !== './package.json')
    .map((subpath) => `sluice${subpath.slice(1)}`);
  const printed = plainNode(`
    const counts = {};
    const renamed = [];
    for (const specifier of ${JSON.stringify(imports)}) {
      const exports = await import(specifier);
      counts[specifier] = Object.keys(exports).length;
      for (const [name, value] of Object.entries(exports))
        if (typeof value === 'function' && /^class\\b/.test(Function.prototype.toString.call(value)) && value.name !== name)
          renamed.push(specifier + ' ' + name + ' is named ' + value.name);
    }
    counts.renamed = renamed;
    const plugins = await import(new URL('dist/plugins/default-plugins.js', import.meta.resolve('sluice/package.json')));
    counts.defaultPlugins = plugins.defaultPlugins().length;
    console.log(JSON.stringify(counts));`);
  const { renamed, ...counts } = JSON.parse(printed) as Record<string, number> & { renamed: string[] };
  // The bundle keeps each class's name as written (scripts/build-dist.ts, keepClassNames).
  assert.deepEqual(renamed, []);
  for (const specifier of imports) assert.ok(counts[specifier]! > 0, `${specifier} exports something`);
  assert.ok(counts.defaultPlugins! > 0, 'dist/plugins/default-plugins.js exports defaultPlugins');
});

test('the built CLI finds its package.json, templates, the page assets and the worker thread entry', async () => {
  const version = await sluice(['--version'], { cwd: REPO });
  assertExit(version, 0);
  assert.equal(version.stdout.trim(), manifest.version);

  const created = join(tempDir('new'), 'starter');
  assertExit(await sluice(['new', created], { cwd: REPO }), 0);
  assert.ok(existsSync(join(created, 'sluice.config.ts')), 'the starter template was copied');

  const project = copyProject('numbers');
  const out = join(tempDir('viz'), 'viz');
  assertExit(await sluice(['viz', 'build', '--out', out], { cwd: project }), 0);
  const page = readFileSync(join(out, 'index.html'), 'utf8');
  const script = readFileSync(join(REPO, 'dist', 'viz-page', 'page.js'), 'utf8');
  assert.ok(page.includes(script.slice(0, 200)), 'the page embeds dist/viz-page/page.js');

  const parallel = await sluice(['run', '--runner', 'parallel', '--progress', 'off'], { cwd: project });
  assertExit(parallel, 0);
});

test("a project's `sluice` and the CLI share one copy of the classes", async () => {
  const project = join(tempDir('identity'), 'project');
  const seen = join(project, 'identity.json');
  write(
    join(project, 'sluice.config.ts'),
    `import { writeFileSync } from 'node:fs';
import { DataCatalog, defineConfig, definePlugin, node, Pipeline } from 'sluice';

const identity = definePlugin({
  name: 'identity',
  beforePipelineRun({ pipeline, catalog }) {
    writeFileSync(${JSON.stringify(seen)}, JSON.stringify({
      pipeline: pipeline instanceof Pipeline,
      catalog: catalog instanceof DataCatalog,
    }));
  },
});

export default defineConfig({
  hooks: [identity],
  pipelines: {
    __default__: () => new Pipeline([node((start: number) => start + 1, 'params:start', 'result', { name: 'add_one' })]),
  },
});
`,
  );
  write(join(project, 'conf', 'base', 'parameters.yml'), 'start: 1\n');
  write(
    join(project, 'conf', 'base', 'catalog.yml'),
    'result:\n  type: json\n  filepath: data/result.json\n',
  );
  linkSluice(project);
  // The catalog is built by the CLI's code, the Pipeline class checked against is the project's.
  assertExit(await sluice(['run', '--progress', 'off'], { cwd: project }), 0);
  assert.deepEqual(JSON.parse(readFileSync(seen, 'utf8')), { pipeline: true, catalog: true });
});

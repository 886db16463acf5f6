import assert from 'node:assert/strict';
import { mkdir, mkdtemp, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { PluginDiscoveryError } from '../../src/index.ts';
import { HookManager, discoverPlugins } from '../../src/plugin-api/index.ts';

async function writePackage(
  root: string,
  name: string,
  manifest: object,
  files: Record<string, string>,
): Promise<void> {
  const dir = join(root, 'node_modules', name);
  await mkdir(dir, { recursive: true });
  await writeFile(
    join(dir, 'package.json'),
    JSON.stringify({ name, version: '1.0.0', type: 'module', ...manifest }),
  );
  for (const [file, source] of Object.entries(files)) {
    await mkdir(join(dir, file, '..'), { recursive: true });
    await writeFile(join(dir, file), source);
  }
}

async function project(): Promise<string> {
  const root = await mkdtemp(join(tmpdir(), 'sluice-discovery-'));
  await writePackage(
    root,
    'sluice-alpha',
    { sluice: { hooks: './hooks.js' } },
    {
      'hooks.js':
        "export default { name: 'alpha', beforeNodeRun({ node }) { globalThis.__calls.push('alpha:' + node); } };",
    },
  );
  await writePackage(
    root,
    '@team/sluice-beta',
    { sluice: { hooks: './dist/hooks.js' } },
    {
      'dist/hooks.js':
        "export const hooks = () => [{ beforeNodeRun({ node }) { globalThis.__calls.push('beta1:' + node); } }, { beforeNodeRun() { globalThis.__calls.push('beta2'); } }];",
    },
  );
  await writePackage(root, 'unrelated', {}, { 'index.js': 'export default 1;' });
  return root;
}

type Specs = { beforeNodeRun(args: { node: string }): void };

test('discovers packages that declare sluice.hooks, scoped ones too, in name order', async () => {
  const root = await project();
  const { plugins, disabled } = await discoverPlugins(root);
  assert.deepEqual(
    plugins.map((p) => [p.packageName, p.name]),
    [
      ['@team/sluice-beta', '@team/sluice-beta:1'],
      ['@team/sluice-beta', '@team/sluice-beta:2'],
      ['sluice-alpha', 'alpha'],
    ],
  );
  assert.deepEqual(disabled, []);
});

test('discovered plugins register first, so the project plugin runs before them (LIFO)', async () => {
  const root = await project();
  const calls: string[] = [];
  (globalThis as { __calls?: string[] }).__calls = calls;
  const manager = new HookManager<Specs>([{ name: 'beforeNodeRun', args: ['node'] }]);
  for (const found of (await discoverPlugins(root)).plugins) manager.register(found.plugin, found.name);
  manager.register({ name: 'project', beforeNodeRun: ({ node }) => void calls.push(`project:${node}`) });
  manager.hook.beforeNodeRun.call({ node: 'n' });
  assert.deepEqual(calls, ['project:n', 'alpha:n', 'beta2', 'beta1:n']);
});

test('disableHooksForPlugins skips a package without importing it', async () => {
  const root = await project();
  await writePackage(root, 'sluice-broken', { sluice: { hooks: './missing.js' } }, {});
  const { plugins, disabled } = await discoverPlugins(root, { disable: ['sluice-broken', 'sluice-alpha'] });
  assert.deepEqual(
    plugins.map((p) => p.packageName),
    ['@team/sluice-beta', '@team/sluice-beta'],
  );
  assert.deepEqual(disabled.sort(), ['sluice-alpha', 'sluice-broken']);
});

test('a package whose hooks module fails to load is named in the error, with the way to disable it', async () => {
  const root = await project();
  await writePackage(root, 'sluice-broken', { sluice: { hooks: './missing.js' } }, {});
  await assert.rejects(discoverPlugins(root), (error: unknown) => {
    assert.ok(error instanceof PluginDiscoveryError);
    assert.match(error.message, /"sluice-broken"/);
    assert.match(error.hint ?? '', /disableHooksForPlugins: \['sluice-broken'\]/);
    return true;
  });
});

test('a package exporting something that is not a plugin is rejected', async () => {
  const root = await mkdtemp(join(tmpdir(), 'sluice-discovery-'));
  await writePackage(
    root,
    'sluice-number',
    { sluice: { hooks: './hooks.js' } },
    { 'hooks.js': 'export default 42;' },
  );
  await assert.rejects(discoverPlugins(root), /must export a plugin object/);
});

test('a project without node_modules discovers nothing', async () => {
  const root = await mkdtemp(join(tmpdir(), 'sluice-discovery-'));
  assert.deepEqual(await discoverPlugins(root), { plugins: [], disabled: [] });
});

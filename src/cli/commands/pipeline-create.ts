import { access, mkdir, readFile, writeFile } from 'node:fs/promises';
import { join, relative } from 'node:path';
import { findConfigFile } from '../../project/settings.ts';
import type { CliContext } from '../main.ts';
import { UsageError } from '../usage-error.ts';

const PIPELINE_NAME = /^[a-z][a-z0-9_]*$/;

/**
 * `sluice pipeline create NAME` (Kedro's `kedro pipeline create`): writes
 * `src/pipelines/NAME/{nodes.ts,pipeline.ts}` and `test/NAME.test.ts`, and registers the pipeline
 * in `sluice.config.ts` under `pipelines`. The new pipeline runs as written
 * (`sluice run --pipeline NAME`): two nodes handing a memory dataset to each other. Checks
 * everything before writing anything, so a refused command leaves the project as it was.
 */
export async function pipelineCreateCommand(context: CliContext, name: string): Promise<void> {
  if (!PIPELINE_NAME.test(name)) {
    throw new UsageError(`"${name}" is not a valid pipeline name.`, {
      hint: 'Use lowercase letters, digits and "_", starting with a letter (it names a folder and datasets).',
    });
  }
  const root = context.projectPath;
  const configFile = await findConfigFile(root);
  if (configFile === undefined) {
    throw new UsageError(`No sluice.config.ts in ${root}.`, {
      hint: 'Run this inside a Sluice project (or pass --project), e.g. one made by `sluice new`.',
    });
  }
  const folder = join(root, 'src', 'pipelines', name);
  const testFile = join(root, 'test', `${name}.test.ts`);
  for (const path of [folder, testFile]) {
    if (await exists(path)) {
      throw new UsageError(`${relative(root, path)} already exists.`, {
        hint: `Pick another name, or remove ${relative(root, path)} first.`,
      });
    }
  }
  const config = await readFile(configFile, 'utf8');
  const registered = register(config, name);
  if (registered === undefined) {
    throw new UsageError(
      `${relative(root, configFile)} has no "pipelines: {" block to register "${name}" in.`,
      {
        hint: `Add \`pipelines: { ${name}: () => import('./src/pipelines/${name}/pipeline.ts') }\` to defineConfig, then run this again.`,
      },
    );
  }
  if (new RegExp(`^\\s*['"]?${name}['"]?\\s*:`, 'm').test(config)) {
    throw new UsageError(`${relative(root, configFile)} already registers a pipeline "${name}".`, {
      hint: 'Pick another name.',
    });
  }
  await mkdir(folder, { recursive: true });
  await mkdir(join(root, 'test'), { recursive: true });
  await writeFile(join(folder, 'nodes.ts'), nodesSource(name));
  await writeFile(join(folder, 'pipeline.ts'), pipelineSource(name));
  await writeFile(testFile, testSource(name));
  await writeFile(configFile, registered);
  context.stdout.write(
    [
      `Created pipeline "${name}":`,
      `  src/pipelines/${name}/nodes.ts     the node functions`,
      `  src/pipelines/${name}/pipeline.ts  how they are wired`,
      `  test/${name}.test.ts               their tests`,
      `and registered it in ${relative(root, configFile)}.`,
      '',
      `Next: sluice run --pipeline ${name}`,
      '',
    ].join('\n'),
  );
}

/** The config with `name: () => import(...)` added as the first entry of its `pipelines` block. */
function register(config: string, name: string): string | undefined {
  const block = /^([ \t]*)pipelines\s*:\s*\{[ \t]*\n/m.exec(config);
  if (block === null) return undefined;
  const at = block.index + block[0].length;
  const nextLine = /^([ \t]*)\S/m.exec(config.slice(at));
  const indent = nextLine?.[1] ?? `${block[1]}  `;
  const line = `${indent}${name}: () => import('./src/pipelines/${name}/pipeline.ts'),\n`;
  return config.slice(0, at) + line + config.slice(at);
}

function camel(name: string): string {
  return name.replace(/_([a-z0-9])/g, (_, letter: string) => letter.toUpperCase());
}

function nodesSource(name: string): string {
  return `/** One record of the "${name}" pipeline's data: replace with your own shape. */
export interface Item {
  id: number;
  label: string;
}

/** The pipeline's first node: makes a few items. Replace it with a node that reads a catalog dataset. */
export function makeItems(): Item[] {
  return [
    { id: 1, label: 'first' },
    { id: 2, label: 'second' },
  ];
}

/** The second node: one line per item. */
export function describeItems(items: Item[]): string[] {
  return items.map((item) => \`\${item.id}: \${item.label}\`);
}
`;
}

function pipelineSource(name: string): string {
  return `import { node, Pipeline } from 'sluice';
import { describeItems, makeItems } from './nodes.ts';

/** "${name}": wired by dataset name. Declare a dataset in conf/base/catalog.yml to keep it. */
export default new Pipeline([
  node(makeItems, [], '${name}_items', { name: '${name}_make_items' }),
  node(describeItems, '${name}_items', '${name}_lines', { name: '${name}_describe_items' }),
]);
`;
}

function testSource(name: string): string {
  return `import assert from 'node:assert/strict';
import { test } from 'node:test';
import { describeItems, makeItems } from '../src/pipelines/${name}/nodes.ts';

test('${camel(name)}: describeItems writes one line per item', () => {
  assert.deepEqual(describeItems(makeItems()), ['1: first', '2: second']);
});
`;
}

async function exists(path: string): Promise<boolean> {
  try {
    await access(path);
    return true;
  } catch {
    return false;
  }
}

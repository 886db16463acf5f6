/**
 * `followImports`: the incremental plugin counts the module a node's function comes from, and
 * the project modules it imports, as the node's code. A change to a helper the function calls
 * reruns the node; without the option only the function's own source counts.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import type { ProjectContext } from '../../src/index.ts';
import { createHookManager, DataCatalog, node, Pipeline } from '../../src/index.ts';
import { createDatasetTypeRegistry } from '../../src/io/builtin-datasets.ts';
import type { IncrementalDecision } from '../../src/plugins/incremental/index.ts';
import { INCREMENTAL_DECISION_TOPIC, incrementalPlugin } from '../../src/plugins/incremental/index.ts';
import { runWith } from '../runner/helpers.ts';

test('with followImports, editing a helper module reruns the node that imports it; without, it does not', async (t) => {
  const dir = await mkdtemp(join(tmpdir(), 'sluice-imports-'));
  t.after(() => rm(dir, { recursive: true, force: true }));
  await writeFile(join(dir, 'helper.ts'), 'export const scale = (x: number): number => x * 2;\n');
  await writeFile(
    join(dir, 'nodes.ts'),
    "import { scale } from './helper.ts';\nexport function work(x: number): number {\n  return scale(x);\n}\n",
  );
  const { work } = (await import(pathToFileURL(join(dir, 'nodes.ts')).href)) as {
    work: (x: number) => number;
  };
  const pipeline = new Pipeline([node(work, 'params:x', 'out', { name: 'work' })]);

  const decide = async (followImports: boolean): Promise<string> => {
    const catalog = await DataCatalog.fromConfig({
      catalogConfig: { out: { type: 'json', filepath: 'out.json' } },
      parameters: { x: 3 },
      projectPath: dir,
      registry: createDatasetTypeRegistry(),
    });
    const hooks = createHookManager();
    hooks.register(incrementalPlugin({ followImports }));
    let decision = '';
    hooks.register({
      name: 'decisions',
      onRunMessage: ({ topic, message }) => {
        if (topic === INCREMENTAL_DECISION_TOPIC) decision = (message as IncrementalDecision).reason;
      },
    });
    const context = {
      projectPath: dir,
      post: (topic: string, message: unknown) => void hooks.hook.onRunMessage.call({ topic, message }),
    } as unknown as ProjectContext;
    await hooks.hook.afterContextCreated.call({ context });
    const { error } = await runWith(pipeline, catalog, { hooks });
    assert.equal(error, undefined);
    return decision;
  };

  assert.equal(await decide(true), 'no record');
  assert.equal(await decide(true), 'up to date');
  await writeFile(join(dir, 'helper.ts'), 'export const scale = (x: number): number => x * 3;\n');
  assert.equal(await decide(true), 'code changed', 'the helper changed');
  assert.equal(await decide(true), 'up to date');
  await writeFile(join(dir, 'helper.ts'), 'export const scale = (x: number): number => x * 4;\n');
  assert.equal(await decide(false), 'code changed', 'turning the option off changes the code hash once');
  await writeFile(join(dir, 'helper.ts'), 'export const scale = (x: number): number => x * 5;\n');
  assert.equal(await decide(false), 'up to date', 'without followImports the helper is not seen');
});

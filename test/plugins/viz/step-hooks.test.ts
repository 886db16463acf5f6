/**
 * The page's model of a node's step hooks, as `sluice viz build` embeds it: from the node's options
 * and from hooks.yml (a node targeted by name, nodes targeted by tag), each with where it was set,
 * by the step-hooks plugin's precedence. No browser: the side panel's test checks the drawing.
 */
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { before, test } from 'node:test';
import { assertExit, sluice } from '../../cli/support.ts';
import type { VizPageData } from '../../../src/plugins/viz/graph.ts';
import { copyOf, ensurePageBuilt, HOSTILE } from './support.ts';

before(async () => {
  await ensurePageBuilt();
});

async function exportedGraph(project: string): Promise<VizPageData['graph']> {
  const out = mkdtempSync(join(tmpdir(), 'sluice-viz-hooks-'));
  assertExit(await sluice(['viz', 'build', '--out', out], { cwd: project }), 0);
  const html = readFileSync(join(out, 'index.html'), 'utf8');
  const data = /<script type="application\/json" id="sluice-viz-data">([\s\S]*?)<\/script>/.exec(html);
  assert.ok(data !== null, 'the page carries its data');
  return (JSON.parse(data[1]!) as VizPageData).graph;
}

test("hooks.yml's step hooks reach the page with where each was set, beside the code's", async () => {
  const project = copyOf(HOSTILE, 'viz-step-hooks');
  const graph = await exportedGraph(project);
  const hooksOf = (name: string) => graph.nodes.find((node) => node.name === name)?.stepHooks;

  // By name (nodes.prep.clean) and by tag (tags.prep), from conf/base/hooks.yml.
  assert.deepEqual(hooksOf('prep.clean'), {
    onSuccess: [
      {
        hook: './src/hooks.ts#noteSuccess',
        source: 'yaml-tag',
        entry: 'tags.prep',
        location: 'conf/base/hooks.yml:9:5',
      },
    ],
    onFailure: [
      {
        hook: './src/hooks.ts#pageOnCall',
        source: 'yaml-node',
        entry: 'nodes.prep.clean',
        location: 'conf/base/hooks.yml:6:5',
      },
    ],
  });
  // Tagged `prep` too, with no entry of its own.
  assert.deepEqual(hooksOf('prep.inner.count'), { onSuccess: hooksOf('prep.clean')!.onSuccess });
  // The `report` tag's onFailure loses to the node's own option, set in code.
  assert.deepEqual(hooksOf('summarize'), { onFailure: [{ hook: 'keepCalm', source: 'node' }] });
  // No option, no entry, no tag in hooks.yml: nothing.
  assert.deepEqual(hooksOf('count_remote'), {});
});

test('with the step-hooks plugin turned off, the page lists no step hooks (none would run)', async () => {
  const project = copyOf(HOSTILE, 'viz-step-hooks-off');
  const config = join(project, 'sluice.config.ts');
  const source = readFileSync(config, 'utf8');
  writeFileSync(
    config,
    source.replace(
      'export default defineConfig({',
      "export default defineConfig({\n  disableHooksForPlugins: ['sluice:step-hooks'],",
    ),
  );
  const graph = await exportedGraph(project);
  for (const node of graph.nodes) assert.deepEqual(node.stepHooks, {}, node.name);
});

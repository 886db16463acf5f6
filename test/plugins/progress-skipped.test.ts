/**
 * The progress display shows nodes a plugin skipped (`onNodeSkipped`) as skipped, with the reason,
 * once as it happens and in the summary table.
 */
import assert from 'node:assert/strict';
import { PassThrough } from 'node:stream';
import { test } from 'node:test';
import {
  createHookManager,
  DataCatalog,
  node,
  Pipeline,
  runPipeline,
  SequentialRunner,
} from '../../src/index.ts';
import { progressPlugin } from '../../src/plugins/index.ts';
import { makeRunParams } from '../runner/helpers.ts';

test('plain progress: a node skipped by a plugin shows once as "skipped (reason)", and so in the summary', async () => {
  const stream = new PassThrough();
  let text = '';
  stream.on('data', (chunk: Buffer) => (text += chunk.toString()));
  const hooks = createHookManager();
  hooks.register(progressPlugin({ stream, mode: 'plain', color: false }));
  hooks.register({
    name: 'cache',
    nodeSkip: ({ node }) =>
      node.name === 'first' ? { reason: 'up to date', outputs: { mid: 2 } } : undefined,
  });
  const pipeline = new Pipeline([
    node((x: number) => x + 1, 'x', 'mid', { name: 'first' }),
    node((mid: number) => mid * 2, 'mid', 'out', { name: 'second' }),
  ]);
  const result = await runPipeline({
    pipeline,
    catalog: new DataCatalog().feed({ x: 1 }),
    hooks,
    runner: new SequentialRunner(),
    runParams: makeRunParams(),
    options: {},
  });
  assert.deepEqual(result.outputs, { out: 4 });
  const lines = text.split('\n');
  const firstLines = lines.filter((line) => line.includes('first'));
  assert.equal(firstLines.length, 2);
  assert.equal(firstLines[0], '[sluice] - first skipped (up to date)');
  // The summary row: no load, no function time, the served output's save, then the status.
  assert.match(firstLines[1]!, /^first +- +- +\d+\.\d\d +- +skipped \(up to date\) +memory$/);
  assert.match(text, /2 nodes: 1 done, 0 failed, 1 skipped/);
});

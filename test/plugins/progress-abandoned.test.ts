/**
 * The progress display for a run that fails before its first node (another plugin's
 * `beforePipelineRun` throws): no node lines and no table of "skipped" nodes, in plain and in
 * live mode, where the drawn block is erased; a run that did reach a node keeps its table.
 */
import assert from 'node:assert/strict';
import { PassThrough } from 'node:stream';
import { test } from 'node:test';
import {
  createHookManager,
  DataCatalog,
  defaultRunParams,
  node,
  Pipeline,
  runPipeline,
  SequentialRunner,
} from '../../src/index.ts';
import { progressPlugin } from '../../src/plugins/index.ts';

const ESC = '\x1b[';

/** A PassThrough that records every write and claims to be a terminal or not. */
function fakeStream(isTTY: boolean) {
  const stream = new PassThrough();
  const chunks: string[] = [];
  const write = stream.write.bind(stream) as (chunk: unknown) => boolean;
  stream.write = ((chunk: unknown) => {
    chunks.push(String(chunk));
    return write(chunk);
  }) as typeof stream.write;
  stream.resume();
  Object.assign(stream, { isTTY, columns: 80, rows: 24 });
  return { stream, text: () => chunks.join('') };
}

const pipeline = new Pipeline([
  node((a: number) => a + 1, 'a', 'b', { name: 'first' }),
  node((b: number) => b * 2, 'b', 'c', { name: 'second' }),
]);

/** Runs the pipeline with the progress plugin and a plugin whose beforePipelineRun may throw. */
async function run(mode: 'plain' | 'live', refuse: boolean): Promise<string> {
  const { stream, text } = fakeStream(mode === 'live');
  const hooks = createHookManager();
  hooks.register({
    name: 'gate',
    beforePipelineRun: () => {
      if (refuse) throw new Error('not today');
    },
  });
  // Registered last, so its beforePipelineRun runs first (LIFO) and draws before the gate throws.
  hooks.register(progressPlugin({ stream, mode, color: false }));
  const catalog = new DataCatalog().feed({ a: 1 });
  await runPipeline({
    pipeline,
    catalog,
    hooks,
    runner: new SequentialRunner(),
    runParams: defaultRunParams({ runId: 'abandoned' }),
    options: {},
  }).then(
    () => assert.ok(!refuse, 'the run succeeds unless refused'),
    (error: Error) => assert.equal(error.message, 'not today'),
  );
  return text();
}

test('plain: a run refused by beforePipelineRun prints its queued line and no skipped nodes or table', async () => {
  const refused = await run('plain', true);
  assert.equal(refused, '[sluice] ○ 2 nodes queued (sequential runner)\n');
  const ran = await run('plain', false);
  assert.match(
    ran,
    /^node +load +run +save +total +status +written to$/m,
    'a run that reached its nodes keeps its table',
  );
});

test('live: a run refused by beforePipelineRun erases its block and prints no table', async () => {
  const refused = await run('live', true);
  assert.doesNotMatch(refused, /total +status|skipped/);
  // The block drawn at beforePipelineRun is erased: cursor up over it, then clear to the end.
  const erase = /(\d+)A\r$/.exec(refused.slice(0, -`${ESC}J`.length));
  assert.ok(refused.endsWith(`${ESC}J`) && erase !== null, JSON.stringify(refused.slice(-40)));
  const ran = await run('live', false);
  assert.match(ran, /node +load +run +save +total +status/);
});

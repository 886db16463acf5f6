/**
 * The `nodeSkip` hook on the distributed runner, without Redis: a worker's job handler running a
 * node a plugin skips says so in its `done` message, after relaying `onNodeSkipped`; the
 * coordinator counts the node as skipped and hands the relayed event to `process: 'main'` plugins.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { fileURLToPath } from 'node:url';
import { createHookManager, DataCatalog, definePlugin, node, Pipeline } from '../../../src/index.ts';
import { newRunState } from '../../../src/runner/runner.ts';
import { coordinateRun } from '../../../src/runner/distributed/coordinate.ts';
import { projectFingerprint } from '../../../src/runner/distributed/fingerprint.ts';
import { nodeJobHandler } from '../../../src/runner/distributed/node-job-handler.ts';
import type { NodeJob, RunMessage } from '../../../src/runner/distributed/transport.ts';
import { NO_BUILT_IN_PLUGINS } from '../../../src/project/built-in-plugins.ts';
import { InProcessTransport, MapExchangeStore } from './in-process-transport.ts';

const SKIP = fileURLToPath(new URL('../../fixtures/projects/skip/', import.meta.url));
const project = {
  projectPath: SKIP,
  env: 'local',
  confSource: 'conf',
  runtimeParams: {},
  pipelineName: '__default__',
  loadVersions: {},
};

test('a worker reports a skipped node in its done message, after relaying onNodeSkipped, and puts the served output in the exchange', async () => {
  const exchange = new MapExchangeStore();
  const handler = nodeJobHandler({ projectPath: SKIP, builtIns: NO_BUILT_IN_PLUGINS });
  const job: NodeJob = {
    runId: 'run-skip',
    nodeName: 'shift',
    fingerprint: await projectFingerprint({ projectPath: SKIP, confSource: 'conf', env: 'local' }),
    project,
    saveVersion: 'run-skip',
    isAsync: false,
    relay: true,
  };
  const sent: RunMessage[] = [];
  await handler(
    job,
    { exchange, send: async (message) => void sent.push(message) },
    new AbortController().signal,
  );
  const kinds = sent.map((message) =>
    message.type === 'event' ? `event ${message.event.hook}` : message.type,
  );
  assert.deepEqual(kinds, [
    'event beforeDatasetSaved',
    'event afterDatasetSaved',
    'event onNodeSkipped',
    'done',
  ]);
  const done = sent.at(-1) as Extract<RunMessage, { type: 'done' }>;
  assert.equal(done.skipped, 'served by skipper');
  assert.deepEqual(await exchange.get('run-skip', 'shifted'), { found: true, value: [100, 200] });
});

test('the coordinator counts a node its worker skipped as skipped, and relays onNodeSkipped to process:"main" plugins', async () => {
  const transport = new InProcessTransport();
  const seen: string[] = [];
  const hooks = createHookManager();
  hooks.register(
    definePlugin({
      name: 'main-view',
      process: 'main',
      onNodeSkipped: ({ node, reason }) => void seen.push(`skipped ${node.name}: ${reason}`),
    }),
  );
  const pipeline = new Pipeline([
    node((x: number) => x, 'seed', 'a_out', { name: 'a' }),
    node((x: number) => x, 'a_out', 'b_out', { name: 'b' }),
  ]);
  const state = newRunState();
  const run = coordinateRun(
    pipeline,
    new DataCatalog().feed({ seed: 1 }),
    hooks,
    { runId: 'run-1', state, project },
    transport,
    { fingerprint: 'f1', waitForWorkersMs: 200, workerCheckMs: 20 },
  );
  assert.deepEqual(await transport.waitForQueued(1), ['a']);
  transport.queued.splice(0, 1);
  transport.send({
    type: 'event',
    event: { hook: 'onNodeSkipped', nodeName: 'a', runId: 'run-1', reason: 'up to date' },
  });
  await transport.exchange.put('run-1', 'a_out', 'a', 5);
  transport.send({ type: 'done', nodeName: 'a', skipped: 'up to date' });
  assert.deepEqual(await transport.waitForQueued(1), ['b'], 'a skipped node lets its children run');
  await transport.complete('b', { b_out: 5 });
  const result = await run;
  assert.deepEqual(seen, ['skipped a: up to date']);
  assert.deepEqual(result.completedNodes, ['b']);
  assert.deepEqual(result.skippedNodes, ['a']);
  assert.deepEqual(state.upToDate, ['a']);
});

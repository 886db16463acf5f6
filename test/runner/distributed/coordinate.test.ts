/**
 * The distributed runner's scheduling, without Redis: `coordinateRun` on an in-process transport
 * whose jobs the test answers by hand, so that it sees exactly when each node's job is enqueued.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  createHookManager,
  DataCatalog,
  definePlugin,
  JsonDataset,
  node,
  NodeFailuresError,
  Pipeline,
  RunCancelledError,
} from '../../../src/index.ts';
import type { RunOptions, RunResult, RunState } from '../../../src/index.ts';
import { isRelayed } from '../../../src/plugin-api/index.ts';
import { newRunState } from '../../../src/runner/runner.ts';
import { coordinateRun } from '../../../src/runner/distributed/coordinate.ts';
import {
  CoordinatorLostError,
  ExchangeValueTooLargeError,
  NoWorkerError,
} from '../../../src/runner/distributed/errors.ts';
import { pipelineErrorReported } from '../../../src/runner/errors.ts';
import { InProcessTransport } from './in-process-transport.ts';

const project = {
  projectPath: '/nowhere',
  env: 'local',
  confSource: 'conf',
  runtimeParams: {},
  pipelineName: '__default__',
  loadVersions: {},
};
const settings = { fingerprint: 'f1', waitForWorkersMs: 200, workerCheckMs: 20 };
const id = <T>(value: T) => value;

/** a → b, a → c, [b, c] → d: a diamond, with `seed` fed and `d_out` the free output. */
function diamond(): Pipeline {
  return new Pipeline([
    node(id, 'seed', 'a_out', { name: 'a' }),
    node(id, 'a_out', 'b_out', { name: 'b' }),
    node(id, 'a_out', 'c_out', { name: 'c' }),
    node((b: unknown, c: unknown) => [b, c], ['b_out', 'c_out'], 'd_out', { name: 'd' }),
  ]);
}

function start(
  pipeline: Pipeline,
  transport: InProcessTransport,
  options: Partial<RunOptions> & { catalog?: DataCatalog; hooks?: ReturnType<typeof createHookManager> } = {},
): { run: Promise<RunResult>; state: RunState; outcome: Promise<unknown> } {
  const state = newRunState();
  const catalog = options.catalog ?? new DataCatalog().feed({ seed: 1 });
  const run = coordinateRun(
    pipeline,
    catalog,
    options.hooks ?? createHookManager(),
    { runId: 'run-1', state, project, ...options },
    transport,
    settings,
  );
  return { run, state, outcome: run.then(id, id) };
}

test("a node's job is enqueued only once all its producers are done", async () => {
  const transport = new InProcessTransport();
  const { run } = start(diamond(), transport);
  assert.deepEqual(await transport.waitForQueued(1), ['a']);
  await transport.complete('a');
  assert.deepEqual(await transport.waitForQueued(2), ['b', 'c'], 'both children of a, not d');
  await transport.complete('c');
  assert.deepEqual(await transport.waitForQueued(1), ['b'], 'd waits for b too');
  await transport.complete('b');
  assert.deepEqual(await transport.waitForQueued(1), ['d']);
  await transport.complete('d', { d_out: [new Date(0), new Map([['k', new Uint8Array([7])]])] });
  const result = await run;
  assert.deepEqual(transport.enqueued, ['a', 'b', 'c', 'd']);
  assert.deepEqual(result.completedNodes, ['a', 'c', 'b', 'd']);
  // The free output came back from the exchange into the coordinator's catalog, types intact.
  const [date, map] = result.outputs.d_out as [Date, Map<string, Uint8Array>];
  assert.ok(date instanceof Date && map instanceof Map && map.get('k') instanceof Uint8Array);
  assert.ok(transport.closed, "the run's channel is closed at the end");
});

test('every job carries the run id, the node name and the project fingerprint', async () => {
  const transport = new InProcessTransport();
  const { run } = start(new Pipeline([node(id, 'seed', 'x', { name: 'only' })]), transport);
  await transport.waitForQueued(1);
  const job = transport.queued[0]!;
  assert.deepEqual([job.runId, job.nodeName, job.fingerprint, job.project], ['run-1', 'only', 'f1', project]);
  await transport.complete('only');
  await run;
});

test('a failed node stops the run with its error; nothing downstream is enqueued', async () => {
  const transport = new InProcessTransport();
  const { outcome, state } = start(diamond(), transport);
  await transport.waitForQueued(1);
  await transport.complete('a');
  await transport.waitForQueued(2);
  transport.fail('b', 'b broke');
  await transport.complete('c');
  const error = (await outcome) as Error;
  assert.equal(error.message, 'b broke');
  assert.deepEqual(transport.enqueued, ['a', 'b', 'c']);
  assert.deepEqual(
    state.failed.map((failure) => failure.nodeName),
    ['b'],
  );
});

test('a failure withdraws the jobs no worker took yet: they neither run nor count as failed', async () => {
  const transport = new InProcessTransport();
  const { outcome, state } = start(diamond(), transport);
  await transport.waitForQueued(1);
  await transport.complete('a');
  assert.deepEqual(await transport.waitForQueued(2), ['b', 'c']);
  transport.fail('b', 'b broke');
  const error = (await outcome) as Error;
  assert.equal(error.message, 'b broke');
  assert.equal(transport.queued.length, 0, "c's job was taken back");
  assert.deepEqual(
    state.failed.map((failure) => failure.nodeName),
    ['b'],
  );
  assert.deepEqual(state.completed, ['a']);
});

test("at most as many jobs are out as the workers' slots, in run order; after a failure the rest never start", async () => {
  const transport = new InProcessTransport();
  transport.slots = 1;
  const pipeline = new Pipeline([
    node(id, 'seed', 'x', { name: 'first' }),
    node(id, 'seed', 'y', { name: 'second' }),
    node(id, 'seed', 'z', { name: 'third' }),
  ]);
  const { outcome, state } = start(pipeline, transport);
  assert.deepEqual(await transport.waitForQueued(1), ['first'], 'one slot: one job out');
  await transport.complete('first');
  assert.deepEqual(await transport.waitForQueued(1), ['second']);
  transport.fail('second', 'second broke');
  assert.equal(((await outcome) as Error).message, 'second broke');
  assert.deepEqual(transport.enqueued, ['first', 'second'], 'third was never enqueued');
  assert.deepEqual(
    state.failed.map((failure) => failure.nodeName),
    ['second'],
  );
});

test('continueOnFailure: the failed branch is skipped, the others still run', async () => {
  const transport = new InProcessTransport();
  const pipeline = new Pipeline([
    node(id, 'seed', 'x1', { name: 'bad' }),
    node(id, 'x1', 'x2', { name: 'after_bad' }),
    node(id, 'seed', 'y1', { name: 'good' }),
    node(id, 'y1', 'y2', { name: 'after_good' }),
  ]);
  const { outcome, state } = start(pipeline, transport, { continueOnFailure: true });
  assert.deepEqual(await transport.waitForQueued(2), ['bad', 'good']);
  transport.fail('bad', 'bad broke');
  await transport.complete('good');
  assert.deepEqual(await transport.waitForQueued(1), ['after_good']);
  await transport.complete('after_good');
  const error = await outcome;
  assert.ok(error instanceof NodeFailuresError);
  assert.deepEqual(state.skipped, ['after_bad']);
  assert.ok(!transport.enqueued.includes('after_bad'));
});

test('onlyMissingOutputs: nodes whose persisted outputs exist get no job', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'sluice-dist-'));
  writeFileSync(join(dir, 'p1.json'), '2');
  const catalog = new DataCatalog().feed({ seed: 1 });
  for (const name of ['p1', 'p2'])
    catalog.add(name, new JsonDataset(name, { filepath: join(dir, `${name}.json`) }));
  const transport = new InProcessTransport();
  const pipeline = new Pipeline([node(id, 'seed', 'p1', { name: 'a' }), node(id, 'p1', 'p2', { name: 'b' })]);
  const { run } = start(pipeline, transport, { catalog, onlyMissingOutputs: true });
  assert.deepEqual(await transport.waitForQueued(1), ['b']);
  await transport.complete('b');
  const result = await run;
  assert.deepEqual(result.skippedNodes, ['a']);
  assert.deepEqual(transport.enqueued, ['b']);
});

test('relayed events reach process:"main" plugins before the node counts as done; run messages reach onRunMessage', async () => {
  const seen: string[] = [];
  const hooks = createHookManager();
  hooks.register(
    definePlugin({
      name: 'watcher',
      process: 'main',
      afterNodeRun: ({ node, outputs }) =>
        void seen.push(`afterNodeRun ${node.name} relayed=${Object.values(outputs).every(isRelayed)}`),
      afterPipelineRun: () => void seen.push('never: the runner does not fire pipeline hooks'),
    }),
  );
  hooks.register(
    definePlugin({ name: 'listener', onRunMessage: ({ topic }) => void seen.push(`message ${topic}`) }),
  );
  const transport = new InProcessTransport();
  const pipeline = new Pipeline([
    node(id, 'seed', 'x', { name: 'one' }),
    node(id, 'x', 'y', { name: 'two' }),
  ]);
  const { run } = start(pipeline, transport, { hooks });
  await transport.waitForQueued(1);
  const job = transport.queued[0]!;
  assert.equal(job.relay, true, 'a process:"main" plugin asks for relaying');
  transport.send({ type: 'run-message', topic: 'progress', message: { at: new Date() } });
  transport.send({
    type: 'event',
    event: {
      hook: 'afterNodeRun',
      nodeName: 'one',
      inputs: {},
      outputs: { x: { datasetName: 'x', description: { type: 'memory' }, kind: 'number', size: undefined } },
      runId: 'run-1',
    },
  });
  await transport.complete('one', { x: 1 });
  await transport.waitForQueued(1);
  seen.push('two enqueued');
  await transport.complete('two', { y: 1 });
  await run;
  assert.deepEqual(seen, ['message progress', 'afterNodeRun one relayed=true', 'two enqueued']);
});

test('no worker alive: the run fails with NoWorkerError, naming the queue and `sluice worker`', async () => {
  const transport = new InProcessTransport();
  transport.workers = 0;
  const { outcome } = start(diamond(), transport);
  const error = (await outcome) as Error;
  assert.ok(error instanceof NoWorkerError, String(error));
  assert.match(
    error.message,
    /No worker is listening on queue "in-process".*start one with `sluice worker --queue in-process`/,
  );
  assert.deepEqual(transport.enqueued, [], 'no job is enqueued without a worker');
  assert.ok(transport.closed);
});

test('workers that all go quiet mid-run fail the nodes out with NoWorkerError instead of a hang', async () => {
  const transport = new InProcessTransport();
  const { outcome } = start(diamond(), transport);
  await transport.waitForQueued(1);
  transport.workers = 0;
  assert.ok((await outcome) instanceof NoWorkerError);
});

test('cancellation withdraws the jobs no worker took and fails the run with RunCancelledError', async () => {
  const transport = new InProcessTransport();
  const controller = new AbortController();
  const { outcome } = start(diamond(), transport, { signal: controller.signal });
  await transport.waitForQueued(1);
  controller.abort('SIGINT');
  const error = await outcome;
  assert.ok(error instanceof RunCancelledError, String(error));
  assert.equal(transport.queued.length, 0, 'the queued job was withdrawn');
  assert.deepEqual(transport.enqueued, ['a']);
  assert.equal(transport.cancels, 1, 'the workers were told, so that running nodes see their signal abort');
});

test('a node waiting for its retry frees its dispatch slot: an independent node runs meanwhile', async () => {
  const transport = new InProcessTransport();
  transport.slots = 1;
  const pipeline = new Pipeline([
    node(id, 'seed', 'a_out', { name: 'a' }),
    node(id, 'seed', 'b_out', { name: 'b' }),
  ]);
  const { run } = start(pipeline, transport);
  assert.deepEqual(await transport.waitForQueued(1), ['a'], 'one slot: one job out');
  transport.handBack('a', 1);
  assert.deepEqual(await transport.waitForQueued(2), ['a', 'b'], "b takes the slot a's wait gave up");
  await transport.complete('b');
  await transport.complete('a');
  const result = await run;
  assert.deepEqual(result.completedNodes, ['b', 'a']);
  assert.deepEqual(transport.enqueued, ['a', 'b'], 'the retry is the same job, not a new one');
});

test("a failure leaves a retry's job on the queue (its node runs on), and counts only the failed node", async () => {
  const transport = new InProcessTransport();
  const pipeline = new Pipeline([
    node(id, 'seed', 'a_out', { name: 'a' }),
    node(id, 'seed', 'b_out', { name: 'b' }),
  ]);
  const { outcome, state } = start(pipeline, transport);
  await transport.waitForQueued(2);
  transport.handBack('a', 1);
  transport.fail('b', 'b broke');
  // Let the coordinator withdraw what it would; a started, so its retry's job stays.
  for (let i = 0; i < 50; i++) await new Promise((resolve) => setImmediate(resolve));
  assert.deepEqual(
    transport.queued.map((job) => `${job.nodeName}#${job.resume?.attempt}`),
    ['a#2'],
  );
  await transport.complete('a');
  const error = (await outcome) as Error;
  assert.equal(error.message, 'b broke');
  assert.deepEqual(state.completed, ['a']);
  assert.deepEqual(
    state.failed.map((failure) => failure.nodeName),
    ['b'],
  );
});

test("cancellation takes a retry's job back: its node fails with RunCancelledError, and process:'main' plugins get its onNodeEnd", async () => {
  const ended: string[] = [];
  const hooks = createHookManager();
  hooks.register(
    definePlugin({
      name: 'watcher',
      process: 'main',
      onNodeEnd: ({ node, error, attempts }) => void ended.push(`${node.name} ${error?.name} ${attempts}`),
    }),
  );
  const transport = new InProcessTransport();
  const controller = new AbortController();
  const { outcome, state } = start(new Pipeline([node(id, 'seed', 'a_out', { name: 'a' })]), transport, {
    hooks,
    signal: controller.signal,
  });
  await transport.waitForQueued(1);
  transport.handBack('a', 2);
  await transport.waitForQueued(1);
  controller.abort('SIGINT');
  const error = await outcome;
  assert.ok(error instanceof RunCancelledError, String(error));
  assert.equal(transport.queued.length, 0, "the retry's job was taken back");
  assert.deepEqual(ended, ['a RunCancelledError 2'], 'the bracket of its relayed onNodeStart closes');
  assert.deepEqual(
    state.failed.map((failure) => failure.nodeName),
    ['a'],
    'it had started: a failure, not a node that never ran',
  );
});

test('a run a worker already reported lost ends with CoordinatorLostError marked as reported, whatever its nodes did', async () => {
  const transport = new InProcessTransport();
  transport.reportedBy = 'worker-7';
  const { outcome } = start(new Pipeline([node(id, 'seed', 'a_out', { name: 'a' })]), transport);
  await transport.waitForQueued(1);
  await transport.complete('a', { a_out: 1 });
  const error = await outcome;
  assert.ok(error instanceof CoordinatorLostError, String(error));
  assert.equal(error.reportedBy, 'worker-7');
  assert.ok(pipelineErrorReported(error), 'the session will not fire onPipelineError a second time');
  assert.ok(transport.closed);
});

test('the exchange refuses a value over its limit, naming the dataset, the node and the fix', async () => {
  const transport = new InProcessTransport();
  await assert.rejects(
    transport.exchange.put('run-1', 'big_table', 'make_table', new Uint8Array(2 * 1024 * 1024)),
    (error: Error) =>
      error instanceof ExchangeValueTooLargeError &&
      /"big_table" written by node "make_table" is 2\.0 MiB/.test(error.message) &&
      /Persist "big_table" in the catalog/.test((error as ExchangeValueTooLargeError).hint ?? ''),
  );
});

test('a worker that fails a node before its enqueue has resolved: the run fails with that error, and no rejection goes unhandled', async () => {
  const unhandled: unknown[] = [];
  const onUnhandled = (reason: unknown) => void unhandled.push(reason);
  process.on('unhandledRejection', onUnhandled);
  try {
    const transport = new InProcessTransport();
    const openRun = transport.openRun.bind(transport);
    transport.openRun = async (runId, receive) => {
      const channel = await openRun(runId, receive);
      return {
        ...channel,
        // A fast worker: the node's failure arrives while Redis has yet to confirm the enqueue.
        enqueue: async (job) => {
          await channel.enqueue(job);
          transport.fail(job.nodeName, `${job.nodeName} failed at once`);
          await new Promise((resolve) => setImmediate(resolve));
          await new Promise((resolve) => setImmediate(resolve));
        },
      };
    };
    const { outcome } = start(diamond(), transport);
    const error = (await outcome) as Error;
    assert.equal(error.message, 'a failed at once');
    assert.deepEqual(unhandled, []);
  } finally {
    process.off('unhandledRejection', onUnhandled);
  }
});

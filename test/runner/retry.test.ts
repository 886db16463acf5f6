import assert from 'node:assert/strict';
import { test } from 'node:test';
import {
  createHookManager,
  DataCatalog,
  definePlugin,
  node,
  Pipeline,
  RetryHandedBack,
  RunCancelledError,
  runNode,
  type RetryPolicy,
} from '../../src/index.ts';
import { retryDelay } from '../../src/pipeline/retry-policy.ts';

class Flaky extends Error {}
class Fatal extends Error {}

function recorder() {
  const events: string[] = [];
  const plugin = definePlugin({
    name: 'recorder',
    beforeNodeRun: ({ node }) => void events.push(`before:${node.name}`),
    afterNodeRun: ({ node }) => void events.push(`after:${node.name}`),
    onNodeRetry: ({ node, attempt, error, delayMs }) =>
      void events.push(`retry:${node.name}:${attempt}:${error.message}:${delayMs}`),
    onNodeError: ({ node, error }) => void events.push(`error:${node.name}:${error.message}`),
    afterDatasetSaved: ({ datasetName }) => void events.push(`saved:${datasetName}`),
  });
  const hooks = createHookManager();
  hooks.register(plugin);
  return { hooks, events };
}

function failing(times: number, error: (n: number) => Error = (n) => new Flaky(`attempt ${n}`)) {
  let calls = 0;
  return (x: number) => {
    calls++;
    if (calls <= times) throw error(calls);
    return x + 1;
  };
}

test('a node that fails twice then succeeds: onNodeRetry twice, onNodeError never, one save', async () => {
  const { hooks, events } = recorder();
  const flaky = node(failing(2), 'x', 'y', { name: 'flaky', retries: { max: 3 } });
  const catalog = new DataCatalog().feed({ x: 1 });
  const outputs = await runNode(flaky, { catalog, hooks, runId: 'r', isAsync: false });
  assert.deepEqual(outputs, { y: 2 });
  assert.deepEqual(events, [
    'before:flaky',
    'retry:flaky:1:attempt 1:0',
    'before:flaky',
    'retry:flaky:2:attempt 2:0',
    'before:flaky',
    'after:flaky',
    'saved:y',
  ]);
});

test('when every attempt fails, onNodeError fires once, after the last attempt, with its error', async () => {
  const { hooks, events } = recorder();
  const hopeless = node(failing(10), 'x', 'y', { name: 'hopeless', retries: { max: 2 } });
  await assert.rejects(
    runNode(hopeless, { catalog: new DataCatalog().feed({ x: 1 }), hooks, runId: 'r', isAsync: false }),
    /attempt 3/,
  );
  assert.deepEqual(
    events.filter((event) => !event.startsWith('before')),
    ['retry:hopeless:1:attempt 1:0', 'retry:hopeless:2:attempt 2:0', 'error:hopeless:attempt 3'],
  );
});

test('a non-retryable error class skips the remaining attempts', async () => {
  const { hooks, events } = recorder();
  const broken = node(
    failing(5, () => new Fatal('bad credentials')),
    'x',
    'y',
    {
      name: 'broken',
      retries: { max: 5, nonRetryable: [Fatal] },
    },
  );
  await assert.rejects(
    runNode(broken, { catalog: new DataCatalog().feed({ x: 1 }), hooks, runId: 'r', isAsync: false }),
    Fatal,
  );
  assert.deepEqual(events, ['before:broken', 'error:broken:bad credentials']);
});

test('retryOn decides per error', async () => {
  const { hooks, events } = recorder();
  let calls = 0;
  const picky = node(
    (_x: number) => {
      calls++;
      throw new Error(calls === 1 ? 'timeout' : 'schema mismatch');
    },
    'x',
    'y',
    { name: 'picky', retries: { max: 5, retryOn: (error) => error.message === 'timeout' } },
  );
  await assert.rejects(
    runNode(picky, { catalog: new DataCatalog().feed({ x: 1 }), hooks, runId: 'r', isAsync: false }),
    /schema mismatch/,
  );
  assert.equal(calls, 2);
  assert.equal(events.filter((event) => event.startsWith('retry')).length, 1);
});

test('a node without a retry policy fails on its first error', async () => {
  const { hooks, events } = recorder();
  const once = node(failing(1), 'x', 'y', { name: 'once' });
  await assert.rejects(
    runNode(once, { catalog: new DataCatalog().feed({ x: 1 }), hooks, runId: 'r', isAsync: false }),
    Flaky,
  );
  assert.deepEqual(events, ['before:once', 'error:once:attempt 1']);
});

test('a failed save is not retried: some outputs may already be written', async () => {
  const { hooks, events } = recorder();
  let calls = 0;
  const catalog = new DataCatalog().feed({ x: 1 });
  catalog.add('y', {
    load: () => undefined,
    save: () => {
      throw new Error('disk full');
    },
    exists: () => false,
    release: () => undefined,
    describe: () => ({ type: 'broken' }),
  });
  const writer = node(
    (x: number) => {
      calls++;
      return x;
    },
    'x',
    'y',
    { name: 'writer', retries: { max: 3 } },
  );
  await assert.rejects(runNode(writer, { catalog, hooks, runId: 'r', isAsync: false }), /disk full/);
  assert.equal(calls, 1);
  assert.deepEqual(events, ['before:writer', 'after:writer', 'error:writer:disk full']);
});

test('the wait between attempts follows the policy and is really waited', async () => {
  const { hooks } = recorder();
  const slow = node(failing(2), 'x', 'y', {
    name: 'slow',
    retries: { max: 2, delayMs: 40, backoff: 'exponential' },
  });
  const started = performance.now();
  await runNode(slow, { catalog: new DataCatalog().feed({ x: 1 }), hooks, runId: 'r', isAsync: false });
  assert.ok(performance.now() - started >= 40 + 80 - 5, 'waited 40 ms then 80 ms');
});

test('retryDelay: fixed, exponential and jitter bounds', () => {
  const fixed: RetryPolicy = { max: 3, delayMs: 100 };
  assert.deepEqual(
    [1, 2, 3].map((retry) => retryDelay(fixed, retry)),
    [100, 100, 100],
  );
  const exponential: RetryPolicy = { max: 3, delayMs: 100, backoff: 'exponential' };
  assert.deepEqual(
    [1, 2, 3].map((retry) => retryDelay(exponential, retry)),
    [100, 200, 400],
  );
  const jittered: RetryPolicy = { max: 3, delayMs: 100, jitter: 0.5 };
  assert.equal(
    retryDelay(jittered, 1, () => 0),
    100,
  );
  assert.equal(
    retryDelay(jittered, 1, () => 1),
    50,
  );
  assert.equal(
    retryDelay({ max: 1, delayMs: 100, jitter: true }, 1, () => 1),
    0,
  );
});

test('wiring mistakes are never retried', async () => {
  const { hooks, events } = recorder();
  const wrongShape = node((_x: number) => 5 as unknown as [number, number], 'x', ['a', 'b'], {
    name: 'shape',
    retries: { max: 3 },
  });
  await assert.rejects(
    runNode(wrongShape, { catalog: new DataCatalog().feed({ x: 1 }), hooks, runId: 'r', isAsync: false }),
  );
  assert.equal(events.filter((event) => event.startsWith('retry')).length, 0);
});

test('an aborted signal cancels the wait between attempts', async () => {
  const { hooks } = recorder();
  const controller = new AbortController();
  const waiting = node(failing(5), 'x', 'y', { name: 'waiting', retries: { max: 5, delayMs: 10_000 } });
  setTimeout(() => controller.abort(), 30);
  await assert.rejects(
    runNode(waiting, {
      catalog: new DataCatalog().feed({ x: 1 }),
      hooks,
      runId: 'r',
      isAsync: false,
      signal: controller.signal,
    }),
    { name: 'RunCancelledError' },
  );
  assert.ok(new Pipeline([waiting]).size === 1);
});

test('handBackRetries: after onNodeRetry the retry is handed back (no wait, no onNodeEnd); resume continues the same node', async () => {
  const events: string[] = [];
  const hooks = createHookManager();
  hooks.register(
    definePlugin({
      name: 'bracket',
      nodeSkip: () => void events.push('nodeSkip'),
      onNodeStart: ({ node }) => void events.push(`start:${node.name}`),
      onNodeRetry: ({ attempt, delayMs, durationMs, attemptDurationMs }) =>
        void events.push(`retry:${attempt}:${delayMs}:${durationMs >= attemptDurationMs}`),
      onNodeEnd: ({ attempts, error, durationMs }) =>
        void events.push(`end:${attempts}:${error?.message}:${durationMs >= 60_000}`),
    }),
  );
  const flaky = node(failing(2), 'x', 'y', { name: 'flaky', retries: { max: 2, delayMs: 3_600_000 } });
  const catalog = new DataCatalog().feed({ x: 1 });
  const context = { catalog, hooks, runId: 'r', isAsync: false, handBackRetries: true };
  const first = await runNode(flaky, context).then(
    () => undefined,
    (error: unknown) => error,
  );
  assert.ok(first instanceof RetryHandedBack, String(first));
  assert.equal(first.delayMs, 3_600_000, "the policy's wait, for the caller to keep");
  assert.equal(first.resume.attempt, 2);
  // The node started a minute ago elsewhere: its durations count from then.
  const resume = { attempt: 2, startedAtMs: Date.now() - 60_000 };
  const second = await runNode(flaky, { ...context, resume }).catch((error: unknown) => error);
  assert.ok(second instanceof RetryHandedBack && second.resume.attempt === 3);
  assert.ok(second.resume.startedAtMs <= resume.startedAtMs + 5, 'the start travels with the node');
  const outputs = await runNode(flaky, { ...context, resume: second.resume });
  assert.deepEqual(outputs, { y: 2 });
  assert.deepEqual(events, [
    'nodeSkip',
    'start:flaky',
    'retry:1:3600000:true',
    'retry:2:3600000:true',
    'end:3:undefined:true',
  ]);
});

test('a resumed node of a cancelled run ends at once with RunCancelledError, with onNodeEnd', async () => {
  const ended: string[] = [];
  const hooks = createHookManager();
  hooks.register(
    definePlugin({
      name: 'bracket',
      onNodeEnd: ({ attempts, error }) => void ended.push(`${attempts} ${error?.name}`),
    }),
  );
  let calls = 0;
  const counted = node(() => ++calls, [], 'y', { name: 'counted', retries: { max: 2 } });
  const controller = new AbortController();
  controller.abort();
  await assert.rejects(
    runNode(counted, {
      catalog: new DataCatalog(),
      hooks,
      runId: 'r',
      isAsync: false,
      signal: controller.signal,
      resume: { attempt: 2, startedAtMs: Date.now() },
    }),
    RunCancelledError,
  );
  assert.equal(calls, 0);
  assert.deepEqual(ended, ['1 RunCancelledError']);
});

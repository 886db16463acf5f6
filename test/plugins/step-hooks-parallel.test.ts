/**
 * Step hooks on the parallel runner, unchanged: the built-in plugin is registered in every worker
 * thread, so hooks run where the node runs, with the node's real params and errors, and YAML
 * retries reach the worker's runNode. Every node runs on a worker (`startInMainThread: false`):
 * the worker side is what is tested.
 */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { threadId } from 'node:worker_threads';
import { ParallelRunner } from '../../src/index.ts';
import type { FixtureRun } from './step-hooks-support.ts';
import { runFixture, stepHookCalls } from './step-hooks-support.ts';

const onWorkers = () => new ParallelRunner({ startInMainThread: false, serialBelow: 0 });
let run: Promise<FixtureRun> | undefined;
const parallelRun = () => (run ??= runFixture({ runner: onWorkers() }));

test('on the parallel runner: onRetry 2, onSuccess 1, onFailure 0, in worker threads', async () => {
  const { error, lines } = await parallelRun();
  assert.equal(error, undefined);
  const calls = stepHookCalls(lines).filter((call) => call.includes(' flaky '));
  assert.deepEqual(calls, ['logRetry flaky retry#1', 'logRetry flaky retry#2', 'logSuccess flaky success#3']);
  const hookThreads = new Set(lines.filter((line) => line.kind === 'step-hook').map((line) => line.threadId));
  assert.ok(!hookThreads.has(threadId), 'no step hook ran in the main thread');
  const retries = lines
    .filter((line) => line.hook === 'onNodeRetry')
    .map((line) => `${line.node}#${line.attempt}`);
  assert.deepEqual(retries.sort(), ['flaky#1', 'flaky#2', 'yaml_node#1']);
  assert.equal(lines.filter((line) => line.hook === 'onNodeError').length, 0);
});

test('on the parallel runner: the same precedence, params and failed-hook log lines', async () => {
  const { lines } = await parallelRun();
  const successes = stepHookCalls(lines)
    .filter((call) => call.includes('success#'))
    .map((call) => call.split(' ').slice(0, 2).join(' '))
    .sort();
  assert.deepEqual(successes, [
    'codePipelineSuccess crash',
    'codePipelineSuccess numbers',
    'codePipelineSuccess plain',
    'logSuccess flaky',
    'slowSuccess own_and_yaml',
    'tagSuccess tagged',
    'yamlNodeSuccess yaml_node',
  ]);
  assert.deepEqual(lines.find((line) => line.hook === 'logRetry')?.params?.flaky, { failures: 2 });
  const logs = lines.filter((line) => line.kind === 'log').map((line) => line.line);
  assert.ok(logs.some((line) => line?.includes('onSuccess "throwingHook" of node "flaky" failed')));
});

test("on the parallel runner: a throwing onFailure hook does not mask the node's error", async () => {
  const { error, lines } = await runFixture({ runner: onWorkers() }, { crash: true });
  assert.equal(error?.message, 'crash failed on purpose');
  assert.deepEqual(
    lines.filter((line) => line.hook === 'logFailure').map((line) => [line.node, line.error]),
    [['crash', 'crash failed on purpose']],
  );
});

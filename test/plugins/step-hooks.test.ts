/**
 * Step hooks through a real Session on the `step-hooks` fixture project: a node that fails twice
 * then succeeds, every precedence level between code and hooks.yml, YAML retries, hooks that
 * throw, and the context a hook receives.
 */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { stepHooks } from '../fixtures/projects/step-hooks/sluice.config.ts';
import type { FixtureRun } from './step-hooks-support.ts';
import { runFixture, stepHookCalls } from './step-hooks-support.ts';

let success: Promise<FixtureRun> | undefined;
let failure: Promise<FixtureRun> | undefined;
let failuresBefore = 0;
/** The fixture run with every node succeeding, shared by the tests that read it. */
const successRun = () => (success ??= runFixture());
/** Then the run where `crash` fails (after the successful one, so that failure counts add up). */
const failureRun = () =>
  (failure ??= successRun().then(() => {
    failuresBefore = stepHooks.failures.length;
    return runFixture({}, { crash: true });
  }));

const count = (calls: string[], prefix: string) => calls.filter((call) => call.startsWith(prefix)).length;

test('a node that fails twice then succeeds: onRetry 2, onSuccess 1, onFailure 0; onNodeRetry 2, onNodeError 0', async () => {
  const { error, lines } = await successRun();
  assert.equal(error, undefined);
  const calls = stepHookCalls(lines);
  assert.equal(count(calls, 'logRetry flaky'), 2);
  assert.equal(count(calls, 'logSuccess flaky'), 1);
  assert.equal(count(calls, 'logFailure flaky'), 0);
  const sluiceHooks = lines
    .filter((line) => line.kind === 'sluice-hook' && line.node === 'flaky')
    .map((line) => line.hook);
  assert.equal(sluiceHooks.filter((hook) => hook === 'onNodeRetry').length, 2);
  assert.equal(sluiceHooks.filter((hook) => hook === 'onNodeError').length, 0);
  assert.deepEqual(
    calls.filter((call) => call.includes(' flaky ')),
    ['logRetry flaky retry#1', 'logRetry flaky retry#2', 'logSuccess flaky success#3'],
  );
});

test('a hook receives one context: node, pipeline, run id, params, attempt, duration, error', async () => {
  const { lines, runId } = await successRun();
  const [firstRetry] = lines.filter((line) => line.hook === 'logRetry');
  assert.ok(firstRetry);
  assert.equal(firstRetry.node, 'flaky');
  assert.equal(firstRetry.pipelineName, '__default__');
  assert.equal(firstRetry.runId, runId);
  assert.equal(firstRetry.error, 'flaky attempt 1 failed');
  assert.equal(firstRetry.delayMs, 0);
  assert.equal(firstRetry.hasProject, true);
  assert.deepEqual(Object.keys(firstRetry.params ?? {}).sort(), ['flaky', 'run_key']);
  assert.deepEqual(firstRetry.params?.flaky, { failures: 2 });
  const own = lines.find((line) => line.hook === 'slowSuccess');
  assert.deepEqual(own?.params, { 'model.rate': 0.5 });
  assert.deepEqual(own?.tags, ['critical']);
  const flakySuccess = lines.find((line) => line.hook === 'logSuccess');
  assert.ok((flakySuccess?.durationMs ?? -1) >= 0);
  assert.equal(flakySuccess?.error, undefined);
});

test('precedence: node code > YAML node > YAML tag > pipeline default in code > YAML pipeline', async () => {
  const calls = stepHookCalls((await successRun()).lines).filter((call) => call.includes('success#'));
  const successHooksOf = (nodeName: string) =>
    calls.filter((call) => call.split(' ')[1] === nodeName).map((call) => call.split(' ')[0]);
  assert.deepEqual(
    successHooksOf('own_and_yaml'),
    ['slowSuccess'],
    "the node's own hook wins over its YAML entry and tag",
  );
  assert.deepEqual(
    successHooksOf('yaml_node'),
    ['yamlNodeSuccess'],
    'a YAML node entry wins over a YAML tag entry',
  );
  assert.deepEqual(
    successHooksOf('tagged'),
    ['tagSuccess'],
    'a YAML tag entry wins over the pipeline default in code',
  );
  assert.deepEqual(
    successHooksOf('plain'),
    ['codePipelineSuccess'],
    'the pipeline default in code wins over the YAML pipeline entry',
  );
  assert.equal(calls.filter((call) => call.startsWith('yamlPipelineSuccess')).length, 0);
});

test('YAML retries reach the runner; a setting nothing else makes comes from the YAML pipeline entry', async () => {
  const { lines } = await successRun();
  const retries = lines.filter(
    (line) => line.kind === 'sluice-hook' && line.hook === 'onNodeRetry' && line.node === 'yaml_node',
  );
  assert.deepEqual(
    retries.map((line) => line.attempt),
    [1],
  );
  const retryHook = lines.filter((line) => line.hook === 'yamlPipelineRetry');
  assert.equal(retryHook.length, 1);
  assert.equal(retryHook[0]?.delayMs, 5, 'delay_ms from hooks.yml');
  assert.equal(retryHook[0]?.error, 'yaml_node attempt 1 failed');
});

test('a step hook that throws or rejects is logged in one line and recorded, and never fails a successful node', async () => {
  const { error, lines, result } = await successRun();
  assert.equal(error, undefined);
  assert.ok(result?.completedNodes.includes('flaky'));
  const logs = lines.filter((line) => line.kind === 'log').map((line) => line.line);
  assert.ok(
    logs.includes(
      'sluice: step hook onSuccess "throwingHook" of node "flaky" failed: Error: hook broke while handling flaky',
    ),
    logs.join('\n'),
  );
  assert.ok(
    logs.includes(
      'sluice: step hook onSuccess "rejectingHook" of node "flaky" failed: TypeError: async hook broke',
    ),
    logs.join('\n'),
  );
  const recorded = stepHooks.failures.filter((failure) => failure.nodeName === 'flaky');
  assert.ok(recorded.some((failure) => failure.hook === 'throwingHook' && failure.kind === 'onSuccess'));
  assert.ok(stepHooks.calls.onSuccess >= 3 && stepHooks.calls.onRetry >= 2);
});

test("a throwing onFailure hook does not mask the node's error; the next hook (a code reference) still runs", async () => {
  const { error, lines } = await failureRun();
  assert.equal(error?.message, 'crash failed on purpose');
  const nodeErrors = lines.filter((line) => line.hook === 'onNodeError');
  assert.deepEqual(
    nodeErrors.map((line) => [line.node, line.error]),
    [['crash', 'crash failed on purpose']],
  );
  assert.deepEqual(
    lines.filter((line) => line.hook === 'onPipelineError').map((line) => line.error),
    ['crash failed on purpose'],
  );
  const onFailure = lines.filter((line) => line.hook === 'logFailure');
  assert.deepEqual(
    onFailure.map((line) => [line.node, line.outcome, line.error, line.attempt]),
    [['crash', 'failure', 'crash failed on purpose', 1]],
  );
  assert.ok(
    lines.some(
      (line) => line.kind === 'log' && line.line?.includes('onFailure "throwingHook" of node "crash" failed'),
    ),
  );
  // crash runs first in its layer (names sort), and the run stops there: one failed step hook.
  assert.deepEqual(
    stepHooks.failures
      .slice(failuresBefore)
      .map((failure) => `${failure.kind} ${failure.hook} ${failure.nodeName}`),
    ['onFailure throwingHook crash'],
  );
});

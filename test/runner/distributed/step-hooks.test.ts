/**
 * Step hooks and retries on the distributed runner, unchanged: the built-in step-hooks plugin
 * runs in the `sluice worker` process that runs the node, node retries (`retries` in code and in
 * hooks.yml) run in the worker's runNode and fire onNodeRetry there. Real Redis at 127.0.0.1:6379
 * (skipped loudly without one; a failure under SLUICE_REQUIRE_SERVICES=1).
 */
import { after, test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DistributedRunner, Session } from '../../../src/index.ts';
import type { RecordLine } from '../../plugins/step-hooks-support.ts';
import { STEP_HOOKS_PROJECT, stepHookCalls } from '../../plugins/step-hooks-support.ts';
import { readRecord, withEnv } from '../../session/support.ts';
import { serviceOrSkip } from '../../support/services.ts';
import type { WorkerProcess } from './workers.ts';
import { startWorker, uniqueQueue } from './workers.ts';

let worker: WorkerProcess | undefined;
after(async () => {
  if (worker !== undefined) assert.equal(await worker.stop(), 0);
});

test('on the distributed runner: onRetry 2, onSuccess 1, onFailure 0, and onNodeRetry in the worker', async (t) => {
  if (!(await serviceOrSkip(t, 'Redis', '127.0.0.1', 6379))) return;
  const recordFile = join(mkdtempSync(join(tmpdir(), 'sluice-dist-step-hooks-')), 'record.jsonl');
  const queue = uniqueQueue('step-hooks');
  worker = await startWorker(STEP_HOOKS_PROJECT, queue, { SLUICE_TEST_RECORD: recordFile });
  const session = await Session.create({
    projectPath: STEP_HOOKS_PROJECT,
    runtimeParams: { run_key: `${process.pid}-${Date.now()}` },
    log: () => {},
  });
  await withEnv({ SLUICE_TEST_RECORD: recordFile }, () =>
    session.run({ runner: new DistributedRunner({ queue, waitForWorkersMs: 60_000 }) }),
  );
  const lines = readRecord<RecordLine>(recordFile);
  const calls = stepHookCalls(lines).filter((call) => call.includes(' flaky '));
  assert.deepEqual(calls, ['logRetry flaky retry#1', 'logRetry flaky retry#2', 'logSuccess flaky success#3']);
  const retries = lines
    .filter((line) => line.hook === 'onNodeRetry')
    .map((line) => `${line.node}#${line.attempt}`);
  assert.deepEqual(
    retries.sort(),
    ['flaky#1', 'flaky#2', 'yaml_node#1'],
    'retries from code and from hooks.yml',
  );
  assert.equal(lines.filter((line) => line.hook === 'onNodeError').length, 0);
  assert.deepEqual(lines.find((line) => line.hook === 'logRetry')?.params?.flaky, { failures: 2 });
});

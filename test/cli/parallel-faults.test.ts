/**
 * `sluice run --runner parallel` when a node misbehaves on its worker thread (the `faults`
 * fixture, one worker): a node that ends its thread makes the run fail with exit 1 and a summary,
 * never exit 0; a node that spins forever is terminated after the cancellation grace period, so
 * one SIGINT ends the run with onPipelineError, the error, the resume hint and exit 130.
 */
import { before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { join } from 'node:path';
import type { Outcome } from './support.ts';
import {
  assertExit,
  copyProject,
  ensureBuilt,
  failed,
  readRecord,
  sluice,
  started,
  tempDir,
} from './support.ts';

interface RecordLine {
  hook: string;
  node?: string;
  error?: string;
  message?: string;
}

let project: string;
before(() => {
  ensureBuilt();
  project = copyProject('faults');
});

async function run(
  args: readonly string[],
  onStderr?: Parameters<typeof sluice>[1]['onStderr'],
): Promise<Outcome & { record: RecordLine[] }> {
  const recordFile = join(tempDir('record'), 'record.jsonl');
  const outcome = await sluice(['run', '--runner', 'parallel', '--progress', 'plain', ...args], {
    cwd: project,
    env: { SLUICE_CLI_RECORD: recordFile },
    // Only a guard against a hang: the runs end on their own, on events.
    timeoutMs: 180_000,
    ...(onStderr === undefined ? {} : { onStderr }),
  });
  return { ...outcome, record: readRecord<RecordLine>(recordFile) };
}

describe('parallel runner faults through the CLI', { concurrency: true }, () => {
  test('--continue-on-failure: a node that ends its worker thread fails, the independent node runs on a new thread, exit 1', async () => {
    const outcome = await run(['--pipeline', 'crash', '--continue-on-failure']);
    assertExit(outcome, 1);
    assert.deepEqual(failed(outcome.stderr), ['crash'], outcome.output);
    assert.match(outcome.stderr, /^Error: 1 node\(s\) failed:$/m, outcome.output);
    assert.match(
      outcome.stderr,
      /^ {2}- crash: A worker thread exited \(code 3\) while running node "crash"\.$/m,
    );
    assert.deepEqual(
      outcome.record.filter((line) => line.hook === 'afterNodeRun').map((line) => line.node),
      ['independent'],
    );
    assert.deepEqual(
      outcome.record.filter((line) => line.hook === 'onPipelineError').map((line) => line.error),
      ['NodeFailuresError'],
    );
  });

  test('SIGINT while a node spins forever: its thread is terminated after the grace period, onPipelineError once, resume hint, exit 130', async () => {
    let sent = false;
    const outcome = await run([], (stderr, child) => {
      if (!sent && /^\[sluice\] ▶ spin$/m.test(stderr)) {
        sent = true;
        child.kill('SIGINT');
      }
    });
    assert.ok(sent, `spin started\n${outcome.output}`);
    assert.equal(outcome.signal, null, 'the CLI handled the signal itself');
    assertExit(outcome, 130);
    assert.deepEqual(started(outcome.stderr), ['warm', 'spin']);
    assert.match(outcome.stderr, /^Error: The run was cancelled \(SIGINT\)\.$/m, outcome.output);
    assert.match(outcome.stderr, /--from-nodes spin/, outcome.output);
    assert.deepEqual(
      outcome.record
        .filter((line) => line.hook === 'onPipelineError')
        .map((line) => [line.error, line.message]),
      [['RunCancelledError', 'The run was cancelled (SIGINT).']],
    );
    assert.ok(!outcome.record.some((line) => line.hook === 'afterPipelineRun'));
    assert.ok(!outcome.record.some((line) => line.node === 'report'));
  });
});

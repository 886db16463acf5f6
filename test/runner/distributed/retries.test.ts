/**
 * Node retries on the distributed runner are queue attempts: a failed attempt's retry goes back
 * on the queue (delayed by the policy's wait) with the attempt number, frees its worker slot
 * meanwhile, and may run on another worker; node hooks and step hooks count the attempts across
 * processes. The fixture's retry wait is an hour, so a retry runs only when the test promotes its
 * delayed job, after the events it waits for: the order is decided by events, never by a clock.
 * Real `sluice worker` processes and real Redis at 127.0.0.1:6379 (skipped loudly without one; a
 * failure under SLUICE_REQUIRE_SERVICES=1).
 */
import { after, test } from 'node:test';
import type { TestContext } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { Queue } from 'bullmq';
import { DistributedRunner, Session } from '../../../src/index.ts';
import type { RunResult } from '../../../src/index.ts';
import { readRecord, withEnv } from '../../session/support.ts';
import { serviceOrSkip } from '../../support/services.ts';
import type { WorkerProcess } from './workers.ts';
import { startCoordinator, startWorker, uniqueQueue, until } from './workers.ts';

const PROJECT = fileURLToPath(new URL('../../fixtures/projects/dist-retries/', import.meta.url));

/** A line of the fixture's record. */
interface Line {
  plugin: 'recorder' | 'main' | 'step-hook';
  hook: string;
  node?: string;
  attempt?: number;
  attempts?: number;
  durationMs?: number;
  error?: string;
  pid: number;
}

const started: WorkerProcess[] = [];
after(async () => {
  for (const worker of started) await worker.stop();
});

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** A fresh state folder and record file, the queue's BullMQ handle, and the run's environment. */
async function setUp(t: TestContext, label: string) {
  if (!(await serviceOrSkip(t, 'Redis', '127.0.0.1', 6379))) return undefined;
  const stateDir = mkdtempSync(join(tmpdir(), `sluice-dist-retries-${label}-`));
  const recordFile = join(stateDir, 'record.jsonl');
  const queue = uniqueQueue(label);
  const bull = new Queue(queue, { connection: { host: '127.0.0.1', port: 6379 }, prefix: 'sluice:q' });
  t.after(() => bull.close());
  return {
    stateDir,
    queue,
    bull,
    env: { SLUICE_TEST_RECORD: recordFile },
    lines: () => readRecord<Line>(recordFile),
    attemptsBy: (name: string) =>
      readFileSync(join(stateDir, `${name}.attempts`), 'utf8')
        .trim()
        .split('\n')
        .map(Number),
  };
}

/** Resolves once a retry's job waits on the queue (delayed), then makes it due at once. */
async function promoteNextRetry(bull: Queue): Promise<void> {
  for (;;) {
    const delayed = await bull.getDelayed();
    if (delayed.length > 0) {
      for (const job of delayed) await job.promote();
      return;
    }
    await sleep(20);
  }
}

/** Runs a pipeline of the fixture in this process as the coordinator. */
function runHere(
  setup: NonNullable<Awaited<ReturnType<typeof setUp>>>,
  pipelineName: string,
): Promise<{ result?: RunResult; error?: Error }> {
  return withEnv(setup.env, async () => {
    const session = await Session.create({
      projectPath: PROJECT,
      runtimeParams: { state_dir: setup.stateDir },
      log: () => {},
    });
    try {
      const runner = new DistributedRunner({ queue: setup.queue, waitForWorkersMs: 60_000 });
      return { result: await session.run({ pipelineName, runner }) };
    } catch (error) {
      return { error: error as Error };
    }
  });
}

const hooksOf = (lines: Line[], plugin: Line['plugin'], hook: string) =>
  lines.filter((line) => line.plugin === plugin && line.hook === hook);

test('fails twice, then succeeds with retries: 2: the retry after a worker was killed in the wait runs on the other worker, at attempt 2', async (t) => {
  const setup = await setUp(t, 'two-workers');
  if (setup === undefined) return;
  const workers = await Promise.all([
    startWorker(PROJECT, setup.queue, setup.env),
    startWorker(PROJECT, setup.queue, setup.env),
  ]);
  started.push(...workers);
  const run = runHere(setup, 'flaky');
  // Attempt 1 failed on one worker; its retry waits on the queue, on no worker.
  await until(() => hooksOf(setup.lines(), 'recorder', 'onNodeRetry').length === 1);
  const delayed = await (async () => {
    for (;;) {
      const jobs = await setup.bull.getDelayed();
      if (jobs.length > 0) return jobs;
      await sleep(20);
    }
  })();
  assert.deepEqual(
    delayed.map((job) => job.data.resume?.attempt),
    [2],
    'the job carries the attempt to run',
  );
  const first = workers.find(
    (worker) => worker.pid === hooksOf(setup.lines(), 'recorder', 'onNodeRetry')[0]!.pid,
  )!;
  const second = workers.find((worker) => worker !== first)!;
  // Killed during the wait: the node loses nothing, since no worker holds it.
  first.child.kill('SIGKILL');
  await new Promise((resolve) => first.child.once('exit', resolve));
  started.splice(started.indexOf(first), 1);
  await promoteNextRetry(setup.bull);
  await until(() => hooksOf(setup.lines(), 'recorder', 'onNodeRetry').length === 2);
  await promoteNextRetry(setup.bull);
  const { result, error } = await run;
  assert.equal(error, undefined, String(error));
  assert.equal(result!.outputs.flaky_out, 'flaky succeeded at attempt 3');

  const lines = setup.lines();
  const at = (line: Line) =>
    line.pid === first.pid ? 'first' : line.pid === second.pid ? 'second' : line.pid;
  assert.deepEqual(
    hooksOf(lines, 'recorder', 'onNodeStart').map(at),
    ['first'],
    'onNodeStart once, where the node began',
  );
  assert.deepEqual(
    hooksOf(lines, 'recorder', 'onNodeRetry').map((line) => `${line.attempt}@${at(line)}`),
    ['1@first', '2@second'],
  );
  assert.deepEqual(
    hooksOf(lines, 'recorder', 'onNodeEnd').map((line) => `${line.attempts}@${at(line)} ${line.error}`),
    ['3@second undefined'],
    'onNodeEnd once, with the attempts made in both workers',
  );
  assert.equal(hooksOf(lines, 'recorder', 'onNodeError').length, 0);
  assert.deepEqual(
    lines
      .filter((line) => line.plugin === 'step-hook')
      .map((line) => `${line.hook}#${line.attempt}@${at(line)}`),
    ['retry#1@first', 'retry#2@second', 'success#3@second'],
    "the step hooks' outcomes, from the hooks' own arguments in whichever worker",
  );
  const lastRetry = hooksOf(lines, 'recorder', 'onNodeRetry')[1]!;
  const success = lines.find((line) => line.plugin === 'step-hook' && line.hook === 'success')!;
  assert.ok(
    success.durationMs! >= lastRetry.durationMs!,
    `the node's duration spans its attempts in both processes (${success.durationMs} >= ${lastRetry.durationMs})`,
  );
  assert.deepEqual(
    lines
      .filter((line) => line.plugin === 'main')
      .map((line) => `${line.hook} ${line.attempt ?? line.attempts ?? ''}`),
    ['onNodeStart ', 'onNodeRetry 1', 'onNodeRetry 2', 'onNodeEnd 3'],
    "process:'main' plugins get the relayed bracket once, with every retry",
  );
  assert.deepEqual(
    setup.attemptsBy('flaky'),
    [first.pid, second.pid, second.pid],
    'three attempts in all: the kill did not restart the node from attempt 1',
  );
});

test("a retry's wait frees the worker's slot: an independent node runs on the same single-slot worker meanwhile", async (t) => {
  const setup = await setUp(t, 'slot');
  if (setup === undefined) return;
  const worker = await startWorker(PROJECT, setup.queue, setup.env);
  started.push(worker);
  const run = runHere(setup, 'flaky-and-other');
  // The retry becomes due only once `other` ended: if the wait held the one slot, it never would.
  await until(() => hooksOf(setup.lines(), 'recorder', 'onNodeEnd').some((line) => line.node === 'other'));
  await promoteNextRetry(setup.bull);
  await until(() => hooksOf(setup.lines(), 'recorder', 'onNodeRetry').length === 2);
  await promoteNextRetry(setup.bull);
  const { error } = await run;
  assert.equal(error, undefined, String(error));
  const lines = setup.lines().filter((line) => line.plugin === 'recorder' && line.hook !== 'onNodeError');
  assert.deepEqual(
    lines.map((line) => `${line.node} ${line.hook}${line.attempt ?? line.attempts ?? ''}`),
    [
      'flaky onNodeStart',
      'flaky onNodeRetry1',
      'other onNodeStart',
      'other onNodeEnd1',
      'flaky onNodeRetry2',
      'flaky onNodeEnd3',
    ],
  );
  assert.ok(
    lines.every((line) => line.pid === worker.pid),
    'all on the one worker',
  );
});

test('retries exhausted: onNodeError and onNodeEnd once in the worker, onPipelineError once, the step hooks say failure at attempt 3', async (t) => {
  const setup = await setUp(t, 'exhausted');
  if (setup === undefined) return;
  const worker = await startWorker(PROJECT, setup.queue, setup.env);
  started.push(worker);
  const run = runHere(setup, 'hopeless');
  await promoteNextRetry(setup.bull);
  await promoteNextRetry(setup.bull);
  const { error } = await run;
  assert.match(String(error?.message), /hopeless attempt 3 failed/);
  const lines = setup.lines();
  assert.deepEqual(
    hooksOf(lines, 'recorder', 'onNodeRetry').map((line) => line.attempt),
    [1, 2],
  );
  assert.deepEqual(
    hooksOf(lines, 'recorder', 'onNodeError').map((line) => line.error),
    ['hopeless attempt 3 failed'],
  );
  assert.deepEqual(
    hooksOf(lines, 'recorder', 'onNodeEnd').map((line) => `${line.attempts} ${line.error}`),
    ['3 Error'],
  );
  const pipelineErrors = hooksOf(lines, 'recorder', 'onPipelineError');
  assert.equal(pipelineErrors.length, 1, 'onPipelineError exactly once');
  assert.equal(pipelineErrors[0]!.pid, process.pid, 'in the coordinator');
  assert.deepEqual(
    lines.filter((line) => line.plugin === 'step-hook').map((line) => `${line.hook}#${line.attempt}`),
    ['retry#1', 'retry#2', 'failure#3'],
  );
  assert.equal(setup.attemptsBy('hopeless').length, 3);
});

test('SIGINT to the coordinator while a retry waits: its job is removed, the node fails with RunCancelledError, exit 130', async (t) => {
  const setup = await setUp(t, 'cancel-retry');
  if (setup === undefined) return;
  const worker = await startWorker(PROJECT, setup.queue, setup.env);
  started.push(worker);
  const coordinator = startCoordinator(
    PROJECT,
    setup.queue,
    ['--pipeline', 'flaky', '--params', `state_dir=${setup.stateDir}`],
    setup.env,
  );
  while ((await setup.bull.getDelayedCount()) === 0) await sleep(20);
  coordinator.child.kill('SIGINT');
  assert.equal(await coordinator.exited, 130, coordinator.output());
  assert.equal(await setup.bull.getDelayedCount(), 0, "the retry's job was removed");
  assert.equal(await setup.bull.getWaitingCount(), 0);
  const lines = setup.lines();
  assert.deepEqual(
    hooksOf(lines, 'recorder', 'onPipelineError').map((line) => line.error),
    ['RunCancelledError'],
  );
  assert.deepEqual(
    hooksOf(lines, 'main', 'onNodeEnd').map((line) => `${line.error} ${line.attempts}`),
    ['RunCancelledError 1'],
    "the coordinator closes the node's bracket for process:'main' plugins",
  );
  assert.equal(await worker.stop(), 0);
  started.splice(started.indexOf(worker), 1);
  assert.equal(setup.attemptsBy('flaky').length, 1, 'the retry never ran');
});

/**
 * The distributed runner end to end, on the real Redis at 127.0.0.1:6379 (skipped loudly without
 * one; a failure under SLUICE_REQUIRE_SERVICES=1) with real `sluice worker` child processes on the
 * `basic` fixture project. The coordinator is this process: the session's pipeline hooks fire
 * here, node and dataset hooks in the workers, and the `process: 'main'` plugin gets them relayed.
 */
import { after, test } from 'node:test';
import type { TestContext } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { cpSync, existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import {
  DistributedRunner,
  NodeFailuresError,
  NoWorkerError,
  ProjectMismatchError,
  RedisUnreachableError,
  Session,
} from '../../../src/index.ts';
import type { RunResult } from '../../../src/index.ts';
import { serviceOrSkip } from '../../support/services.ts';
import { BASIC, freshDataDir, readRecord, withEnv } from '../../session/support.ts';
import type { WorkerProcess } from './workers.ts';
import { startCoordinator, startWorker, uniqueQueue, until } from './workers.ts';

/** A line of the basic fixture's recorder plugins. */
interface Line {
  plugin: 'recorder' | 'main-recorder';
  hook: string;
  subject: string | null;
  pid: number;
  runner?: string;
  relayed?: boolean;
  kinds?: string[];
  error?: string;
  message?: string;
  attempts?: number;
}

/** The package's source folder, by absolute path, for project copies outside the repository. */
const SLUICE_SRC = fileURLToPath(new URL('../../../src/', import.meta.url));

/**
 * A copy of the basic project outside the repository (importing the same Sluice by absolute path),
 * with `runnerSettings` added to its sluice.config.ts; removed after the test.
 */
function basicCopy(t: TestContext, runnerSettings?: string): string {
  const copy = mkdtempSync(join(tmpdir(), 'sluice-basic-copy-'));
  cpSync(BASIC, copy, { recursive: true });
  t.after(() => rmSync(copy, { recursive: true, force: true }));
  writeFileSync(join(copy, 'package.json'), JSON.stringify({ name: 'basic-copy', type: 'module' }));
  for (const file of ['sluice.config.ts', 'src/hooks.ts', 'src/pipeline.ts', 'src/slow-pipeline.ts']) {
    const path = join(copy, file);
    writeFileSync(
      path,
      readFileSync(path, 'utf8').replace(/'(?:\.\.\/)+src\/([\w/-]+\.ts)'/g, `'${SLUICE_SRC}$1'`),
    );
  }
  if (runnerSettings !== undefined) {
    const config = join(copy, 'sluice.config.ts');
    const text = readFileSync(config, 'utf8');
    writeFileSync(
      config,
      text.replace(
        'hooks: [recorder, mainRecorder],',
        `hooks: [recorder, mainRecorder],\n  runner: ${runnerSettings},`,
      ),
    );
  }
  return copy;
}

const started: WorkerProcess[] = [];
after(async () => {
  for (const worker of started) await worker.stop();
});

const redis = (t: TestContext) => serviceOrSkip(t, 'Redis', '127.0.0.1', 6379);

interface Outcome {
  result?: RunResult;
  error?: Error;
  lines: Line[];
  dataDir: string;
  workers: WorkerProcess[];
}

/** Starts `workerCount` workers with `env` on a fresh queue, and runs the basic project on them. */
async function distributedRun(
  workerCount: number,
  env: Record<string, string> = {},
  runner: { waitForWorkersMs?: number; projectPath?: string } = {},
): Promise<Outcome> {
  const { dataDir, recordFile } = freshDataDir(BASIC);
  const queue = uniqueQueue('run');
  const allEnv = { SLUICE_TEST_RECORD: recordFile, ...env };
  const workers = await Promise.all(
    Array.from({ length: workerCount }, () => startWorker(runner.projectPath ?? BASIC, queue, allEnv)),
  );
  started.push(...workers);
  const session = await Session.create({
    projectPath: BASIC,
    runtimeParams: { data_dir: dataDir },
    log: () => {},
  });
  return withEnv(allEnv, async () => {
    const distributed = new DistributedRunner({ queue, waitForWorkersMs: runner.waitForWorkersMs ?? 60_000 });
    try {
      const result = await session.run({ runner: distributed });
      return { result, lines: readRecord<Line>(recordFile), dataDir, workers };
    } catch (error) {
      return { error: error as Error, lines: readRecord<Line>(recordFile), dataDir, workers };
    }
  });
}

let full: Promise<Outcome> | undefined;
const fullRun = () => (full ??= distributedRun(2));

function expectedReport(): string {
  const numbers = JSON.parse(readFileSync(join(BASIC, 'data', 'numbers.json'), 'utf8')) as number[];
  const sum = numbers.map((n) => n * 2 + 10).reduce((total, n) => total + n, 0);
  return `sum=${sum} squares=${numbers.map((n) => n * n).join(',')}`;
}

test('memory datasets cross worker processes through the exchange: the report written from them is right', async (t) => {
  if (!(await redis(t))) return;
  const { result, error, dataDir } = await fullRun();
  assert.equal(error, undefined, error?.stack);
  assert.equal(readFileSync(join(dataDir, 'out', 'report.txt'), 'utf8'), expectedReport());
  assert.deepEqual(JSON.parse(readFileSync(join(dataDir, 'out', 'doubled.json'), 'utf8')), [2, 4, 6, 8]);
  assert.deepEqual([...(result?.completedNodes ?? [])].sort(), [
    'describe',
    'double',
    'shift',
    'square',
    'total',
  ]);
});

test('node and dataset hooks fire in the workers; pipeline hooks once, in the coordinator', async (t) => {
  if (!(await redis(t))) return;
  const { lines, workers } = await fullRun();
  const workerPids = new Set(workers.map((worker) => worker.pid));
  const nodeHooks = lines.filter((line) => line.plugin === 'recorder' && /Node|Dataset/.test(line.hook));
  assert.equal(nodeHooks.filter((line) => line.hook === 'beforeNodeRun').length, 5);
  assert.ok(
    nodeHooks.every((line) => workerPids.has(line.pid)),
    'every node hook ran in a worker',
  );
  const pipelineHooks = lines.filter((line) => /Pipeline/.test(line.hook));
  assert.deepEqual(
    pipelineHooks.map((line) => [line.hook, line.pid]),
    [
      ['beforePipelineRun', process.pid],
      ['afterPipelineRun', process.pid],
    ],
  );
  assert.equal(pipelineHooks[0]!.runner, 'distributed');
  // beforePipelineRun fired before any node started anywhere.
  const firstNodeHook = lines.findIndex((line) => /Node/.test(line.hook));
  assert.ok(lines.findIndex((line) => line.hook === 'beforePipelineRun') < firstNodeHook);
});

test('onNodeStart and onNodeEnd fire once per node in the worker, and reach the main plugin relayed, in order', async (t) => {
  if (!(await redis(t))) return;
  const { lines } = await fullRun();
  for (const nodeName of ['double', 'shift', 'total', 'square', 'describe']) {
    for (const plugin of ['recorder', 'main-recorder'] as const) {
      const of = (hook: string) =>
        lines.flatMap((line, index) =>
          line.plugin === plugin && line.hook === hook && line.subject === nodeName ? [index] : [],
        );
      assert.equal(of('onNodeStart').length, 1, `${plugin} onNodeStart ${nodeName}`);
      assert.equal(of('onNodeEnd').length, 1, `${plugin} onNodeEnd ${nodeName}`);
      assert.ok(of('onNodeStart')[0]! < of('beforeNodeRun')[0]!);
      assert.ok(of('afterNodeRun')[0]! < of('onNodeEnd')[0]!);
    }
  }
});

test('relayed events reach the process:"main" plugin in the coordinator, with RelayedData instead of data', async (t) => {
  if (!(await redis(t))) return;
  const { lines } = await fullRun();
  const main = lines.filter((line) => line.plugin === 'main-recorder');
  assert.ok(main.every((line) => line.pid === process.pid));
  const afterRuns: Record<string, Line> = Object.fromEntries(
    main.filter((line) => line.hook === 'afterNodeRun').map((line) => [line.subject, line]),
  );
  assert.deepEqual(Object.keys(afterRuns).sort(), ['describe', 'double', 'shift', 'square', 'total']);
  assert.ok(Object.values(afterRuns).every((line) => line.relayed === true));
  assert.deepEqual(afterRuns.double!.kinds, ['array']);
  assert.deepEqual(afterRuns.total!.kinds, ['number']);
  assert.deepEqual(afterRuns.describe!.kinds, ['string']);
  const saved = main.filter((line) => line.hook === 'afterDatasetSaved').map((line) => line.subject);
  assert.deepEqual(saved.sort(), ['doubled', 'report', 'shifted', 'squares', 'sum']);
});

test('a node failure reaches onNodeError in the worker, the main plugin relayed, and onPipelineError once in the coordinator', async (t) => {
  if (!(await redis(t))) return;
  const { error, lines, workers } = await distributedRun(1, { SLUICE_TEST_FAIL: 'shift' });
  assert.equal(error?.message, 'shift failed on purpose');
  const [worker] = workers;
  const workerErrors = lines.filter((line) => line.plugin === 'recorder' && line.hook === 'onNodeError');
  assert.deepEqual(
    workerErrors.map((line) => [line.subject, line.error, line.pid]),
    [['shift', 'shift failed on purpose', worker!.pid]],
  );
  const mainErrors = lines.filter((line) => line.plugin === 'main-recorder' && line.hook === 'onNodeError');
  assert.deepEqual(
    mainErrors.map((line) => [line.subject, line.pid]),
    [['shift', process.pid]],
  );
  const pipelineErrors = lines.filter((line) => line.hook === 'onPipelineError');
  assert.deepEqual(
    pipelineErrors.map((line) => [line.message, line.pid]),
    [['shift failed on purpose', process.pid]],
  );
  const ends = lines.filter((line) => line.hook === 'onNodeEnd' && line.subject === 'shift');
  assert.deepEqual(
    ends.map((line) => [line.plugin, line.error]),
    [
      ['recorder', 'shift failed on purpose'],
      ['main-recorder', 'shift failed on purpose'],
    ],
  );
  assert.ok(
    !lines.some((line) => line.hook === 'beforeNodeRun' && line.subject === 'total'),
    'total never ran',
  );
});

test('a worker whose project differs refuses the job, naming both fingerprints', async (t) => {
  if (!(await redis(t))) return;
  // A copy with another parameter.
  const copy = basicCopy(t);
  writeFileSync(join(copy, 'conf', 'base', 'parameters.yml'), 'factor: 3\noffset:\n  value: 10\n');
  const { error, lines } = await distributedRun(1, {}, { projectPath: copy });
  assert.ok(error instanceof ProjectMismatchError || error?.name === 'ProjectMismatchError', String(error));
  assert.match(error!.message, /has fingerprint [0-9a-f]{16}, but the run's coordinator has [0-9a-f]{16}/);
  assert.ok(!lines.some((line) => line.hook === 'beforeNodeRun'), 'no node ran on stale code');
  assert.equal(lines.filter((line) => line.hook === 'onPipelineError').length, 1);
});

test('no worker on the queue: NoWorkerError naming the queue and `sluice worker`, onPipelineError once', async (t) => {
  if (!(await redis(t))) return;
  const { error, lines } = await distributedRun(0, {}, { waitForWorkersMs: 300 });
  assert.ok(error instanceof NoWorkerError, String(error));
  assert.match(
    error.message,
    /No worker is listening on queue "test-run-\d+-\d+".*start one with `sluice worker --queue /,
  );
  assert.deepEqual(
    lines.filter((line) => /Pipeline/.test(line.hook)).map((line) => line.hook),
    ['beforePipelineRun', 'onPipelineError'],
  );
});

test('Redis unreachable: RedisUnreachableError names the URL with its credentials redacted; onPipelineError once', async () => {
  const { dataDir, recordFile } = freshDataDir(BASIC);
  const session = await Session.create({
    projectPath: BASIC,
    runtimeParams: { data_dir: dataDir },
    log: () => {},
  });
  // Port 1 refuses at once on this machine: nothing listens there.
  const runner = new DistributedRunner({ redisUrl: 'redis://alice:s3cret-pw@127.0.0.1:1/0' });
  const error = await withEnv({ SLUICE_TEST_RECORD: recordFile }, () =>
    session.run({ runner }).then(
      () => undefined,
      (thrown: unknown) => thrown as Error,
    ),
  );
  assert.ok(error instanceof RedisUnreachableError, String(error));
  assert.match(
    error.message,
    /^Cannot reach Redis at redis:\/\/\*\*\*@127\.0\.0\.1:1\/0: connect ECONNREFUSED/,
  );
  assert.ok(!error.message.includes('s3cret') && !error.message.includes('alice'));
  assert.deepEqual(
    readRecord<Line>(recordFile)
      .filter((line) => line.hook === 'onPipelineError')
      .map((line) => [line.error, line.pid]),
    [['RedisUnreachableError', process.pid]],
    'the session was open: onPipelineError once',
  );
});

test('`sluice run --runner distributed --queue` runs on a worker, which exits 0 on SIGTERM', async (t) => {
  if (!(await redis(t))) return;
  const { dataDir } = freshDataDir(BASIC);
  const queue = uniqueQueue('cli');
  const worker = await startWorker(BASIC, queue);
  started.push(worker);
  const cli = fileURLToPath(new URL('./cli-child.ts', import.meta.url));
  const run = spawn(
    process.execPath,
    [
      '--import',
      'tsx',
      cli,
      '--project',
      BASIC,
      'run',
      '--runner',
      'distributed',
      '--queue',
      queue,
      '--params',
      `data_dir=${dataDir}`,
      '--progress',
      'off',
    ],
    { stdio: ['ignore', 'pipe', 'pipe'] },
  );
  let output = '';
  run.stderr!.on('data', (chunk: Buffer) => (output += chunk.toString()));
  const [code] = (await once(run, 'exit')) as [number | null];
  assert.equal(code, 0, output);
  assert.equal(readFileSync(join(dataDir, 'out', 'report.txt'), 'utf8'), expectedReport());
  assert.equal(await worker.stop(), 0);
  assert.match(worker.output(), /sluice worker stopped/);
});

test('a worker told to stop (SIGTERM) mid-node finishes that node, takes no other, and exits 0', async (t) => {
  if (!(await redis(t))) return;
  const { dataDir, recordFile } = freshDataDir(BASIC);
  const holdFile = join(dataDir, 'release-nodes');
  const queue = uniqueQueue('stop');
  const env = { SLUICE_TEST_RECORD: recordFile, SLUICE_TEST_HOLD_FILE: holdFile };
  const [stopping, staying] = await Promise.all([
    startWorker(BASIC, queue, env),
    startWorker(BASIC, queue, env),
  ]);
  started.push(stopping!, staying!);
  const session = await Session.create({
    projectPath: BASIC,
    runtimeParams: { data_dir: dataDir },
    log: () => {},
  });
  const run = withEnv(env, () =>
    session.run({ pipelineName: 'slow', runner: new DistributedRunner({ queue, waitForWorkersMs: 60_000 }) }),
  );
  // Both workers hold a node until the hold file exists; wait until the first one has its node.
  const startedOn = (pid: number) =>
    readRecord<Line>(recordFile).some((line) => line.hook === 'beforeNodeRun' && line.pid === pid);
  while (!startedOn(stopping!.pid)) await new Promise((resolve) => setTimeout(resolve, 20));
  stopping!.child.kill('SIGTERM');
  while (!stopping!.output().includes('Received SIGTERM'))
    await new Promise((resolve) => setTimeout(resolve, 20));
  writeFileSync(holdFile, '');
  const result = await run;
  assert.equal(await stopping!.stop(), 0, stopping!.output());
  assert.deepEqual(Object.keys(result.outputs).sort(), ['a', 'b', 'c', 'd']);
  const lines = readRecord<Line>(recordFile);
  const ran = lines.filter((line) => line.plugin === 'recorder' && line.hook === 'afterNodeRun');
  assert.deepEqual(
    ran.map((line) => line.subject).sort(),
    ['a', 'b', 'c', 'd'],
    'every node ran exactly once',
  );
  assert.equal(
    ran.filter((line) => line.pid === stopping!.pid).length,
    1,
    'the stopping worker finished its one node',
  );
});

for (const signal of ['SIGINT', 'SIGTERM'] as const) {
  test(`${signal} to the coordinator: queued jobs are withdrawn, the running node's signal aborts in its worker, onPipelineError once, exit 130`, async (t) => {
    if (!(await redis(t))) return;
    const { dataDir, recordFile } = freshDataDir(BASIC);
    const holdFile = join(dataDir, 'release-nodes');
    const queue = uniqueQueue('cancel');
    const env = {
      SLUICE_TEST_RECORD: recordFile,
      SLUICE_TEST_HOLD_FILE: holdFile,
      SLUICE_TEST_RECORD_CANCEL: '1',
    };
    const worker = await startWorker(BASIC, queue, env);
    started.push(worker);
    const run = startCoordinator(
      BASIC,
      queue,
      ['--pipeline', 'slow', '--params', `data_dir=${dataDir}`],
      env,
    );
    // The one worker holds its first node; the other three wait in the queue.
    await until(() => readRecord<Line>(recordFile).some((line) => line.hook === 'beforeNodeRun'));
    run.child.kill(signal);
    await until(() => run.output().includes(`Received ${signal}`));
    // The worker hears of the cancellation while its node still runs: the run's signal aborts there.
    await until(() =>
      readRecord<Line>(recordFile).some((line) => line.hook === 'runCancelled' && line.pid === worker.pid),
    );
    const { Redis } = await import('ioredis');
    const client = new Redis('redis://127.0.0.1:6379');
    t.after(() => client.disconnect());
    // The coordinator withdraws the three queued jobs; only then does the held node finish.
    while ((await client.llen(`sluice:q:${queue}:wait`)) > 0)
      await new Promise((resolve) => setTimeout(resolve, 20));
    writeFileSync(holdFile, '');
    assert.equal(await run.exited, 130, run.output());
    const lines = readRecord<Line>(recordFile);
    assert.equal(
      lines.filter((line) => line.hook === 'afterNodeRun' && line.plugin === 'recorder').length,
      1,
    );
    assert.deepEqual(
      lines.filter((line) => line.hook === 'onPipelineError').map((line) => line.error),
      ['RunCancelledError'],
    );
    assert.equal(await worker.stop(), 0);
    const after = readRecord<Line>(recordFile);
    assert.equal(
      after.filter((line) => line.hook === 'beforeNodeRun' && line.plugin === 'recorder').length,
      1,
      'the withdrawn nodes never ran',
    );
  });
}

test('two runs at once on one queue stay apart (each with its own params), and filters work as on other runners', async (t) => {
  if (!(await redis(t))) return;
  const queue = uniqueQueue('two');
  // One worker runs two nodes at once: each slot opens its own copy of the project per run.
  const workers = await Promise.all([
    startWorker(BASIC, queue),
    startWorker(BASIC, queue, {}, ['--concurrency', '2']),
  ]);
  started.push(...workers);
  const runner = () => new DistributedRunner({ queue, waitForWorkersMs: 60_000 });
  const open = async (runtimeParams: Record<string, unknown>) =>
    Session.create({ projectPath: BASIC, runtimeParams, log: () => {} });
  const first = freshDataDir(BASIC).dataDir;
  const second = freshDataDir(BASIC).dataDir;
  const [full, filtered] = await Promise.all([
    open({ data_dir: first }).then((session) => session.run({ runner: runner() })),
    open({ data_dir: second, factor: 3 }).then((session) =>
      session.run({ runner: runner(), tags: ['math'] }),
    ),
  ]);
  assert.deepEqual([...full.completedNodes].sort(), ['describe', 'double', 'shift', 'square', 'total']);
  assert.equal(readFileSync(join(first, 'out', 'report.txt'), 'utf8'), expectedReport());
  assert.deepEqual(JSON.parse(readFileSync(join(first, 'out', 'doubled.json'), 'utf8')), [2, 4, 6, 8]);
  assert.deepEqual([...filtered.completedNodes].sort(), ['double', 'shift']);
  assert.deepEqual(JSON.parse(readFileSync(join(second, 'out', 'doubled.json'), 'utf8')), [3, 6, 9, 12]);
  assert.deepEqual(
    filtered.outputs,
    { shifted: [13, 16, 19, 22] },
    'the free output came back from the exchange',
  );
  assert.equal(existsSync(join(second, 'out', 'report.txt')), false);
});

test('continueOnFailure and onlyMissingOutputs on real workers: the failed branch is skipped; a rerun runs only what is missing', async (t) => {
  if (!(await redis(t))) return;
  const queue = uniqueQueue('options');
  const { dataDir, recordFile } = freshDataDir(BASIC);
  const env = { SLUICE_TEST_RECORD: recordFile };
  const worker = await startWorker(BASIC, queue, { ...env, SLUICE_TEST_FAIL: 'shift' });
  started.push(worker);
  const open = () =>
    Session.create({ projectPath: BASIC, runtimeParams: { data_dir: dataDir }, log: () => {} });
  const runner = () => new DistributedRunner({ queue, waitForWorkersMs: 60_000 });
  const failed = await withEnv(env, async () =>
    (await open()).run({ runner: runner(), continueOnFailure: true }).then(
      () => undefined,
      (error: unknown) => error as Error,
    ),
  );
  assert.ok(failed instanceof NodeFailuresError, String(failed));
  assert.deepEqual(
    failed.failures.map((failure) => failure.nodeName),
    ['shift'],
  );
  assert.deepEqual([...failed.skippedNodes].sort(), ['describe', 'total']);
  const ran = readRecord<Line>(recordFile).filter(
    (line) => line.plugin === 'recorder' && line.hook === 'afterNodeRun',
  );
  assert.deepEqual(
    ran.map((line) => line.subject).sort(),
    ['double', 'square'],
    'the other branch still ran',
  );
  assert.ok(existsSync(join(dataDir, 'out', 'doubled.json')));
  assert.equal(await worker.stop(), 0);

  // A healthy worker; doubled.json exists, so `double` gets no job.
  started.push(await startWorker(BASIC, queue, env));
  const result = await withEnv(env, async () =>
    (await open()).run({ runner: runner(), onlyMissingOutputs: true }),
  );
  assert.ok(
    !result.completedNodes.includes('double'),
    `double ran again: ${result.completedNodes.join(', ')}`,
  );
  assert.ok(result.completedNodes.includes('describe'));
  assert.equal(readFileSync(join(dataDir, 'out', 'report.txt'), 'utf8'), expectedReport());
});

test('a job the queue itself fails (its worker lost too often) fails the node in the coordinator instead of a hang', async (t) => {
  if (!(await redis(t))) return;
  const { Redis } = await import('ioredis');
  const { Worker } = await import('bullmq');
  const { workersKey } = await import('../../../src/runner/distributed/redis-keys.ts');
  const queue = uniqueQueue('gave-up');
  const client = new Redis('redis://127.0.0.1:6379');
  const connection = new Redis('redis://127.0.0.1:6379', { maxRetriesPerRequest: null });
  // A bare BullMQ worker whose jobs fail outside Sluice's handler, as BullMQ fails a job whose
  // workers died more than maxStalledCount times; it announces itself as a sluice worker does.
  const bare = new Worker(
    queue,
    async () => {
      throw new Error('job stalled more than allowable limit');
    },
    { connection, prefix: 'sluice:q' },
  );
  t.after(async () => {
    await bare.close();
    await client.del(workersKey(queue, 'bare'), workersKey(queue));
    client.disconnect();
    connection.disconnect();
  });
  await client
    .multi()
    .set(workersKey(queue, 'bare'), '1', 'PX', 600_000)
    .sadd(workersKey(queue), 'bare')
    .exec();
  const { dataDir, recordFile } = freshDataDir(BASIC);
  const session = await Session.create({
    projectPath: BASIC,
    runtimeParams: { data_dir: dataDir },
    log: () => {},
  });
  const error = await withEnv({ SLUICE_TEST_RECORD: recordFile }, () =>
    session.run({ runner: new DistributedRunner({ queue, waitForWorkersMs: 60_000 }) }).then(
      () => undefined,
      (thrown: unknown) => thrown as Error,
    ),
  );
  assert.match(
    error?.message ?? '',
    /^The queue gave up on node "double": job stalled more than allowable limit$/,
  );
  const lines = readRecord<Line>(recordFile);
  assert.deepEqual(
    lines.filter((line) => line.hook === 'onPipelineError').map((line) => line.pid),
    [process.pid],
  );
});

test('a worker killed mid-node (SIGKILL): its node runs again on another worker; pipeline hooks still fire once', async (t) => {
  if (!(await redis(t))) return;
  // Short stall settings, so that the lost node is handed on in seconds.
  const copy = basicCopy(t, '{ distributed: { lockDurationMs: 4000, stalledIntervalMs: 2000 } }');
  const { dataDir, recordFile } = freshDataDir(BASIC);
  const holdFile = join(dataDir, 'release-nodes');
  const queue = uniqueQueue('kill');
  const env = { SLUICE_TEST_RECORD: recordFile, SLUICE_TEST_HOLD_FILE: holdFile };
  const [doomed, survivor] = await Promise.all([
    startWorker(copy, queue, env),
    startWorker(copy, queue, env),
  ]);
  started.push(doomed!, survivor!);
  const session = await Session.create({
    projectPath: copy,
    runtimeParams: { data_dir: dataDir },
    log: () => {},
  });
  const run = withEnv(env, () =>
    session.run({ pipelineName: 'slow', runner: new DistributedRunner({ queue, waitForWorkersMs: 60_000 }) }),
  );
  const lines = () => readRecord<Line>(recordFile);
  const killedNode = async () => {
    for (;;) {
      const line = lines().find((entry) => entry.hook === 'beforeNodeRun' && entry.pid === doomed!.pid);
      if (line !== undefined) return line.subject!;
      await new Promise((resolve) => setTimeout(resolve, 20));
    }
  };
  const lost = await killedNode();
  doomed!.child.kill('SIGKILL');
  assert.equal(await doomed!.stop(), null, 'killed, not exited');
  writeFileSync(holdFile, '');
  const result = await run;
  assert.deepEqual(Object.keys(result.outputs).sort(), ['a', 'b', 'c', 'd']);
  const recorded = lines().filter((line) => line.plugin === 'recorder');
  const starts = recorded.filter((line) => line.hook === 'beforeNodeRun' && line.subject === lost);
  assert.deepEqual(
    starts.map((line) => line.pid),
    [doomed!.pid, survivor!.pid],
    'the lost node started on the killed worker, then again on the survivor',
  );
  const finished = recorded.filter((line) => line.hook === 'afterNodeRun').map((line) => line.subject);
  assert.deepEqual(finished.sort(), ['a', 'b', 'c', 'd'], 'every node finished exactly once');
  assert.deepEqual(
    recorded.filter((line) => /Pipeline/.test(line.hook)).map((line) => line.hook),
    ['beforePipelineRun', 'afterPipelineRun'],
  );
});

test('the coordinator killed (SIGKILL) mid-run: one worker fires onPipelineError once with CoordinatorLostError; nothing more starts', async (t) => {
  if (!(await redis(t))) return;
  const copy = basicCopy(t, '{ distributed: { coordinatorHeartbeatMs: 1500 } }');
  const { dataDir, recordFile } = freshDataDir(BASIC);
  const holdFile = join(dataDir, 'release-nodes');
  const queue = uniqueQueue('lost');
  const env = { SLUICE_TEST_RECORD: recordFile, SLUICE_TEST_HOLD_FILE: holdFile };
  const workers = await Promise.all([startWorker(copy, queue, env), startWorker(copy, queue, env)]);
  started.push(...workers);
  const cli = fileURLToPath(new URL('./cli-child.ts', import.meta.url));
  const coordinator = spawn(
    process.execPath,
    [
      '--import',
      'tsx',
      cli,
      '--project',
      copy,
      'run',
      '--runner',
      'distributed',
      '--queue',
      queue,
      '--pipeline',
      'slow',
      '--params',
      `data_dir=${dataDir}`,
      '--progress',
      'off',
    ],
    { env: { ...process.env, ...env }, stdio: ['ignore', 'ignore', 'ignore'] },
  );
  const exited = once(coordinator, 'exit');
  const lines = () => readRecord<Line>(recordFile);
  const until = async (found: () => boolean) => {
    while (!found()) await new Promise((resolve) => setTimeout(resolve, 20));
  };
  await until(() => lines().some((line) => line.plugin === 'recorder' && line.hook === 'beforeNodeRun'));
  coordinator.kill('SIGKILL');
  await exited;
  writeFileSync(holdFile, '');
  await until(() => lines().some((line) => line.hook === 'onPipelineError'));
  // Both workers stop (finishing what they hold), so everything they would report is recorded.
  for (const worker of workers) assert.equal(await worker.stop(), 0);
  const recorded = lines();
  const errors = recorded.filter((line) => line.hook === 'onPipelineError');
  assert.equal(errors.length, 1, 'exactly one worker reported the run');
  assert.equal(errors[0]!.error, 'CoordinatorLostError');
  assert.match(
    errors[0]!.message ?? '',
    /^The coordinator of run \S+ \(queue "test-lost-\d+-\d+"\) stopped answering/,
  );
  assert.ok(
    workers.some((worker) => worker.pid === errors[0]!.pid),
    'a worker reported it',
  );
  assert.ok(!recorded.some((line) => line.hook === 'afterPipelineRun'));
  const startedNodes = recorded.filter((line) => line.plugin === 'recorder' && line.hook === 'beforeNodeRun');
  assert.ok(startedNodes.length <= 2, `only the nodes already out ran (${startedNodes.length})`);
  const { Redis } = await import('ioredis');
  const client = new Redis('redis://127.0.0.1:6379');
  try {
    assert.equal(await client.llen(`sluice:q:${queue}:wait`), 0, 'no job of the run is left');
  } finally {
    client.disconnect();
  }
});

test('a coordinator reported lost while still alive (stopped past its heartbeat, then resumed) does not report the run a second time', async (t) => {
  if (!(await redis(t))) return;
  const copy = basicCopy(t, '{ distributed: { coordinatorHeartbeatMs: 1500 } }');
  const { dataDir, recordFile } = freshDataDir(BASIC);
  const holdFile = join(dataDir, 'release-nodes');
  const queue = uniqueQueue('stalled');
  const env = { SLUICE_TEST_RECORD: recordFile, SLUICE_TEST_HOLD_FILE: holdFile };
  const workers = await Promise.all([startWorker(copy, queue, env), startWorker(copy, queue, env)]);
  started.push(...workers);
  const coordinator = startCoordinator(
    copy,
    queue,
    ['--pipeline', 'slow', '--params', `data_dir=${dataDir}`],
    env,
  );
  t.after(() => {
    if (coordinator.child.exitCode === null) coordinator.child.kill('SIGKILL');
  });
  const lines = () => readRecord<Line>(recordFile);
  await until(() => lines().some((line) => line.plugin === 'recorder' && line.hook === 'beforeNodeRun'));
  // A stalled coordinator: alive, but silent past its heartbeat, until a worker reports the run.
  coordinator.child.kill('SIGSTOP');
  await until(() => lines().some((line) => line.hook === 'onPipelineError'));
  coordinator.child.kill('SIGCONT');
  writeFileSync(holdFile, '');
  assert.equal(await coordinator.exited, 1, coordinator.output());
  assert.match(
    coordinator.output(),
    /The coordinator of run \S+ \(queue "test-stalled-\d+-\d+"\) stopped answering/,
  );
  for (const worker of workers) assert.equal(await worker.stop(), 0);
  const errors = lines().filter((line) => line.hook === 'onPipelineError');
  assert.equal(errors.length, 1, 'reported once, by the worker, not again by the coordinator');
  assert.equal(errors[0]!.error, 'CoordinatorLostError');
  assert.ok(workers.some((worker) => worker.pid === errors[0]!.pid));
  assert.ok(!lines().some((line) => line.hook === 'afterPipelineRun'));
});

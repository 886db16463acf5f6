/**
 * The parallel runner on the `basic` fixture project, on workers whatever its shape says
 * (`serialBelow: 0`): worker threads run the nodes, memory datasets (`shifted`, `sum`, `squares`)
 * cross threads, relayed events reach the `process: 'main'` plugin, failures come back with their
 * message. Runs are shared between tests (workers are slow to start).
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import type { RunResult, SessionRunOptions } from '../../src/index.ts';
import { ParallelRunner, Session } from '../../src/index.ts';
import { BASIC, freshDataDir, readRecord, withEnv } from './support.ts';

/** A line of the basic fixture's recorder plugins. */
interface Line {
  plugin: 'recorder' | 'main-recorder';
  hook: string;
  subject: string | null;
  threadId: number;
  runner?: string;
  outputs?: string[];
  relayed?: boolean;
  kinds?: string[];
  error?: string;
  message?: string;
  attempts?: number;
  kind?: string;
}

interface Outcome {
  result?: RunResult;
  error?: Error;
  lines: Line[];
  dataDir: string;
  session: Session;
}

const runs = new Map<string, Promise<Outcome>>();

function outcome(
  key: string,
  options: SessionRunOptions,
  env: Record<string, string> = {},
  dataDir?: string,
): Promise<Outcome> {
  let pending = runs.get(key);
  if (pending === undefined) {
    pending = (async () => {
      const fresh = freshDataDir(BASIC);
      const dir = dataDir ?? fresh.dataDir;
      const recordFile = join(fresh.dataDir, 'record.jsonl');
      const session = await Session.create({
        projectPath: BASIC,
        runtimeParams: { data_dir: dir },
        log: () => {},
      });
      return withEnv({ SLUICE_TEST_RECORD: recordFile, ...env }, async () => {
        try {
          // serialBelow: 0: by its shape the pipeline would run serially in the main thread
          // (no history to say otherwise), and these tests are about its workers.
          const result = await session.run({ runner: new ParallelRunner({ serialBelow: 0 }), ...options });
          return { result, lines: readRecord<Line>(recordFile), dataDir: dir, session };
        } catch (error) {
          return { error: error as Error, lines: readRecord<Line>(recordFile), dataDir: dir, session };
        }
      });
    })();
    runs.set(key, pending);
  }
  return pending;
}

const fullRun = () => outcome('full', {});

/** The report the fixture's nodes compute from numbers.json (factor 2, offset 10). */
function expectedReport(): string {
  const numbers = JSON.parse(readFileSync(join(BASIC, 'data', 'numbers.json'), 'utf8')) as number[];
  const sum = numbers.map((n) => n * 2 + 10).reduce((total, n) => total + n, 0);
  return `sum=${sum} squares=${numbers.map((n) => n * n).join(',')}`;
}

test('memory datasets cross threads: the report written from them is right', async () => {
  const { result, error, dataDir } = await fullRun();
  assert.equal(error, undefined);
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

test('node and dataset hooks of the default plugin fire in worker threads; pipeline hooks in the main thread', async () => {
  const { lines } = await fullRun();
  const nodeHooks = lines.filter((line) => line.plugin === 'recorder' && /Node|Dataset/.test(line.hook));
  assert.equal(nodeHooks.filter((line) => line.hook === 'beforeNodeRun').length, 5);
  assert.ok(
    nodeHooks.every((line) => line.threadId !== 0),
    'every node hook ran in a worker',
  );
  const pipelineHooks = lines.filter((line) => /Pipeline/.test(line.hook));
  assert.deepEqual(
    pipelineHooks.map((line) => [line.hook, line.threadId]),
    [
      ['beforePipelineRun', 0],
      ['afterPipelineRun', 0],
    ],
  );
  assert.equal(pipelineHooks[0]!.runner, 'parallel');
});

test('relayed events reach the process:"main" plugin in the main thread, with RelayedData instead of data', async () => {
  const { lines } = await fullRun();
  const main = lines.filter((line) => line.plugin === 'main-recorder');
  assert.ok(main.every((line) => line.threadId === 0));
  const afterRuns: Record<string, Line> = Object.fromEntries(
    main.filter((line) => line.hook === 'afterNodeRun').map((line) => [line.subject, line]),
  );
  assert.deepEqual(Object.keys(afterRuns).sort(), ['describe', 'double', 'shift', 'square', 'total']);
  for (const line of Object.values(afterRuns))
    assert.equal(line.relayed, true, `${line.subject} outputs are relayed`);
  // The placeholders describe the values: arrays, a number, a string.
  assert.deepEqual(afterRuns.double!.kinds, ['array']);
  assert.deepEqual(afterRuns.total!.kinds, ['number']);
  assert.deepEqual(afterRuns.describe!.kinds, ['string']);
  const saved = main.filter((line) => line.hook === 'afterDatasetSaved');
  assert.deepEqual(saved.map((line) => line.subject).sort(), [
    'doubled',
    'report',
    'shifted',
    'squares',
    'sum',
  ]);
  assert.ok(saved.every((line) => line.relayed === true));
});

test('each relayed node event arrives after the worker fired it, and before the node counts as done', async () => {
  const { lines } = await fullRun();
  for (const nodeName of ['double', 'shift', 'total', 'square', 'describe']) {
    const workerBefore = lines.findIndex(
      (line) => line.plugin === 'recorder' && line.hook === 'beforeNodeRun' && line.subject === nodeName,
    );
    const mainBefore = lines.findIndex(
      (line) => line.plugin === 'main-recorder' && line.hook === 'beforeNodeRun' && line.subject === nodeName,
    );
    const mainAfter = lines.findIndex(
      (line) => line.plugin === 'main-recorder' && line.hook === 'afterNodeRun' && line.subject === nodeName,
    );
    assert.ok(workerBefore >= 0 && workerBefore < mainBefore && mainBefore < mainAfter, nodeName);
  }
  // describe reads sum and squares, so its relayed beforeNodeRun follows theirs being saved.
  const describeStart = lines.findIndex(
    (line) => line.plugin === 'main-recorder' && line.hook === 'beforeNodeRun' && line.subject === 'describe',
  );
  for (const dataset of ['sum', 'squares']) {
    const savedAt = lines.findIndex(
      (line) =>
        line.plugin === 'main-recorder' && line.hook === 'afterDatasetSaved' && line.subject === dataset,
    );
    assert.ok(savedAt < describeStart, `${dataset} saved before describe started`);
  }
});

test('the run’s free memory outputs come back from the workers', async () => {
  const { result, lines, error } = await outcome('to-nodes', { toNodes: ['total', 'square'] });
  assert.equal(error, undefined);
  assert.deepEqual(result?.outputs, { squares: [1, 4, 9, 16], sum: 60 });
  assert.deepEqual(lines.find((line) => line.hook === 'afterPipelineRun')?.outputs, ['squares', 'sum']);
});

test('a node failure in a worker propagates with the original message and reaches onNodeError in the worker and the main plugin', async () => {
  const { error, lines, session } = await outcome('fail-shift', {}, { SLUICE_TEST_FAIL: 'shift' });
  assert.equal(error?.message, 'shift failed on purpose');
  const nodeErrors = lines.filter((line) => line.hook === 'onNodeError');
  assert.deepEqual(
    nodeErrors
      .map((line) => [line.plugin, line.subject, line.threadId === 0 ? 'main' : 'worker', line.error])
      .sort(),
    [
      ['main-recorder', 'shift', 'main', 'shift failed on purpose'],
      ['recorder', 'shift', 'worker', 'shift failed on purpose'],
    ],
  );
  const pipelineErrors = lines.filter((line) => line.hook === 'onPipelineError');
  assert.deepEqual(
    pipelineErrors.map((line) => [line.threadId, line.message]),
    [[0, 'shift failed on purpose']],
  );
  assert.equal(
    lines.some((line) => line.hook === 'beforeNodeRun' && line.subject === 'total'),
    false,
    'nothing behind the failure started',
  );
  assert.equal(lines.at(-1)?.hook, 'onPipelineError');
  assert.ok(session.report?.state.completed.includes('double'));
  assert.ok(session.report!.resumeFromNodes.includes('shift'));
});

test('onlyMissingOutputs on the parallel runner: with report.txt gone, what produces it reruns; double (its file exists) does not', async () => {
  const { dataDir } = await fullRun();
  rmSync(join(dataDir, 'out', 'report.txt'));
  const { result, lines, error } = await outcome('missing', { onlyMissingOutputs: true }, {}, dataDir);
  assert.equal(error, undefined);
  assert.deepEqual(result?.skippedNodes, ['double']);
  assert.deepEqual([...(result?.completedNodes ?? [])].sort(), ['describe', 'shift', 'square', 'total']);
  assert.equal(
    lines.some((line) => line.hook === 'beforeNodeRun' && line.subject === 'double'),
    false,
  );
  assert.equal(readFileSync(join(dataDir, 'out', 'report.txt'), 'utf8'), expectedReport());
});

test('onNodeStart and onNodeEnd fire once per node in the worker, and reach the main plugin relayed, in order', async () => {
  const { lines } = await fullRun();
  for (const plugin of ['recorder', 'main-recorder'] as const) {
    for (const nodeName of ['double', 'shift', 'total', 'square', 'describe']) {
      const own = lines.filter((line) => line.plugin === plugin && line.subject === nodeName);
      const hooks = own.map((line) => line.hook);
      assert.equal(hooks.filter((hook) => hook === 'onNodeStart').length, 1, `${plugin} ${nodeName}`);
      assert.equal(hooks.filter((hook) => hook === 'onNodeEnd').length, 1, `${plugin} ${nodeName}`);
      assert.equal(hooks[0], 'onNodeStart', `${plugin} ${nodeName} starts first`);
      assert.equal(hooks.at(-1), 'onNodeEnd', `${plugin} ${nodeName} ends last`);
      const end = own.at(-1)!;
      assert.equal(end.error, undefined);
      assert.equal(end.attempts, 1);
      assert.equal(end.threadId === 0, plugin === 'main-recorder');
    }
  }
});

test("a plugin failing in a worker stops the run as the plugin's failure: PluginHookError naming it, no onNodeError", async () => {
  const { error, lines } = await outcome(
    'plugin-breaks',
    { continueOnFailure: true },
    { SLUICE_TEST_BREAK_HOOK: 'afterNodeRun:double' },
  );
  assert.equal(error?.name, 'PluginHookError');
  assert.equal(
    error?.message,
    'Plugin "recorder" failed in afterNodeRun of node "double": recorder broke in afterNodeRun on purpose',
  );
  assert.deepEqual(
    lines.filter((line) => line.hook === 'onNodeError'),
    [],
    "a plugin's failure is not reported as the node's",
  );
  assert.equal(lines.filter((line) => line.hook === 'onPipelineError').length, 1);
  assert.equal(
    lines.some((line) => line.hook === 'beforeNodeRun' && line.subject === 'shift'),
    false,
    'continueOnFailure does not go on past a plugin failure',
  );
  const ended = lines.find(
    (line) => line.plugin === 'main-recorder' && line.hook === 'onNodeEnd' && line.subject === 'double',
  );
  assert.equal(ended?.kind, 'PluginHookError', 'the main plugin learns the node ended on a plugin failure');
});

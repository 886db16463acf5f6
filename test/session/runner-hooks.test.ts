/**
 * The hook lifecycle through a Session on every runner, with the `traced` fixture project (its
 * plugins record every hook, with the thread it ran in). Each run is made once and shared by the
 * tests that look at it, so the parallel runner starts its workers only a few times.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { RunResult } from '../../src/index.ts';
import { NodeFailuresError, ParallelRunnerError, Session } from '../../src/index.ts';
import { expectedBlock } from '../runner/helpers.ts';
import type { TraceLine } from './support.ts';
import { eventOf, freshDataDir, readRecord, TRACED, withEnv } from './support.ts';

type RunnerName = 'sequential' | 'async' | 'parallel';

interface Outcome {
  result?: RunResult;
  error?: Error;
  lines: TraceLine[];
  session: Session;
  dataDir: string;
  logged: string[];
}

const runs = new Map<string, Promise<Outcome>>();

/** One Session run of the traced project, made once per distinct set of options. */
function outcome(
  runner: RunnerName,
  options: { isAsync?: boolean; pipelineName?: string; fail?: string; continueOnFailure?: boolean } = {},
): Promise<Outcome> {
  const key = JSON.stringify([runner, options]);
  let pending = runs.get(key);
  if (pending === undefined) {
    pending = (async () => {
      const { dataDir, recordFile } = freshDataDir(TRACED);
      const logged: string[] = [];
      const session = await Session.create({
        projectPath: TRACED,
        runtimeParams: { data_dir: dataDir },
        log: (line) => logged.push(line),
      });
      return withEnv({ SLUICE_TRACE_RECORD: recordFile, SLUICE_TRACE_FAIL: options.fail }, async () => {
        try {
          const result = await session.run({
            runner,
            isAsync: options.isAsync ?? false,
            continueOnFailure: options.continueOnFailure ?? false,
            ...(options.pipelineName === undefined ? {} : { pipelineName: options.pipelineName }),
          });
          return { result, lines: readRecord(recordFile), session, dataDir, logged };
        } catch (error) {
          return { error: error as Error, lines: readRecord(recordFile), session, dataDir, logged };
        }
      });
    })();
    runs.set(key, pending);
  }
  return pending;
}

const NODES: [string, string[], string[]][] = [
  ['split', ['numbers', 'params:threshold'], ['small', 'large']],
  ['sum_small', ['small'], ['small_sum']],
  ['sum_large', ['large'], ['large_sum']],
  ['combine', ['small_sum', 'large_sum'], ['report', 'total']],
];

const PIPELINE_HOOKS = new Set([
  'afterContextCreated',
  'afterCatalogCreated',
  'beforePipelineRun',
  'afterPipelineRun',
  'onPipelineError',
]);

/** The tracer's events of one node, in the order they were recorded. */
function block(lines: TraceLine[], plugin: string, nodeName: string): string[] {
  return lines.filter((line) => line.plugin === plugin && line.node === nodeName).map(eventOf);
}

/** The pipeline-level hooks recorded in the main thread, in order. */
function mainRunHooks(lines: TraceLine[]): string[] {
  return lines
    .filter((line) => line.threadId === 0 && PIPELINE_HOOKS.has(line.hook))
    .map((line) => line.hook);
}

/**
 * The bracket every node block keeps, even when loads and saves overlap (isAsync): loads start in
 * declared order and each finishes before beforeNodeRun; saves come after afterNodeRun.
 */
function assertBracketed(events: string[], nodeName: string, inputs: string[], outputs: string[]): void {
  const at = (event: string) => {
    const index = events.indexOf(event);
    assert.ok(index >= 0, `${event} is missing from ${events.join(' | ')}`);
    return index;
  };
  assert.deepEqual(
    events.filter((event) => event.startsWith('beforeDatasetLoaded')),
    inputs.map((input) => `beforeDatasetLoaded ${nodeName}:${input}`),
  );
  const beforeRun = at(`beforeNodeRun ${nodeName}`);
  const afterRun = at(`afterNodeRun ${nodeName}`);
  assert.ok(beforeRun < afterRun);
  for (const input of inputs) {
    assert.ok(at(`beforeDatasetLoaded ${nodeName}:${input}`) < at(`afterDatasetLoaded ${nodeName}:${input}`));
    assert.ok(at(`afterDatasetLoaded ${nodeName}:${input}`) < beforeRun);
  }
  for (const output of outputs) {
    assert.ok(afterRun < at(`beforeDatasetSaved ${nodeName}:${output}`));
    assert.ok(at(`beforeDatasetSaved ${nodeName}:${output}`) < at(`afterDatasetSaved ${nodeName}:${output}`));
  }
  assert.equal(events.length, 2 + 2 * inputs.length + 2 * outputs.length);
}

const RUNNERS: RunnerName[] = ['sequential', 'async', 'parallel'];

for (const runner of RUNNERS) {
  test(`${runner}: afterContextCreated, afterCatalogCreated, beforePipelineRun, afterPipelineRun once each in the main thread`, async () => {
    const { lines, result, error } = await outcome(runner);
    assert.equal(error, undefined);
    assert.ok(result);
    assert.deepEqual(mainRunHooks(lines), [
      'afterContextCreated',
      'afterCatalogCreated',
      'beforePipelineRun',
      'afterPipelineRun',
    ]);
    const before = lines.findIndex((line) => line.hook === 'beforePipelineRun');
    const after = lines.findIndex((line) => line.hook === 'afterPipelineRun');
    const nodeLines = lines
      .map((line, index) => [line, index] as const)
      .filter(([line]) => line.node !== null);
    assert.equal(nodeLines.length > 0, true);
    for (const [line, index] of nodeLines)
      assert.ok(before < index && index < after, `${eventOf(line)} is inside the bracket`);
    assert.equal(lines.find((line) => line.hook === 'beforePipelineRun')?.runner, runner);
  });

  test(`${runner}: each node's block is loads (declared order), beforeNodeRun, afterNodeRun, saves (declared order)`, async () => {
    const { lines } = await outcome(runner);
    for (const [nodeName, inputs, outputs] of NODES) {
      assert.deepEqual(
        block(lines, 'tracer', nodeName),
        expectedBlock(nodeName, inputs, outputs),
        `tracer, ${nodeName}`,
      );
      assert.deepEqual(
        block(lines, 'main-tracer', nodeName),
        expectedBlock(nodeName, inputs, outputs),
        `main-tracer, ${nodeName}`,
      );
    }
  });

  test(`${runner}: the run's result and files are right`, async () => {
    const { result, dataDir, lines } = await outcome(runner);
    assert.deepEqual(result?.outputs, { total: 21 });
    assert.deepEqual([...(result?.completedNodes ?? [])].sort(), [
      'combine',
      'split',
      'sum_large',
      'sum_small',
    ]);
    assert.equal(readFileSync(join(dataDir, 'report.txt'), 'utf8'), 'small=6 large=15');
    assert.deepEqual(lines.find((line) => line.hook === 'afterPipelineRun')?.outputs, ['total']);
  });

  test(`${runner}: node hooks get the session's run id`, async () => {
    const { lines, session } = await outcome(runner);
    const runIds = new Set(
      lines
        .filter((line) => line.hook === 'beforeNodeRun' || line.hook === 'beforePipelineRun')
        .map((line) => line.runId),
    );
    assert.deepEqual([...runIds], [session.runId]);
  });

  test(`${runner} with isAsync: every node block still brackets its loads and saves`, async () => {
    const { lines, result } = await outcome(runner, { isAsync: true });
    assert.deepEqual(result?.outputs, { total: 21 });
    assert.deepEqual(mainRunHooks(lines), [
      'afterContextCreated',
      'afterCatalogCreated',
      'beforePipelineRun',
      'afterPipelineRun',
    ]);
    for (const [nodeName, inputs, outputs] of NODES) {
      assertBracketed(block(lines, 'tracer', nodeName), nodeName, inputs, outputs);
      assertBracketed(block(lines, 'main-tracer', nodeName), nodeName, inputs, outputs);
    }
    assert.ok(lines.filter((line) => line.hook === 'beforeNodeRun').every((line) => line.isAsync === true));
  });

  test(`${runner}: a node error reaches onNodeError (both plugins) and onPipelineError once, then propagates`, async () => {
    const { error, lines } = await outcome(runner, { fail: 'sum_large' });
    assert.equal(error?.message, 'sum_large failed on purpose');
    assert.deepEqual(mainRunHooks(lines), [
      'afterContextCreated',
      'afterCatalogCreated',
      'beforePipelineRun',
      'onPipelineError',
    ]);
    const pipelineError = lines.find((line) => line.hook === 'onPipelineError');
    assert.equal(pipelineError?.error, 'sum_large failed on purpose');
    for (const plugin of ['tracer', 'main-tracer']) {
      const nodeErrors = lines.filter((line) => line.plugin === plugin && line.hook === 'onNodeError');
      assert.deepEqual(
        nodeErrors.map((line) => [line.node, line.error]),
        [['sum_large', 'sum_large failed on purpose']],
        plugin,
      );
      assert.deepEqual(block(lines, plugin, 'combine'), [], `${plugin}: combine never started`);
    }
    assert.equal(lines.at(-1)?.hook, 'onPipelineError', 'nothing is recorded after onPipelineError');
  });

  test(`${runner}: after a node error the session reports where to resume and logs the command`, async () => {
    const { session, logged, dataDir } = await outcome(runner, { fail: 'sum_large' });
    assert.deepEqual(session.report?.resumeFromNodes, ['split']);
    assert.ok(session.report?.state.completed.includes('split'));
    assert.equal(logged.length, 1);
    assert.match(logged[0]!, /nodes that have not run/);
    const runnerFlag = runner === 'sequential' ? '' : ` --runner ${runner}`;
    assert.ok(
      logged[0]!.endsWith(`sluice run${runnerFlag} --params data_dir=${dataDir} --from-nodes split`),
      logged[0],
    );
  });

  test(`${runner}: a save failure reaches onNodeError (both plugins) and onPipelineError once`, async () => {
    const { error, lines } = await outcome(runner, { pipelineName: 'save-fails' });
    assert.equal(error?.message, 'unsaveable cannot be saved (on purpose)');
    assert.equal(error?.name, 'DatasetError');
    assert.deepEqual(block(lines, 'tracer', 'keep'), [
      'beforeDatasetLoaded keep:numbers',
      'afterDatasetLoaded keep:numbers',
      'beforeNodeRun keep',
      'afterNodeRun keep',
      'beforeDatasetSaved keep:unsaveable',
      'onNodeError keep',
    ]);
    assert.equal(
      lines.filter(
        (line) => line.plugin === 'main-tracer' && line.hook === 'onNodeError' && line.node === 'keep',
      ).length,
      1,
    );
    const errors = lines.filter((line) => line.hook === 'onPipelineError');
    assert.deepEqual(
      errors.map((line) => [line.threadId, line.errorName, line.error]),
      [[0, 'DatasetError', 'unsaveable cannot be saved (on purpose)']],
    );
  });

  test(`${runner}: a load failure reaches onNodeError (both plugins) and onPipelineError once`, async () => {
    const { error, lines } = await outcome(runner, { pipelineName: 'load-fails' });
    assert.equal(error?.message, 'unloadable cannot be loaded (on purpose)');
    assert.deepEqual(block(lines, 'tracer', 'read'), [
      'beforeDatasetLoaded read:unloadable',
      'onNodeError read',
    ]);
    assert.deepEqual(block(lines, 'main-tracer', 'read'), [
      'beforeDatasetLoaded read:unloadable',
      'onNodeError read',
    ]);
    assert.equal(lines.filter((line) => line.hook === 'onPipelineError').length, 1);
    assert.equal(lines.at(-1)?.hook, 'onPipelineError');
  });
}

// ----- what only the parallel runner does -----

test('parallel: node and dataset hooks fire in worker threads, pipeline hooks in the main thread', async () => {
  const { lines } = await outcome('parallel');
  const tracerNodeLines = lines.filter((line) => line.plugin === 'tracer' && line.node !== null);
  assert.ok(tracerNodeLines.length > 0);
  assert.ok(
    tracerNodeLines.every((line) => line.threadId !== 0),
    'every node/dataset hook of the default plugin ran in a worker',
  );
  for (const hook of ['beforePipelineRun', 'afterPipelineRun']) {
    assert.deepEqual(
      lines.filter((line) => line.hook === hook).map((line) => line.threadId),
      [0],
      hook,
    );
  }
});

test('parallel: each node’s hooks all fire in one thread (before/after state can be shared)', async () => {
  const { lines } = await outcome('parallel');
  for (const [nodeName] of NODES) {
    const threads = new Set(
      lines.filter((line) => line.plugin === 'tracer' && line.node === nodeName).map((line) => line.threadId),
    );
    assert.equal(threads.size, 1, `${nodeName} ran its hooks in threads ${[...threads].join(', ')}`);
  }
});

test('parallel: workers rebuild the catalog (context and catalog hooks fire once per worker), the main thread once', async () => {
  const { lines } = await outcome('parallel');
  const workers = new Set(lines.filter((line) => line.threadId !== 0).map((line) => line.threadId));
  assert.ok(workers.size >= 1);
  for (const hook of ['afterContextCreated', 'afterCatalogCreated']) {
    const threads = lines.filter((line) => line.hook === hook).map((line) => line.threadId);
    assert.equal(threads.filter((thread) => thread === 0).length, 1, `${hook} once in the main thread`);
    assert.deepEqual(
      new Set(threads.filter((thread) => thread !== 0)),
      workers,
      `${hook} once in each worker`,
    );
    assert.equal(threads.length, workers.size + 1);
  }
});

test('parallel: the process:"main" plugin stays in the main thread and gets relayed placeholders instead of data', async () => {
  const { lines } = await outcome('parallel');
  const mainLines = lines.filter((line) => line.plugin === 'main-tracer');
  assert.ok(mainLines.length > 0);
  assert.ok(
    mainLines.every((line) => line.threadId === 0),
    'never loaded in a worker',
  );
  for (const line of mainLines) {
    if (line.hook === 'beforeDatasetLoaded') continue;
    assert.equal(line.relayed, true, `${eventOf(line)} got RelayedData`);
  }
  // The default plugin, in the worker, sees real data.
  assert.ok(
    lines
      .filter((line) => line.plugin === 'tracer' && line.relayed !== undefined)
      .every((line) => line.relayed === false),
  );
});

test('parallel: RelayedData describes each value (dataset, type, kind, size) without carrying it', async () => {
  const { lines } = await outcome('parallel');
  const summary = (hook: string, nodeName: string, dataset: string) =>
    lines.find(
      (line) =>
        line.plugin === 'main-tracer' &&
        line.hook === hook &&
        line.node === nodeName &&
        line.dataset === dataset,
    )?.summary;
  assert.deepEqual(summary('afterDatasetLoaded', 'split', 'numbers'), {
    datasetName: 'numbers',
    type: 'json',
    kind: 'array',
    size: 6,
  });
  assert.deepEqual(summary('afterDatasetSaved', 'split', 'small'), {
    datasetName: 'small',
    type: 'memory',
    kind: 'array',
    size: 3,
  });
  // (no size for a number; JSON drops the undefined)
  assert.deepEqual(summary('afterDatasetSaved', 'sum_large', 'large_sum'), {
    datasetName: 'large_sum',
    type: 'memory',
    kind: 'number',
  });
  assert.deepEqual(summary('afterDatasetSaved', 'combine', 'report'), {
    datasetName: 'report',
    type: 'text',
    kind: 'string',
    size: 16,
  });
});

test('sequential: a process:"main" plugin gets the real data when nothing crosses threads', async () => {
  const { lines } = await outcome('sequential');
  const mainLines = lines.filter((line) => line.plugin === 'main-tracer' && line.relayed !== undefined);
  assert.ok(mainLines.length > 0);
  assert.ok(mainLines.every((line) => line.relayed === false && line.threadId === 0));
});

test('parallel: a worker failure reaches onNodeError in the worker and, relayed, in the main plugin', async () => {
  const { lines } = await outcome('parallel', { fail: 'sum_large' });
  const inWorker = lines.filter((line) => line.plugin === 'tracer' && line.hook === 'onNodeError');
  const inMain = lines.filter((line) => line.plugin === 'main-tracer' && line.hook === 'onNodeError');
  assert.equal(inWorker.length, 1);
  assert.notEqual(inWorker[0]!.threadId, 0);
  assert.equal(inMain.length, 1);
  assert.equal(inMain[0]!.threadId, 0);
  assert.equal(inMain[0]!.error, 'sum_large failed on purpose');
  const pipelineErrors = lines.filter((line) => line.hook === 'onPipelineError');
  assert.deepEqual(
    pipelineErrors.map((line) => [line.threadId, line.error]),
    [[0, 'sum_large failed on purpose']],
  );
});

test('parallel: a save failure in a worker keeps its error name and message across the thread boundary', async () => {
  const { error, lines } = await outcome('parallel', { pipelineName: 'save-fails' });
  assert.equal(error?.name, 'DatasetError');
  assert.equal(error?.message, 'unsaveable cannot be saved (on purpose)');
  const mainError = lines.find((line) => line.plugin === 'main-tracer' && line.hook === 'onNodeError');
  assert.equal(mainError?.errorName, 'DatasetError');
  assert.equal(mainError?.threadId, 0);
});

test('parallel with continueOnFailure: the other branch finishes in its worker, combine is skipped, onPipelineError once', async () => {
  const { error, lines, session } = await outcome('parallel', { fail: 'sum_large', continueOnFailure: true });
  assert.ok(error instanceof NodeFailuresError, `got ${String(error)}`);
  assert.deepEqual(
    error.failures.map((failure) => [failure.nodeName, failure.error.message]),
    [['sum_large', 'sum_large failed on purpose']],
  );
  assert.deepEqual(error.skippedNodes, ['combine']);
  assert.deepEqual(block(lines, 'tracer', 'sum_small'), expectedBlock('sum_small', ['small'], ['small_sum']));
  assert.deepEqual(block(lines, 'tracer', 'combine'), []);
  assert.deepEqual([...(session.report?.state.completed ?? [])].sort(), ['split', 'sum_small']);
  assert.deepEqual(
    lines.filter((line) => line.hook === 'onPipelineError').map((line) => [line.threadId, line.errorName]),
    [[0, 'NodeFailuresError']],
  );
});

test('parallel: a worker thread that dies mid-node fails the run with ParallelRunnerError, onPipelineError once', async () => {
  const { error, lines } = await outcome('parallel', { pipelineName: 'crash' });
  assert.ok(error instanceof ParallelRunnerError, `got ${String(error)}`);
  assert.equal(error.message, 'A worker thread exited (code 3) while running node "crash".');
  assert.deepEqual(
    lines.filter((line) => line.hook === 'onPipelineError').map((line) => [line.threadId, line.errorName]),
    [[0, 'ParallelRunnerError']],
  );
  assert.equal(lines.at(-1)?.hook, 'onPipelineError');
});

test('parallel: when a worker dies mid-node, the process:"main" plugin still gets onNodeError for that node', async () => {
  const { lines } = await outcome('parallel', { pipelineName: 'crash' });
  assert.deepEqual(block(lines, 'main-tracer', 'crash').slice(-2), [
    'beforeNodeRun crash',
    'onNodeError crash',
  ]);
});

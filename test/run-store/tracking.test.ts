/**
 * The tracking plugin records whole runs, on every runner: every table of the run store filled
 * (runs, node runs, dataset events with rows/columns/bytes, params, metrics, artifacts, plugins'
 * records), a failing run's error once and no secret anywhere in the database file, metric
 * history across runs, skipped nodes.
 */
import assert from 'node:assert/strict';
import { appendFileSync, existsSync, readFileSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { join } from 'node:path';
import type BetterSqlite3 from 'better-sqlite3';
import { describe, test } from 'node:test';
import {
  DataCatalog,
  ParallelRunner,
  Pipeline,
  RunCancelledError,
  Session,
  createHookManager,
  defaultRunParams,
  node,
  trackingPlugin,
} from '../../src/index.ts';
import type { ParallelRunnerOptions, ParallelTraceEvent } from '../../src/index.ts';
import type { RunDetail } from '../../src/plugin-api/index.ts';
import { openRunStore } from '../../src/plugin-api/index.ts';
import { SECRETS, TOKEN, TOKEN_ENV, placesOf, secretsInStore, writeTrackedProject } from './support.ts';

process.env[TOKEN_ENV] = TOKEN;
const require = createRequire(import.meta.url);
const Database = require('better-sqlite3') as typeof BetterSqlite3;

async function run(
  project: string,
  options: Parameters<Session['run']>[0] = {},
): Promise<{ runId: string; error: Error | undefined }> {
  const session = await Session.create({ projectPath: project, log: () => {} });
  let error: Error | undefined;
  try {
    await session.run(options);
  } catch (thrown) {
    error = thrown as Error;
  }
  return { runId: session.runId, error };
}

function detail(project: string, runId: string): RunDetail {
  const store = openRunStore(project);
  try {
    return store.getRun(runId);
  } finally {
    store.close();
  }
}

/** What every runner must record for the training pipeline. */
function assertTrainingRecorded(run: RunDetail, runner: string): void {
  assert.equal(run.status, 'success');
  assert.equal(run.runner, runner);
  assert.equal(run.pipeline, '__default__');
  assert.equal(run.env, 'local');
  assert.ok(run.endedAt !== undefined && run.durationMs !== undefined && run.durationMs >= 0);
  assert.deepEqual(run.nodes.map((node) => [node.name, node.status, node.attempts]).sort(), [
    ['evaluate', 'success', 1],
    ['prepare', 'success', 1],
    ['train', 'success', 1],
  ]);
  const prepare = run.nodes.find((node) => node.name === 'prepare')!;
  assert.deepEqual(prepare.params, { 'params:model.alpha': 0.5 });
  assert.deepEqual(prepare.inputs, ['companies']);
  assert.deepEqual(prepare.outputs, ['features']);
  assert.deepEqual(run.params, {
    'params:model.alpha': 0.5,
    'params:model': { alpha: 0.5, label: 'linear' },
  });

  const event = (dataset: string, operation: 'load' | 'save', node: string) =>
    run.datasets.find((e) => e.dataset === dataset && e.operation === operation && e.node === node);
  // The same rows, columns and schema whichever process loaded and saved (relayed from a worker).
  const companies = event('companies', 'load', 'prepare');
  assert.equal(companies?.rows, 3);
  assert.equal(companies?.columns, 3);
  assert.deepEqual(
    companies?.schema?.map((column) => column.name),
    ['id', 'rating', 'size'],
  );
  const features = event('features', 'save', 'prepare');
  assert.equal(features?.rows, 3);
  assert.deepEqual(features?.schema, [
    { name: 'id', type: 'number' },
    { name: 'x', type: 'number' },
    { name: 'y', type: 'number' },
  ]);
  assert.equal(event('features', 'load', 'train')?.columns, 3);
  const model = event('model', 'save', 'train');
  assert.equal(model?.version, run.id, 'a versioned save is recorded with its version (the run id)');
  assert.ok((model?.bytes ?? 0) > 0, 'the file save reports its bytes');

  assert.deepEqual(Object.keys(run.metrics).sort(), ['mae', 'r2']);
  assert.equal(run.nodes.find((node) => node.name === 'evaluate')!.metrics.r2, run.metrics.r2);
  const artifacts = run.artifacts.map((artifact) => [artifact.dataset, artifact.type, artifact.version]);
  assert.deepEqual(artifacts.sort(), [
    ['metrics', 'metrics', run.id],
    ['model', 'json', run.id],
  ]);
  for (const artifact of run.artifacts) assert.ok(existsSync(artifact.path!), `${artifact.path} exists`);

  assert.deepEqual(
    run.records
      .filter((record) => record.kind === 'check')
      .map((record) => [record.plugin, record.kind, record.node, record.value])
      .sort(),
    [
      ['checker', 'check', 'evaluate', { count: 1 }],
      ['checker', 'check', 'prepare', { count: 1 }],
      ['checker', 'check', 'train', { count: 1 }],
    ],
  );
  assertWorkersRecorded(run);
}

/**
 * In-process nodes name `main`; nodes on a parallel worker thread name that thread's id, the one
 * the node itself saw.
 */
function assertWorkersRecorded(run: RunDetail): void {
  const places = placesOf(run);
  assert.equal(places.size, run.nodes.length, 'every node said where it ran');
  for (const entry of run.nodes) {
    const { threadId, pid } = places.get(entry.name)!;
    assert.equal(pid, process.pid, 'in-process and parallel nodes run in this process');
    const expected = threadId === 0 ? 'main' : `thread ${threadId}`;
    assert.equal(entry.worker, expected, `${entry.name} ran in thread ${threadId}`);
  }
}

describe('every runner records the whole run', () => {
  for (const runner of ['sequential', 'async', 'parallel'] as const) {
    test(runner, async () => {
      const project = writeTrackedProject();
      const { runId, error } = await run(project, { runner });
      assert.equal(error, undefined);
      const recorded = detail(project, runId);
      assertTrainingRecorded(recorded, runner);
      if (runner !== 'parallel')
        assert.deepEqual(new Set(recorded.nodes.map((entry) => entry.worker)), new Set(['main']));
    });
  }
});

test('a parallel run with 2 workers names the worker threads its nodes ran on', async () => {
  const project = writeTrackedProject();
  const { runId, error } = await run(project, {
    // The training pipeline is a chain: without serialBelow: 0 it would run in the main thread.
    runner: new ParallelRunner({ maxWorkers: 2, startInMainThread: false, serialBelow: 0 }),
  });
  assert.equal(error, undefined);
  const recorded = detail(project, runId);
  assertTrainingRecorded(recorded, 'parallel');
  const threads = new Set([...placesOf(recorded).values()].map((place) => place.threadId));
  assert.ok(!threads.has(0), 'small inputs: every node ran on a worker thread, none in the main one');
  assert.ok(threads.size >= 1 && threads.size <= 2, `at most the pool's 2 threads: ${[...threads]}`);
  assert.deepEqual(
    new Set(recorded.nodes.map((entry) => entry.worker)),
    new Set([...threads].map((id) => `thread ${id}`)),
  );
});

/** A run's dataset events with what differs between two runs of the same data left out. */
function datasetRows(recorded: RunDetail): unknown[] {
  return recorded.datasets
    .map((event) => ({
      node: event.node,
      dataset: event.dataset,
      operation: event.operation,
      version: event.version === recorded.id ? '<this run>' : event.version,
      rows: event.rows,
      columns: event.columns,
      bytes: event.bytes,
      schema: event.schema,
    }))
    .sort((a, b) =>
      `${a.node} ${a.dataset} ${a.operation}`.localeCompare(`${b.node} ${b.dataset} ${b.operation}`),
    );
}

test('a parallel run records the same dataset stats as a sequential one', async () => {
  const project = writeTrackedProject();
  const sequential = await run(project, { runner: 'sequential' });
  const parallel = await run(project, {
    runner: new ParallelRunner({ maxWorkers: 2, startInMainThread: false }),
  });
  assert.equal(sequential.error ?? parallel.error, undefined);
  const expected = datasetRows(detail(project, sequential.runId));
  // Loads and saves of every node, with columns and a schema where the data is a table.
  assert.equal(expected.length, 7);
  assert.ok(expected.some((row) => (row as { schema?: unknown }).schema !== undefined));
  assert.deepEqual(datasetRows(detail(project, parallel.runId)), expected);
});

test('a table-like object of its own class gets the same rows, columns and schema on every runner', async () => {
  // Any object with a numeric numRows is a table to the tracking plugin (not only Arrow's Table):
  // the parallel worker reads its columns and schema, and the main process must keep them.
  const project = writeTrackedProject();
  appendFileSync(
    join(project, 'src', 'pipelines.ts'),
    `
class Grid {
  readonly numRows = 2;
  readonly numCols = 2;
  readonly schema = { fields: [{ name: 'city', type: 'Utf8' }, { name: 'people', type: 'Int32' }] };
}
export const grids = new Pipeline([node(() => new Grid(), [], 'grid', { name: 'make_grid' })]);
`,
  );
  const config = join(project, 'sluice.config.ts');
  writeFileSync(
    config,
    readFileSync(config, 'utf8').replace(
      '  pipelines: {\n',
      "  pipelines: {\n    grids: () => import('./src/pipelines.ts').then((m) => m.grids),\n",
    ),
  );
  const sequential = await run(project, { runner: 'sequential', pipelineName: 'grids' });
  const parallel = await run(project, {
    runner: new ParallelRunner({ maxWorkers: 2, startInMainThread: false }),
    pipelineName: 'grids',
  });
  assert.equal(sequential.error ?? parallel.error, undefined);
  const expected = datasetRows(detail(project, sequential.runId));
  assert.deepEqual(expected, [
    {
      node: 'make_grid',
      dataset: 'grid',
      operation: 'save',
      version: undefined,
      rows: 2,
      columns: 2,
      bytes: undefined,
      schema: [
        { name: 'city', type: 'Utf8' },
        { name: 'people', type: 'Int32' },
      ],
    },
  ]);
  assert.deepEqual(datasetRows(detail(project, parallel.runId)), expected);
});

test('a failing run records its error once, and no secret reaches the database', async () => {
  const project = writeTrackedProject();
  const { runId, error } = await run(project, { pipelineName: 'failing' });
  assert.ok(error !== undefined, 'the run fails');
  const failed = detail(project, runId);
  assert.equal(failed.status, 'failed');
  assert.match(failed.error ?? '', /upload/);
  const upload = failed.nodes.find((node) => node.name === 'upload')!;
  assert.equal(upload.status, 'failed');
  assert.match(upload.error ?? '', /refused: token \*\*\*, password \*\*\*/);
  for (const secret of SECRETS) assert.ok(!JSON.stringify(failed).includes(secret));
  assert.deepEqual(secretsInStore(project), []);
});

test('a metric logged in several runs forms a history, newest last', async () => {
  const project = writeTrackedProject();
  const first = await run(project);
  const second = await run(project, { runner: 'async' });
  const store = openRunStore(project);
  try {
    const history = store.metricHistory('r2');
    assert.deepEqual(
      history.map((point) => point.runId),
      [first.runId, second.runId],
    );
    assert.deepEqual(
      store.listRuns().map((run) => run.id),
      [second.runId, first.runId],
      'newest first',
    );
    assert.equal(store.listRuns()[0]!.metrics.mae, store.getRun(second.runId).metrics.mae);
  } finally {
    store.close();
  }
});

test('nodes the runner did not run are recorded as skipped', async () => {
  const project = writeTrackedProject();
  await run(project);
  // model and metrics exist now; features is a memory dataset, so prepare must run again.
  const { runId } = await run(project, { onlyMissingOutputs: true });
  const skipped = detail(project, runId).nodes.filter((node) => node.status === 'skipped');
  assert.ok(skipped.length > 0, 'some node was skipped');
  for (const node of skipped) assert.equal(node.attempts, 0);
});

test('SLUICE_TRACKING=off records nothing', async () => {
  const project = writeTrackedProject();
  process.env.SLUICE_TRACKING = 'off';
  try {
    await run(project);
  } finally {
    delete process.env.SLUICE_TRACKING;
  }
  assert.equal(existsSync(`${project}/.sluice/runs.db`), false);
});

test('onNodeSkipped records the node as skipped, with the reason, no attempt and its worker', async () => {
  const project = writeTrackedProject();
  const hooks = createHookManager();
  hooks.register(trackingPlugin());
  const fresh = node((value: number) => value, 'a', 'b', { name: 'fresh' });
  const stale = node((value: number) => value + 1, 'b', 'c', { name: 'stale' });
  const pipeline = new Pipeline([fresh, stale]);
  const catalog = new DataCatalog();
  const runParams = defaultRunParams({ runId: 'skip-run-0001', projectPath: project });
  hooks.hook.beforePipelineRun.call({ runParams, pipeline, catalog });
  const { runId } = runParams;
  hooks.hook.onNodeSkipped.call({ node: fresh, catalog, runId, reason: 'up to date', worker: 'thread 7' });
  hooks.hook.onNodeStart.call({ node: stale, catalog, runId, worker: 'host-a:12/slot 1' });
  // A redelivered node ends on another worker than it started on: the one that finished it stays.
  hooks.hook.onNodeEnd.call({
    node: stale,
    catalog,
    runId,
    error: undefined,
    attempts: 1,
    durationMs: 2,
    worker: 'host-b:34/slot 2',
    attemptDurationMs: 2,
  });
  hooks.hook.afterPipelineRun.call({
    runParams,
    runResult: { outputs: {}, completedNodes: ['stale'], skippedNodes: ['fresh'], durationMs: 3 },
    pipeline,
    catalog,
  });
  const run = detail(project, runParams.runId);
  assert.deepEqual(
    run.nodes.map((entry) => [entry.name, entry.status, entry.attempts, entry.reason, entry.worker]).sort(),
    [
      ['fresh', 'skipped', 0, 'up to date', 'thread 7'],
      ['stale', 'success', 1, undefined, 'host-b:34/slot 2'],
    ],
  );
});

test('a locked run store never fails the run: tracking says so once', async () => {
  const project = writeTrackedProject();
  openRunStore(project).close();
  const blocker = new Database(join(project, '.sluice', 'runs.db'));
  const lines: string[] = [];
  try {
    blocker.exec('BEGIN EXCLUSIVE');
    const session = await Session.create({ projectPath: project, log: () => {} });
    session.hooks.unregister('sluice:tracking');
    session.hooks.register(trackingPlugin({ log: (line) => void lines.push(line), busyTimeoutMs: 50 }));
    const result = await session.run({});
    assert.deepEqual([...result.completedNodes].sort(), ['evaluate', 'prepare', 'train']);
  } finally {
    blocker.exec('ROLLBACK');
    blocker.close();
  }
  assert.equal(lines.length, 1, lines.join('\n'));
  assert.match(
    lines[0]!,
    /^sluice: tracking: the run store could not be written \(database is locked\); the run goes on/,
  );
  const next = await run(project);
  assert.equal(detail(project, next.runId).status, 'success', 'the next run is recorded');
});

test('a cancelled run is recorded as cancelled, a failed one as failed', async () => {
  const project = writeTrackedProject();
  const hooks = createHookManager();
  hooks.register(trackingPlugin());
  const pipeline = new Pipeline([node((value: number) => value, 'a', 'b', { name: 'copy' })]);
  const catalog = new DataCatalog();
  for (const [runId, error, status] of [
    ['cancelled-run-0001', new RunCancelledError(), 'cancelled'],
    ['failed-run-0002', new Error('boom'), 'failed'],
  ] as const) {
    const runParams = defaultRunParams({ runId, projectPath: project });
    hooks.hook.beforePipelineRun.call({ runParams, pipeline, catalog });
    hooks.hook.onPipelineError.call({ error, runParams, pipeline, catalog });
    const recorded = detail(project, runId);
    assert.equal(recorded.status, status);
    assert.match(recorded.error ?? '', new RegExp(error.name));
  }
});

test('the tracking plugin estimates node durations from past runs, and the parallel runner weighs its lanes by them', async () => {
  const project = writeTrackedProject();
  const traced = (options: ParallelRunnerOptions = {}) => {
    const events: ParallelTraceEvent[] = [];
    return {
      events,
      estimated: () => events.filter((event) => event.type === 'estimate'),
      runner: new ParallelRunner({ maxWorkers: 2, ...options, onTrace: (event) => events.push(event) }),
    };
  };
  // First run of a two-lane pipeline: no history, so the shape weighs the lanes (a chain of three
  // beside one node: two lanes save a quarter, not below serialBelow), and the nodes run on workers.
  const first = traced();
  const firstRun = await run(project, { pipelineName: 'wide', runner: first.runner });
  assert.equal(firstRun.error, undefined);
  assert.deepEqual(first.estimated(), [
    { type: 'estimate', saving: 0.25, serial: false, from: 'node-count' },
  ]);
  assert.ok(detail(project, firstRun.runId).nodes.every((entry) => entry.worker !== 'main'));
  // Second run: the store has each node's time, and the runner weighs the lanes by them. How much
  // two lanes save depends on how long each node took; the decision must follow the saving.
  const second = traced();
  const secondRun = await run(project, { pipelineName: 'wide', runner: second.runner });
  assert.equal(secondRun.error, undefined);
  const decisions = second.estimated() as Extract<ParallelTraceEvent, { type: 'estimate' }>[];
  assert.equal(decisions.length, 1);
  assert.equal(decisions[0]!.from, 'durations');
  const [{ saving, serial }] = decisions as [Extract<ParallelTraceEvent, { type: 'estimate' }>];
  assert.ok(saving >= 0 && saving <= 0.5, `two lanes save at most half: ${saving}`);
  assert.equal(serial, saving < second.runner.serialBelow);
  const workers = new Set(detail(project, secondRun.runId).nodes.map((entry) => entry.worker));
  if (serial) assert.deepEqual(workers, new Set(['main']));
  else assert.ok(!workers.has('main'), [...workers].join(', '));
  // serialBelow: 0 keeps every run on the workers, estimates or not.
  const third = traced({ serialBelow: 0 });
  const thirdRun = await run(project, { pipelineName: 'wide', runner: third.runner });
  assert.equal(thirdRun.error, undefined);
  assert.deepEqual(third.estimated(), []);
  assert.ok(detail(project, thirdRun.runId).nodes.every((entry) => entry.worker !== 'main'));
});

test('a chain runs serially in the main thread on the parallel runner, from its first run', async () => {
  const project = writeTrackedProject();
  const events: ParallelTraceEvent[] = [];
  const { runId, error } = await run(project, {
    runner: new ParallelRunner({ maxWorkers: 2, onTrace: (event) => events.push(event) }),
  });
  assert.equal(error, undefined);
  assert.deepEqual(
    events.filter((event) => event.type === 'estimate'),
    [{ type: 'estimate', saving: 0, serial: true, from: 'node-count' }],
  );
  const recorded = detail(project, runId);
  assertTrainingRecorded(recorded, 'parallel');
  assert.deepEqual(new Set(recorded.nodes.map((entry) => entry.worker)), new Set(['main']));
});

test('with tracking off, nothing estimates the nodes: the shape weighs the lanes', async () => {
  const project = writeTrackedProject();
  // History to estimate from, of a pipeline with two lanes (a chain needs no estimate).
  await run(project, { pipelineName: 'wide', runner: 'sequential' });
  const events: ParallelTraceEvent[] = [];
  const previous = process.env['SLUICE_TRACKING'];
  process.env['SLUICE_TRACKING'] = 'off';
  try {
    const { error } = await run(project, {
      pipelineName: 'wide',
      runner: new ParallelRunner({ maxWorkers: 2, onTrace: (event) => events.push(event) }),
    });
    assert.equal(error, undefined);
  } finally {
    if (previous === undefined) delete process.env['SLUICE_TRACKING'];
    else process.env['SLUICE_TRACKING'] = previous;
  }
  assert.deepEqual(
    events.filter((event) => event.type === 'estimate'),
    [{ type: 'estimate', saving: 0.25, serial: false, from: 'node-count' }],
    'the history is not read: the shape, not durations',
  );
});

test('a run store whose node times cannot be read gives no estimate: tracking says so, and the run keeps its order', async () => {
  const project = writeTrackedProject();
  const lines: string[] = [];
  const hooks = createHookManager();
  hooks.register(trackingPlugin({ log: (line) => void lines.push(line) }));
  const pipeline = new Pipeline([node((value: number) => value, 'a', 'b', { name: 'only' })]);
  const catalog = new DataCatalog();
  const runParams = defaultRunParams({ runId: 'estimates-0001', projectPath: project });
  hooks.hook.beforePipelineRun.call({ runParams, pipeline, catalog });
  // Another process broke the store after the run started: the table of node times is gone.
  const other = new Database(join(project, '.sluice', 'runs.db'));
  other.exec('DROP TABLE node_runs');
  other.close();
  assert.equal(hooks.hook.nodeDurationEstimates.call({ pipeline, runId: runParams.runId }), undefined);
  assert.equal(lines.length, 1, lines.join('\n'));
  assert.match(
    lines[0]!,
    /^sluice: tracking: past node durations could not be read \(.*node_runs.*\); ready nodes go in run order\.$/,
  );
});

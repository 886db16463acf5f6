/**
 * The run store's own behaviour: git-like id prefixes, listing, pruning, plugin records, batched
 * writes, a locked database reported once without failing anyone, and runs whose process died
 * marked interrupted when the store is next opened.
 */
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { createRequire } from 'node:module';
import type BetterSqlite3 from 'better-sqlite3';
import { join } from 'node:path';
import { test } from 'node:test';
import type { RunRecorder, RunStore } from '../../src/plugin-api/index.ts';
import { AmbiguousRunIdError, RunNotFoundError, openRunStore } from '../../src/plugin-api/index.ts';
import { REPO, tempDir } from './support.ts';

const require = createRequire(import.meta.url);
const Database = require('better-sqlite3') as typeof BetterSqlite3;

function freshStore(label: string): { store: RunStore; path: string } {
  const path = join(tempDir(label), 'runs.db');
  return { store: openRunStore('/unused', { path }), path };
}

function startRun(
  store: RunStore,
  id: string,
  startedAt: number,
  report: (error: Error) => void = assert.fail,
): RunRecorder {
  return store.startRun(
    { id, pipeline: 'p', env: 'local', runner: 'sequential', filters: {}, startedAt, sluiceVersion: 'test' },
    { redact: (text) => text.replaceAll('hunter2', '***'), report },
  );
}

function finishedRun(
  store: RunStore,
  id: string,
  startedAt: number,
  metrics: Record<string, number> = {},
): void {
  const recorder = startRun(store, id, startedAt);
  for (const [name, value] of Object.entries(metrics)) recorder.metric('n', name, value, startedAt + 1);
  recorder.finish('success', { endedAt: startedAt + 10, durationMs: 10 });
}

test('runs are found by id, id prefix or short id prefix; an ambiguous prefix is an error', () => {
  const { store } = freshStore('ids');
  try {
    finishedRun(store, '2026-12-01T10.00.00.000Z-3fa9', 1);
    finishedRun(store, '2026-12-01T10.00.05.000Z-3fb0', 2);
    finishedRun(store, '2026-12-02T09.00.00.000Z-c001', 3);
    assert.equal(store.getRun('2026-12-02').id, '2026-12-02T09.00.00.000Z-c001');
    assert.equal(store.getRun('3fa').id, '2026-12-01T10.00.00.000Z-3fa9');
    assert.equal(store.getRun('c0').id, '2026-12-02T09.00.00.000Z-c001');
    assert.throws(
      () => store.getRun('3f'),
      (error: unknown) => {
        assert.ok(error instanceof AmbiguousRunIdError);
        assert.deepEqual(error.candidates, [
          '2026-12-01T10.00.05.000Z-3fb0',
          '2026-12-01T10.00.00.000Z-3fa9',
        ]);
        assert.match(error.message, /ambiguous: it matches 2 runs/);
        return true;
      },
    );
    assert.throws(() => store.getRun('2026-12-01'), AmbiguousRunIdError);
    assert.throws(() => store.getRun('zzz'), RunNotFoundError);
    assert.throws(() => store.getRun('%'), RunNotFoundError, 'LIKE wildcards are taken literally');
  } finally {
    store.close();
  }
});

test("listRuns: newest first, filtered and limited, with each run's last metric values", () => {
  const { store } = freshStore('list');
  try {
    finishedRun(store, 'a-0001', 1000, { r2: 0.5 });
    finishedRun(store, 'b-0002', 2000, { r2: 0.6, mae: 3 });
    const failing = startRun(store, 'c-0003', 3000);
    failing.metric(undefined, 'r2', 0.1, 3001);
    failing.metric(undefined, 'r2', 0.2, 3002);
    failing.finish('failed', { endedAt: 3010, durationMs: 10, error: 'Error: password hunter2 rejected' });
    assert.deepEqual(
      store.listRuns().map((run) => [run.id, run.status, run.metrics]),
      [
        ['c-0003', 'failed', { r2: 0.2 }],
        ['b-0002', 'success', { r2: 0.6, mae: 3 }],
        ['a-0001', 'success', { r2: 0.5 }],
      ],
    );
    assert.deepEqual(
      store.listRuns({ limit: 1, status: 'success' }).map((run) => run.id),
      ['b-0002'],
    );
    assert.equal(store.getRun('c-0003').error, 'Error: password *** rejected');
    assert.deepEqual(
      store.metricHistory('r2').map((point) => [point.runId, point.value]),
      [
        ['a-0001', 0.5],
        ['b-0002', 0.6],
        ['c-0003', 0.1],
        ['c-0003', 0.2],
      ],
    );
  } finally {
    store.close();
  }
});

test('prune keeps the newest runs and running ones, and lists the files it leaves', () => {
  const { store } = freshStore('prune');
  try {
    const running = startRun(store, 'old-running', 1);
    running.flush();
    const saver = startRun(store, 'old-saver', 2);
    saver.artifact('train', 'model', {
      type: 'json',
      path: '/data/model.json/v1/model.json',
      version: 'v1',
      bytes: 10,
    });
    saver.finish('success', { endedAt: 3, durationMs: 1 });
    finishedRun(store, 'new-1', 10);
    finishedRun(store, 'new-2', 20);
    const result = store.prune({ keep: 2 });
    assert.deepEqual(
      result.removed.map((run) => run.id),
      ['old-saver'],
    );
    assert.deepEqual(
      result.filesLeft.map((file) => file.path),
      ['/data/model.json/v1/model.json'],
    );
    assert.equal(result.kept, 3);
    assert.deepEqual(
      store.listRuns().map((run) => run.id),
      ['new-2', 'new-1', 'old-running'],
    );
    assert.throws(() => store.getRun('old-saver'), RunNotFoundError);
  } finally {
    store.close();
  }
});

test('writes are batched: nothing reaches the file until a batch is full or flushed', () => {
  const { store, path } = freshStore('batch');
  const reader = new Database(path, { readonly: true });
  try {
    const recorder = store.startRun(
      {
        id: 'batched',
        pipeline: 'p',
        env: 'local',
        runner: 'sequential',
        filters: {},
        startedAt: 1,
        sluiceVersion: 'test',
      },
      { redact: (text) => text, report: assert.fail, batchRows: 5, flushIntervalMs: 60_000 },
    );
    const count = () =>
      reader.prepare("SELECT count(*) FROM node_runs WHERE run_id = 'batched'").pluck().get();
    for (let i = 0; i < 4; i++) recorder.nodeStarted(`n${i}`, i);
    assert.equal(count(), 0, 'four queued events are not written yet');
    recorder.nodeStarted('n4', 4);
    assert.equal(count(), 5, 'the fifth fills the batch: one transaction writes them');
    recorder.nodeStarted('n5', 5);
    recorder.finish('success', { endedAt: 10, durationMs: 9 });
    assert.equal(count(), 6);
  } finally {
    reader.close();
    store.close();
  }
});

test('a locked database is reported once, fails nothing, and the rows arrive once it is free', () => {
  const path = join(tempDir('locked'), 'runs.db');
  const store = openRunStore('/unused', { path, busyTimeoutMs: 20 });
  const blocker = new Database(path);
  const reports: Error[] = [];
  try {
    blocker.exec('BEGIN EXCLUSIVE');
    const recorder = startRun(store, 'locked-run', 1, (error) => reports.push(error));
    for (let i = 0; i < 3; i++) {
      recorder.nodeStarted(`n${i}`, i);
      recorder.flush();
    }
    assert.equal(reports.length, 1, 'one report for the whole run');
    assert.match(reports[0]!.message, /could not be written \(database is locked\); the run goes on/);
    assert.ok(recorder.pending > 0, 'the rows are kept');
    blocker.exec('COMMIT');
    recorder.finish('success', { endedAt: 5, durationMs: 4 });
    assert.equal(recorder.pending, 0);
    const run = store.getRun('locked-run');
    assert.equal(run.status, 'success');
    assert.equal(run.nodes.length, 3);
    assert.equal(reports.length, 1);
  } finally {
    if (blocker.inTransaction) blocker.exec('ROLLBACK');
    blocker.close();
    store.close();
  }
});

test('a run whose process was killed is interrupted when the store is next opened', async () => {
  const path = join(tempDir('killed'), 'runs.db');
  // A child records a run with a node under way, says so, and waits to be killed.
  const script = `
    import { openRunStore } from ${JSON.stringify(join(REPO, 'src', 'plugin-api', 'index.ts'))};
    const store = openRunStore('/unused', { path: ${JSON.stringify(path)} });
    const recorder = store.startRun(
      { id: 'killed-run', pipeline: 'p', env: 'local', runner: 'sequential', filters: {}, startedAt: Date.now(), sluiceVersion: 'test' },
      { redact: (text) => text, report: () => {} },
    );
    recorder.nodeStarted('busy', Date.now());
    recorder.flush();
    process.stdout.write('recording\\n');
    setInterval(() => {}, 1000);
  `;
  const child = spawn(process.execPath, ['--import', 'tsx', '--input-type=module', '-e', script], {
    cwd: REPO,
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  await new Promise<void>((resolve, reject) => {
    child.stdout.on('data', (chunk: Buffer) => chunk.toString().includes('recording') && resolve());
    child.once('exit', (code) => reject(new Error(`the child exited (${code}) before recording`)));
  });
  const whileAlive = openRunStore('/unused', { path });
  try {
    assert.equal(whileAlive.getRun('killed-run').status, 'running', 'a live recorder is left alone');
  } finally {
    whileAlive.close();
  }
  const exited = new Promise((resolve) => child.once('exit', resolve));
  child.kill('SIGKILL');
  await exited;
  const store = openRunStore('/unused', { path });
  try {
    const run = store.getRun('killed-run');
    assert.equal(run.status, 'interrupted');
    assert.ok(run.endedAt !== undefined);
    assert.deepEqual(
      run.nodes.map((node) => [node.name, node.status]),
      [['busy', 'interrupted']],
    );
  } finally {
    store.close();
  }
});

test("nodeDurations: the median of each node's latest successful runs, among the most recent finished runs", () => {
  const { store } = freshStore('durations');
  try {
    const record = (
      id: string,
      startedAt: number,
      nodes: Record<string, [number, 'success' | 'failed']>,
      finished = true,
    ) => {
      const recorder = startRun(store, id, startedAt);
      for (const [name, [durationMs, status]] of Object.entries(nodes))
        recorder.nodeEnded(name, { status, attempts: 1, durationMs }, startedAt + durationMs);
      if (finished) recorder.finish('success', { endedAt: startedAt + 100, durationMs: 100 });
      else recorder.flush();
    };
    record('r1', 1, { load: [1000, 'success'], fit: [1000, 'success'] });
    record('r2', 2, { load: [10, 'success'], fit: [300, 'success'] });
    record('r3', 3, { load: [30, 'success'], fit: [5, 'failed'] });
    record('r4', 4, { load: [20, 'success'], fit: [200, 'success'], other: [7, 'success'] });
    // A run still going (this one, say) counts for nothing, though it is the most recent.
    record('r5', 5, { load: [9999, 'success'] }, false);
    // Among the last 3 finished runs: load 10, 30, 20; fit 300, 200 (the failure doesn't count).
    assert.deepEqual(store.nodeDurations(['load', 'fit', 'never'], { lastRuns: 3 }), { load: 20, fit: 250 });
    assert.deepEqual(store.nodeDurations(['load'], { lastRuns: 1 }), { load: 20 });
    // Each node's 2 latest successes: load 20, 30; fit 200, 300 (r3's failure is passed over).
    assert.deepEqual(store.nodeDurations(['load', 'fit'], { perNode: 2 }), { load: 25, fit: 250 });
    assert.deepEqual(store.nodeDurations(['load', 'fit']), { load: 25, fit: 300 });
    assert.deepEqual(store.nodeDurations(['load'], { lastRuns: 0 }), {});
    assert.deepEqual(store.nodeDurations(['load'], { perNode: 0 }), {});
  } finally {
    store.close();
  }
});

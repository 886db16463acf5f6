/**
 * A store written by the first schema (test/fixtures/run-store/runs-v1.db, made by
 * make-v1-store.ts beside it) opens in this release: migrated in place to the current version,
 * its run readable as before, and new runs and plugin records go in beside it.
 */
import assert from 'node:assert/strict';
import { copyFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import type BetterSqlite3 from 'better-sqlite3';
import { join } from 'node:path';
import { test } from 'node:test';
import { fileURLToPath } from 'node:url';
import { RUN_STORE_SCHEMA_VERSION, RunStoreError, openRunStore } from '../../src/plugin-api/index.ts';
import { tempDir } from './support.ts';

const FIXTURE = fileURLToPath(new URL('../fixtures/run-store/runs-v1.db', import.meta.url));
const OLD_RUN = '2026-11-30T10.00.00.000Z-a1b2';
const require = createRequire(import.meta.url);
const Database = require('better-sqlite3') as typeof BetterSqlite3;

function userVersion(path: string): number {
  const database = new Database(path, { readonly: true });
  try {
    return database.pragma('user_version', { simple: true }) as number;
  } finally {
    database.close();
  }
}

test('a version-1 store is migrated and keeps its runs', () => {
  const path = join(tempDir('migration'), 'runs.db');
  copyFileSync(FIXTURE, path);
  assert.equal(userVersion(path), 1);
  assert.ok(RUN_STORE_SCHEMA_VERSION > 1, 'the fixture is older than the current schema');

  const store = openRunStore('/unused', { path });
  try {
    const run = store.getRun('a1b2');
    assert.equal(run.id, OLD_RUN);
    assert.equal(run.status, 'success', 'a finished run stays finished (its host is unknown here)');
    assert.deepEqual(run.params, { 'params:model.alpha': 0.5 });
    assert.deepEqual(run.metrics, { r2: 0.91 });
    assert.deepEqual(
      run.nodes.map((node) => [node.name, node.status, node.reason]),
      [['train', 'success', undefined]],
    );
    assert.deepEqual(run.artifacts[0]?.path, '/old/data/model.json');
    assert.deepEqual(run.records, []);

    // What version 2 added works on the migrated file.
    store.addRecord(OLD_RUN, { plugin: 'validation', kind: 'check', key: 'model', value: { ok: true } });
    assert.deepEqual(
      store.records(OLD_RUN).map((record) => [record.plugin, record.kind, record.key, record.value]),
      [['validation', 'check', 'model', { ok: true }]],
    );
    const recorder = store.startRun(
      {
        id: 'new-run',
        pipeline: '__default__',
        env: 'local',
        runner: 'sequential',
        filters: {},
        startedAt: Date.now(),
        sluiceVersion: 'test',
      },
      { redact: (text) => text, report: (error) => assert.fail(error) },
    );
    recorder.nodeSkipped('train', 'up to date', Date.now());
    recorder.finish('success', { endedAt: Date.now(), durationMs: 1 });
    assert.equal(store.getRun('new-run').nodes[0]?.reason, 'up to date');
    assert.deepEqual(
      store.metricHistory('r2').map((point) => point.runId),
      [OLD_RUN],
    );
  } finally {
    store.close();
  }
  assert.equal(userVersion(path), RUN_STORE_SCHEMA_VERSION);
});

test('a store from a newer Sluice is refused with a clear error, untouched', () => {
  const path = join(tempDir('newer'), 'runs.db');
  copyFileSync(FIXTURE, path);
  const database = new Database(path);
  database.pragma(`user_version = ${RUN_STORE_SCHEMA_VERSION + 1}`);
  database.close();
  assert.throws(
    () => openRunStore('/unused', { path }),
    (error: unknown) => {
      assert.ok(error instanceof RunStoreError);
      assert.match(error.message, /newer than this Sluice knows/);
      return true;
    },
  );
  assert.equal(userVersion(path), RUN_STORE_SCHEMA_VERSION + 1);
});

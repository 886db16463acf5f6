/**
 * The `metrics` dataset type: a record of numbers (groups nest) written as JSON and reported to
 * trackers through the save's result; anything that is not a finite number fails the save, naming
 * the metric, before anything is written.
 */
import assert from 'node:assert/strict';
import { existsSync, readFileSync } from 'node:fs';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { DatasetError, MetricsDataset } from '../../src/index.ts';

const folder = () => mkdtempSync(join(tmpdir(), 'sluice-metrics-'));

test('saves the values, reports them flattened as metrics, loads them back', async () => {
  const projectPath = folder();
  const dataset = new MetricsDataset('metrics', { filepath: 'data/metrics.json' }, { projectPath });
  const saved = await dataset.save({ r2: 0.93, mae: 1234.5, coefficients: { crew: 2.5, engines: -1 } });
  assert.deepEqual(saved.metrics, {
    r2: 0.93,
    mae: 1234.5,
    'coefficients.crew': 2.5,
    'coefficients.engines': -1,
  });
  assert.equal(saved.path, join(projectPath, 'data', 'metrics.json'));
  assert.equal(saved.bytes, readFileSync(saved.path!).length);
  assert.deepEqual(await dataset.load(), { r2: 0.93, mae: 1234.5, coefficients: { crew: 2.5, engines: -1 } });
});

test('versioned: one file per run version, and the version is reported', async () => {
  const projectPath = folder();
  const dataset = new MetricsDataset(
    'metrics',
    { filepath: 'm.json', versioned: true },
    { projectPath, saveVersion: 'run-1' },
  );
  const saved = await dataset.save({ r2: 0.5 });
  assert.equal(saved.version, 'run-1');
  assert.equal(saved.path, join(projectPath, 'm.json', 'run-1', 'm.json'));
});

test('a value that is not a finite number fails the save, naming it, and writes nothing', async () => {
  const projectPath = folder();
  const dataset = new MetricsDataset('scores', { filepath: 'm.json' }, { projectPath });
  for (const [data, named] of [
    [{ r2: Number.NaN }, /metric "r2" is NaN, not a finite number/],
    [{ fit: { r2: '0.9' } }, /metric "fit\.r2" is "0\.9", not a finite number/],
    [[0.9], /saves a record of numbers; got an array/],
  ] as const) {
    await assert.rejects(
      () => dataset.save(data as never),
      (error: unknown) => {
        assert.ok(error instanceof DatasetError);
        assert.match(error.message, named);
        assert.match(error.message, /Dataset "scores"/);
        return true;
      },
    );
  }
  assert.equal(existsSync(join(projectPath, 'm.json')), false);
});

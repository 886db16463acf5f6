import assert from 'node:assert/strict';
import { test } from 'node:test';
import { cleanReadings, summarizeDays, writeReport } from '../src/pipelines/weather/nodes.ts';

const readings = [
  { station: 'north', date: '2026-06-01', temperature_c: 14 },
  { station: 'north', date: '2026-06-01', temperature_c: 18 },
  { station: 'south', date: '2026-06-01', temperature_c: null },
];

test('cleanReadings drops readings without a temperature', () => {
  assert.equal(cleanReadings(readings).length, 2);
});

test('summarizeDays averages per station and day and flags warm days', () => {
  assert.deepEqual(summarizeDays(cleanReadings(readings), 15), [
    { station: 'north', date: '2026-06-01', mean: 16, readings: 2, warm: true },
  ]);
});

test('writeReport prints one line per day', () => {
  assert.equal(
    writeReport([{ station: 'n', date: 'd', mean: 1, readings: 1, warm: false }], 'celsius'),
    'd n: 1 celsius\n',
  );
});

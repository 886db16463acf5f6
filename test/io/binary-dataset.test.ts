import assert from 'node:assert/strict';
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { test } from 'node:test';
import { BinaryDataset } from '../../src/io/datasets/binary.ts';
import { createDatasetTypeRegistry } from '../../src/io/builtin-datasets.ts';
import { errorOf, tempDir } from './support/temp-dir.ts';

test('binary round-trips structured values a JSON file would lose', async (t) => {
  const dir = await tempDir(t);
  const dataset = new BinaryDataset('regressor', { filepath: 'models/regressor.bin' }, { projectPath: dir });
  const model: Record<string, unknown> = {
    coefficients: new Float64Array([0.25, -1.5, 3]),
    intercept: 12.5,
    features: new Set(['engines', 'crew']),
    encoders: new Map([['engine_type', ['Plasma', 'Quantum']]]),
    fittedAt: new Date('2026-11-22T00:00:00Z'),
    rows: 10_000_000_000n,
    pattern: /shuttle-\d+/g,
  };
  model.self = model;
  await dataset.save(model);
  const loaded = (await dataset.load()) as Record<string, unknown>;
  assert.deepEqual(loaded.coefficients, new Float64Array([0.25, -1.5, 3]));
  assert.deepEqual(loaded.features, new Set(['engines', 'crew']));
  assert.deepEqual(loaded.encoders, new Map([['engine_type', ['Plasma', 'Quantum']]]));
  assert.ok(loaded.fittedAt instanceof Date);
  assert.equal(loaded.rows, 10_000_000_000n);
  assert.equal(loaded.self, loaded, 'cycles survive');
});

test('"object" is an alias of "binary" and describes itself by the name used', async (t) => {
  const dir = await tempDir(t);
  const registry = createDatasetTypeRegistry();
  const dataset = await registry.get('object')({ filepath: 'm.pkl' }, { name: 'model', projectPath: dir });
  assert.equal(dataset.describe().type, 'object');
  await dataset.save({ weights: [1, 2] });
  assert.deepEqual(await dataset.load(), { weights: [1, 2] });
});

test('binary explains values it cannot store and files it cannot read', async (t) => {
  const dir = await tempDir(t);
  const dataset = new BinaryDataset('m', { filepath: join(dir, 'm.bin') });
  const error = await errorOf(() => dataset.save({ predict: () => 1 }));
  assert.match(error.message, /Dataset "m" \(binary\) could not save .*m\.bin: .*could not be cloned/);
  assert.match((error as { hint?: string }).hint ?? '', /no functions/);
  assert.equal(await dataset.exists(), false);

  await writeFile(join(dir, 'm.bin'), 'this is not v8 data');
  const load = await errorOf(() => dataset.load());
  assert.match(load.message, /Dataset "m" \(binary\) could not load .*m\.bin/);
});

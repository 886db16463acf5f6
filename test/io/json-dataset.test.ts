import assert from 'node:assert/strict';
import { readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { test } from 'node:test';
import { DatasetError } from '../../src/io/dataset.ts';
import { JsonDataset } from '../../src/io/datasets/json.ts';
import { errorOf, tempDir } from './support/temp-dir.ts';

test('json round-trips nested values through a real file, indented by 2 by default', async (t) => {
  const dir = await tempDir(t);
  const dataset = new JsonDataset('model_params', { filepath: 'params.json' }, { projectPath: dir });
  const value = {
    alpha: 0.5,
    layers: [3, 2, 1],
    name: 'ridge',
    fitted: true,
    note: null,
    nested: { ok: 'ü' },
  };
  assert.equal(await dataset.exists(), false);
  await dataset.save(value);
  assert.equal(await dataset.exists(), true);
  assert.deepEqual(await dataset.load(), value);
  const text = await readFile(join(dir, 'params.json'), 'utf8');
  assert.match(text, /^\{\n {2}"alpha": 0.5,/);
});

test('json save_args.indent 0 writes one line', async (t) => {
  const dir = await tempDir(t);
  const dataset = new JsonDataset('compact', { filepath: join(dir, 'c.json'), save_args: { indent: 0 } });
  await dataset.save([1, { a: 2 }]);
  assert.equal(await readFile(join(dir, 'c.json'), 'utf8'), '[1,{"a":2}]\n');
  assert.deepEqual(dataset.describe(), {
    type: 'json',
    filepath: join(dir, 'c.json'),
    versioned: false,
    save_args: { indent: 0 },
  });
});

test('json loads a file that starts with a byte-order mark', async (t) => {
  const dir = await tempDir(t);
  await writeFile(join(dir, 'bom.json'), '\ufeff{"a": 1}');
  assert.deepEqual(await new JsonDataset('bom', { filepath: join(dir, 'bom.json') }).load(), { a: 1 });
});

test('json errors name the dataset, the type and the file', async (t) => {
  const dir = await tempDir(t);
  const file = join(dir, 'broken.json');
  await writeFile(file, '{"a": 1,,}');
  const dataset = new JsonDataset('broken', { filepath: file });
  const error = await errorOf(() => dataset.load());
  assert.ok(error instanceof DatasetError);
  assert.equal(error.datasetName, 'broken');
  assert.match(error.message, /^Dataset "broken" \(json\) could not load .*broken\.json: not valid JSON/);

  const unsaveable = await errorOf(() => dataset.save(undefined));
  assert.match(unsaveable.message, /could not save .*broken\.json: undefined cannot be written as JSON/);
  assert.equal(await readFile(file, 'utf8'), '{"a": 1,,}', 'a failed save leaves the old file alone');
});

test('json rejects a bad indent with the option path', async () => {
  const error = await errorOf(() => new JsonDataset('x', { filepath: 'x.json', save_args: { indent: -1 } }));
  assert.match(
    error.message,
    /option "save_args.indent" must be an integer from 0 to 10, got a number \(-1\)/,
  );
});

import assert from 'node:assert/strict';
import { readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { test } from 'node:test';
import { DatasetError } from '../../src/io/dataset.ts';
import { JsonLinesDataset } from '../../src/io/datasets/jsonl.ts';
import { errorOf, tempDir } from './support/temp-dir.ts';

test('jsonl writes one JSON value per line and reads them back in order', async (t) => {
  const dir = await tempDir(t);
  const dataset = new JsonLinesDataset('events', { filepath: 'events.jsonl' }, { projectPath: dir });
  const values = [{ id: 1, kind: 'start' }, 'plain string', 42, null, [1, 2], { nested: { deep: true } }];
  await dataset.save(values);
  const text = await readFile(join(dir, 'events.jsonl'), 'utf8');
  assert.equal(text.split('\n').length, values.length + 1);
  assert.equal(text.split('\n')[0], '{"id":1,"kind":"start"}');
  assert.deepEqual(await dataset.load(), values);
});

test('jsonl saves from an async iterable and skips blank lines on load', async (t) => {
  const dir = await tempDir(t);
  const dataset = new JsonLinesDataset('stream', { filepath: join(dir, 's.jsonl') });
  async function* produce() {
    for (let i = 0; i < 20_000; i++) yield { i, label: `row-${i}` };
  }
  await dataset.save(produce());
  const loaded = await dataset.load();
  assert.equal(loaded.length, 20_000);
  assert.deepEqual(loaded[19_999], { i: 19_999, label: 'row-19999' });

  await writeFile(join(dir, 'blank.jsonl'), '{"a":1}\n\n   \r\n{"a":2}\r\n');
  assert.deepEqual(await new JsonLinesDataset('blank', { filepath: join(dir, 'blank.jsonl') }).load(), [
    { a: 1 },
    { a: 2 },
  ]);
});

test('jsonl reports the number of the first bad line', async (t) => {
  const dir = await tempDir(t);
  const file = join(dir, 'bad.jsonl');
  await writeFile(file, '{"a":1}\n{"a":2}\n\n{"a":3,}\n{"a":4}\n');
  const error = await errorOf(() => new JsonLinesDataset('bad_events', { filepath: file }).load());
  assert.ok(error instanceof DatasetError);
  assert.match(
    error.message,
    /^Dataset "bad_events" \(jsonl\) could not load .*bad\.jsonl: line 4 is not valid JSON/,
  );
});

test('jsonl refuses to save something that is not a list of values', async (t) => {
  const dir = await tempDir(t);
  const dataset = new JsonLinesDataset('x', { filepath: join(dir, 'x.jsonl') });
  const error = await errorOf(() => dataset.save(42 as unknown as number[]));
  assert.match(error.message, /jsonl datasets save an array or an iterable of values, got number/);
  const item = await errorOf(() => dataset.save([1, () => 2] as unknown as number[]));
  assert.match(item.message, /item 1 \(function\) cannot be written as JSON/);
  assert.equal(await dataset.exists(), false, 'a failed save leaves no file');
});

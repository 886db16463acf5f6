import assert from 'node:assert/strict';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { test } from 'node:test';
import { TextDataset } from '../../src/io/datasets/text.ts';
import { errorOf, tempDir } from './support/temp-dir.ts';

test('text round-trips a string as utf8 by default', async (t) => {
  const dir = await tempDir(t);
  const dataset = new TextDataset('report', { filepath: 'reports/summary.md' }, { projectPath: dir });
  const text = '# Summary\n\nZürich → Mars: 3 shuttles ✓\n';
  await dataset.save(text);
  assert.equal(await readFile(join(dir, 'reports', 'summary.md'), 'utf8'), text);
  assert.equal(await dataset.load(), text);
  assert.deepEqual(dataset.describe(), {
    type: 'text',
    filepath: join(dir, 'reports', 'summary.md'),
    versioned: false,
    encoding: 'utf8',
  });
});

test('text honours the encoding option on disk', async (t) => {
  const dir = await tempDir(t);
  const dataset = new TextDataset('legacy', { filepath: join(dir, 'l.txt'), encoding: 'latin1' });
  await dataset.save('café');
  assert.deepEqual([...(await readFile(join(dir, 'l.txt')))], [0x63, 0x61, 0x66, 0xe9]);
  assert.equal(await dataset.load(), 'café');
});

test('text rejects an unknown encoding and a non-string value', async (t) => {
  const error = await errorOf(
    () => new TextDataset('x', { filepath: 'x.txt', encoding: 'klingon' as BufferEncoding }),
  );
  assert.match(error.message, /option "encoding" must be an encoding Node knows, got "klingon"/);
  const dir = await tempDir(t);
  const dataset = new TextDataset('x', { filepath: join(dir, 'x.txt') });
  const save = await errorOf(() => dataset.save({ not: 'text' } as unknown as string));
  assert.match(save.message, /text datasets save a string, got object/);
});

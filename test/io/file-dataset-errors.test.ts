import assert from 'node:assert/strict';
import { chmod, mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { test } from 'node:test';
import { createDatasetTypeRegistry } from '../../src/io/builtin-datasets.ts';
import type { DatasetFactoryContext } from '../../src/io/dataset-registry.ts';
import { DatasetError } from '../../src/io/dataset.ts';
import { errorOf, tempDir } from './support/temp-dir.ts';

const registry = createDatasetTypeRegistry();
const declared: DatasetFactoryContext = {
  name: 'companies',
  projectPath: '/project',
  location: { file: 'conf/base/catalog.yml', line: 7, column: 3 },
};

async function optionError(type: string, options: Record<string, unknown>): Promise<DatasetError> {
  const error = await errorOf(() => registry.get(type)(options, declared));
  assert.ok(error instanceof DatasetError, `expected a DatasetError, got ${error.name}: ${error.message}`);
  assert.equal(error.datasetName, 'companies');
  return error;
}

test('unknown options are rejected with the dataset, its type, where it was declared and a did-you-mean', async () => {
  const top = await optionError('csv', { filepath: 'c.csv', loadargs: {} });
  assert.equal(
    top.message,
    'Dataset "companies" (csv, conf/base/catalog.yml:7:3): unknown option "loadargs". Did you mean "load_args"?',
  );
  assert.equal(
    top.hint,
    '"csv" datasets take: filepath, versioned, metadata, credentials, outside_project, load_args, save_args.',
  );

  const nested = await optionError('csv', { filepath: 'c.csv', save_args: { delimeter: ';' } });
  assert.match(nested.message, /unknown option "save_args.delimeter". Did you mean "delimiter"\?$/);
  assert.equal(nested.hint, '"save_args" takes: delimiter, header.');

  const noSuggestion = await optionError('json', { filepath: 'c.json', compression: 'gzip' });
  assert.equal(
    noSuggestion.message,
    'Dataset "companies" (json, conf/base/catalog.yml:7:3): unknown option "compression".',
  );

  const jsonLoadArgs = await optionError('json', { filepath: 'c.json', load_args: {} });
  assert.match(jsonLoadArgs.message, /unknown option "load_args"/);
  const kedroOnly = await optionError('text', {
    filepath: 'c.txt',
    fs_args: { open_args_load: { encoding: 'utf8' } },
  });
  assert.match(kedroOnly.message, /unknown option "fs_args"/);
  assert.match(kedroOnly.hint ?? '', /encoding/);
});

test('a misspelt required option is reported as the misspelling, a missing one as missing', async () => {
  const typo = await optionError('excel', { file_path: 'x.xlsx' });
  assert.match(typo.message, /unknown option "file_path". Did you mean "filepath"\?$/);
  const missing = await optionError('jsonl', {});
  assert.match(missing.message, /\(jsonl, conf\/base\/catalog.yml:7:3\): option "filepath" is required\.$/);
  assert.match(missing.hint ?? '', /filepath: /);
  const api = await optionError('api', {});
  assert.match(api.message, /option "url" is required/);
  const partition = await optionError('partitioned', { path: 'p' });
  assert.match(partition.message, /option "dataset" is required/);
});

test('wrongly typed options name the option and the type found, never echo long strings', async () => {
  const versioned = await optionError('json', { filepath: 'x.json', versioned: 'yes' });
  assert.match(versioned.message, /option "versioned" must be true or false, got "yes"/);
  const header = await optionError('csv', { filepath: 'x.csv', load_args: { header: 1 } });
  assert.match(header.message, /option "load_args.header" must be true or false, got a number \(1\)/);
  const columns = await optionError('csv', { filepath: 'x.csv', load_args: { columns: ['id'] } });
  assert.match(columns.message, /option "load_args.columns" must be a mapping, got a list/);
  const filepath = await optionError('binary', { filepath: 42 });
  assert.match(filepath.message, /option "filepath" must be a non-empty string, got a number \(42\)/);
  const timeout = await optionError('api', { url: 'http://x.test', timeout_ms: 0 });
  assert.match(timeout.message, /option "timeout_ms" must be an integer of at least 1, got a number \(0\)/);
  const long = await optionError('api', {
    url: 'http://x.test',
    method: 'Bearer abc.def-secret/with spaces',
  });
  assert.match(long.message, /got a string of 33 characters/);
  assert.ok(!long.message.includes('secret'));
  const options = await errorOf(() => registry.get('csv')(['filepath'] as never, declared));
  assert.match(options.message, /\(csv, conf\/base\/catalog.yml:7:3\): its options must be a mapping/);
});

test('a missing file, a folder in its place and an unreadable file are DatasetErrors naming the path', async (t) => {
  const dir = await tempDir(t);
  const context = { ...declared, projectPath: dir };
  const missing = await errorOf(async () =>
    (await registry.get('csv')({ filepath: 'data/none.csv' }, context)).load(),
  );
  assert.ok(missing instanceof DatasetError);
  assert.equal(
    missing.message,
    `Dataset "companies" (csv, conf/base/catalog.yml:7:3): file not found: ${join(dir, 'data', 'none.csv')}.`,
  );
  assert.equal(
    missing.hint,
    'Check "filepath" in conf/base/catalog.yml:7:3, or run the node that produces it first.',
  );
  assert.equal((missing.cause as NodeJS.ErrnoException).code, 'ENOENT');

  await mkdir(join(dir, 'folder.json'));
  const folder = await errorOf(async () =>
    (await registry.get('json')({ filepath: 'folder.json' }, context)).load(),
  );
  assert.match(
    folder.message,
    /\(json, conf\/base\/catalog.yml:7:3\) cannot load .*folder\.json: it is a folder, not a file\./,
  );

  if (process.getuid?.() === 0) {
    t.diagnostic(
      'running as root: file permissions cannot make a file unreadable, so that case is not checked',
    );
    return;
  }
  await writeFile(join(dir, 'locked.txt'), 'secret');
  await chmod(join(dir, 'locked.txt'), 0o000);
  const locked = await errorOf(async () =>
    (await registry.get('text')({ filepath: 'locked.txt' }, context)).load(),
  );
  assert.match(locked.message, /cannot load .*locked\.txt: permission denied/);
});

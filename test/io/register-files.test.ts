import assert from 'node:assert/strict';
import { test } from 'node:test';
import { createDatasetTypeRegistry } from '../../src/io/builtin-datasets.ts';
import { DatasetTypeRegistry } from '../../src/io/dataset-registry.ts';
import { registerFileDatasets } from '../../src/io/datasets/register-files.ts';
import * as io from '../../src/io/index.ts';

const FILE_TYPES = [
  'api',
  'binary',
  'csv',
  'excel',
  'json',
  'jsonl',
  'metrics',
  'object',
  'partitioned',
  'text',
];

test('registerFileDatasets registers every file type by its YAML name', () => {
  const registry = new DatasetTypeRegistry();
  registerFileDatasets(registry);
  assert.deepEqual(registry.types(), FILE_TYPES);
  const builtin = createDatasetTypeRegistry();
  for (const type of FILE_TYPES) assert.ok(builtin.has(type), type);
});

test('each file type builds from YAML-shaped options and describes itself without credentials', async () => {
  const registry = createDatasetTypeRegistry();
  const apiCredentials = { token: 'cred-token-55aa', headers: { 'X-Key': 'cred-header-66bb' } };
  const options: Record<string, Record<string, unknown>> = {
    api: { url: 'https://api.example.com/x' },
    binary: { filepath: 'd/m.bin', credentials: 'local_fs' },
    csv: { filepath: 'd/c.csv', load_args: { delimiter: ';' }, credentials: 'local_fs' },
    excel: { filepath: 'd/s.xlsx', load_args: { sheet: 'Sheet1' } },
    json: { filepath: 'd/j.json', save_args: { indent: 4 } },
    jsonl: { filepath: 'd/e.jsonl', versioned: true },
    metrics: { filepath: 'd/metrics.json', versioned: true },
    object: { filepath: 'd/m.pkl' },
    partitioned: { path: 'd/parts', dataset: { type: 'csv' }, filename_suffix: '.csv' },
    text: { filepath: 'd/t.txt', encoding: 'latin1' },
  };
  for (const type of FILE_TYPES) {
    const dataset = await registry.get(type)(options[type]!, {
      name: `${type}_dataset`,
      projectPath: '/project',
      credentials: type === 'api' ? apiCredentials : { secret: 'cred-token-55aa' },
    });
    const description = dataset.describe();
    assert.equal(description.type, type);
    const text = JSON.stringify(description);
    assert.ok(!text.includes('cred-token-55aa') && !text.includes('cred-header-66bb'), `${type}: ${text}`);
    if (type !== 'api' && type !== 'partitioned')
      assert.equal(description.filepath, `/project/${options[type]!.filepath}`);
  }
});

test('the io index exports every file dataset class', () => {
  for (const name of [
    'JsonDataset',
    'JsonLinesDataset',
    'MetricsDataset',
    'TextDataset',
    'BinaryDataset',
    'CsvDataset',
    'ExcelDataset',
    'PartitionedDataset',
    'ApiDataset',
    'FileDataset',
  ]) {
    assert.equal(typeof (io as Record<string, unknown>)[name], 'function', name);
  }
});

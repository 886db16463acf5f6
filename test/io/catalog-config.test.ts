import assert from 'node:assert/strict';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { ConfigLoader } from '../../src/config/index.ts';
import type { DatasetFactoryContext } from '../../src/io/index.ts';
import {
  CatalogAggregateError,
  CatalogError,
  DataCatalog,
  MemoryDataset,
  createDatasetTypeRegistry,
} from '../../src/io/index.ts';
import { rejectionOf, writeProject } from '../config/project-fixture.ts';

/** A catalog built the way the session builds it: from a conf folder, with locations. */
async function projectCatalog(
  files: Record<string, string>,
  extra: Partial<Parameters<typeof DataCatalog.fromConfig>[0]> = {},
): Promise<{ catalog: DataCatalog; projectPath: string }> {
  const projectPath = writeProject(files);
  const loader = new ConfigLoader({ projectPath, environ: {} });
  const catalog = await DataCatalog.fromConfig({
    catalogConfig: loader.get('catalog'),
    credentials: loader.get('credentials'),
    parameters: loader.get('parameters'),
    projectPath,
    locate: (key, path) => loader.locate(key, path),
    ...extra,
  });
  return { catalog, projectPath };
}

const CUSTOM_MODULE = `
const store = new Map<string, unknown>();

/** A class-style dataset type: constructed with (options, context). */
export class KeyValueDataset {
  readonly #key: string;
  readonly context: unknown;
  constructor(options: Record<string, unknown>, context: { name: string }) {
    if (typeof options.key !== 'string') throw new Error('option "key" must be a string');
    this.#key = options.key;
    this.context = context;
  }
  load() { return store.get(this.#key); }
  save(data: unknown) { store.set(this.#key, data); }
  exists() { return store.has(this.#key); }
  release() {}
  describe() { return { type: 'kv', key: this.#key }; }
}

/** A factory-style dataset type. */
export function upperTextDataset(options: Record<string, unknown>, context: { name: string }) {
  let text = String(options.initial ?? '');
  return {
    load: () => text.toUpperCase(),
    save: (data: unknown) => { text = String(data); },
    exists: () => text !== '',
    release: () => {},
    describe: () => ({ type: 'upper', name: context.name }),
  };
}

export default upperTextDataset;
export const notAType = 42;
export function notADataset() { return { hello: 'world' }; }
`;

describe('DataCatalog from a conf folder', () => {
  it('uses the real dataset types: a json entry saves and loads a file', async () => {
    const { catalog, projectPath } = await projectCatalog({
      'conf/base/catalog.yml': 'companies:\n  type: json\n  filepath: data/01_raw/companies.json\n',
    });
    await catalog.save('companies', [{ id: 1 }]);
    assert.ok(existsSync(join(projectPath, 'data/01_raw/companies.json')));
    assert.deepEqual(await catalog.load('companies'), [{ id: 1 }]);
    assert.equal(catalog.describe('companies').type, 'json');
  });

  it('names the file and line of an unknown type, with the nearest known type', async () => {
    const { catalog } = await projectCatalog({
      'conf/base/catalog.yml': 'companies:\n  type: jsno\n  filepath: x.json\n',
    });
    const error = await rejectionOf(() => catalog.materialize(['companies']));
    assert.ok(error instanceof CatalogAggregateError);
    const [first] = error.errors;
    assert.equal(
      first?.message,
      'Dataset "companies" (type jsno, conf/base/catalog.yml:2:3): its type is unknown. Did you mean "json"?',
    );
    assert.deepEqual(first?.location, { file: 'conf/base/catalog.yml', line: 2, column: 3 });
    assert.match(first?.hint ?? '', /Known types: .*json/);
  });

  it('locates entry shape errors in their file', async () => {
    const error = await rejectionOf(() =>
      projectCatalog({ 'conf/base/catalog.yml': 'fine:\n  type: memory\nbroken: data.csv\n' }),
    );
    assert.ok(error instanceof CatalogAggregateError);
    assert.match(
      error.errors[0]!.message,
      /^Dataset "broken" \(conf\/base\/catalog\.yml:3:1\): the catalog entry is a string/,
    );
  });

  it('fills params datasets from the parameters configuration, runtime parameters included, and locates them', async () => {
    const projectPath = writeProject({ 'conf/base/parameters.yml': 'model:\n  test_size: 0.2\n  seed: 1\n' });
    const loader = new ConfigLoader({ projectPath, runtimeParams: { 'model.seed': '7' } });
    const catalog = await DataCatalog.fromConfig({
      catalogConfig: {},
      parameters: loader.get('parameters'),
      projectPath,
      locate: (key, path) => loader.locate(key, path),
    });
    assert.equal(await catalog.load('params:model.test_size'), 0.2);
    assert.equal(await catalog.load('params:model.seed'), 7);
    assert.deepEqual(catalog.location('params:model.test_size'), {
      file: 'conf/base/parameters.yml',
      line: 2,
      column: 3,
    });
    const error = await rejectionOf(() => catalog.materialize(['params:model.tset_size']));
    assert.match(error.message, /Did you mean "params:model\.test_size"\?/);
  });

  it('imports a class export with type: <module>#<export>', async () => {
    const { catalog } = await projectCatalog({
      'src/datasets.ts': CUSTOM_MODULE,
      'conf/base/catalog.yml': 'scores:\n  type: ./src/datasets.ts#KeyValueDataset\n  key: scores\n',
    });
    await catalog.save('scores', { a: 1 });
    assert.deepEqual(await catalog.load('scores'), { a: 1 });
    assert.deepEqual(catalog.describe('scores'), { type: 'kv', key: 'scores' });
    assert.equal(catalog.typeOf('scores'), './src/datasets.ts#KeyValueDataset');
    assert.equal(
      (catalog.get('scores') as unknown as { context: DatasetFactoryContext }).context.name,
      'scores',
    );
  });

  it('imports a factory function, the default export, and a module written without its extension', async () => {
    const { catalog } = await projectCatalog({
      'src/datasets.ts': CUSTOM_MODULE,
      'conf/base/catalog.yml':
        'shout:\n  type: ./src/datasets#upperTextDataset\n  initial: hello\nshout_default:\n  type: ./src/datasets.ts#default\n  initial: bye\n',
    });
    assert.equal(await catalog.load('shout'), 'HELLO');
    assert.equal(await catalog.load('shout_default'), 'BYE');
    assert.deepEqual(catalog.describe('shout'), { type: 'upper', name: 'shout' });
  });

  it('names file and line when the module, the export or the dataset is wrong', async () => {
    const { catalog } = await projectCatalog({
      'src/datasets.ts': CUSTOM_MODULE,
      'conf/base/catalog.yml': [
        'no_module:',
        '  type: ./src/missing.ts#Thing',
        'no_export:',
        '  type: ./src/datasets.ts#KeyValueDatset',
        'not_function:',
        '  type: ./src/datasets.ts#notAType',
        'not_dataset:',
        '  type: ./src/datasets.ts#notADataset',
        'bad_options:',
        '  type: ./src/datasets.ts#KeyValueDataset',
        '  key: 3',
        'no_package:',
        '  type: sluice-no-such-package#Thing',
        '',
      ].join('\n'),
    });
    const error = await rejectionOf(() =>
      catalog.materialize([
        'no_module',
        'no_export',
        'not_function',
        'not_dataset',
        'bad_options',
        'no_package',
      ]),
    );
    assert.ok(error instanceof CatalogAggregateError);
    const messages = error.errors.map((each) => each.message);
    assert.match(
      messages[0]!,
      /^Dataset "no_module" \(type \.\/src\/missing\.ts#Thing, conf\/base\/catalog\.yml:2:3\): the module "\.\/src\/missing\.ts" doesn't exist/,
    );
    assert.match(
      messages[1]!,
      /^Dataset "no_export" \(.*conf\/base\/catalog\.yml:4:3\): the module "\.\/src\/datasets\.ts" has no export named "KeyValueDatset"\. Did you mean "KeyValueDataset"\?/,
    );
    assert.match(
      messages[2]!,
      /^Dataset "not_function" \(.*catalog\.yml:6:3\): the export "notAType" of "\.\/src\/datasets\.ts" is a number, not a dataset class or factory function/,
    );
    assert.match(
      messages[3]!,
      /^Dataset "not_dataset" \(.*catalog\.yml:7:1\): its type produced an object that is not a dataset: it lacks load, save, exists, release, describe/,
    );
    assert.match(
      messages[4]!,
      /^Dataset "bad_options" \(.*catalog\.yml:9:1\): it can't be created: option "key" must be a string/,
    );
    assert.match(
      messages[5]!,
      /^Dataset "no_package" \(.*catalog\.yml:13:3\): importing "sluice-no-such-package" failed/,
    );
    assert.match(error.errors[0]!.hint ?? '', /relative to the project root/);
  });

  it('passes saveVersion and the load version to versioned datasets only', async () => {
    const seen = new Map<string, DatasetFactoryContext>();
    const registry = createDatasetTypeRegistry();
    registry.register('spy', (_options, context) => {
      seen.set(context.name, context);
      return new MemoryDataset(context.name);
    });
    const { catalog } = await projectCatalog(
      {
        'conf/base/catalog.yml':
          'kept:\n  type: spy\n  versioned: true\nother_kept:\n  type: spy\n  versioned: true\nplain:\n  type: spy\n',
      },
      { registry, saveVersion: 'run-42', loadVersions: { kept: 'run-41' } },
    );
    await catalog.materialize(['kept', 'other_kept', 'plain']);
    assert.equal(seen.get('kept')?.saveVersion, 'run-42');
    assert.equal(seen.get('kept')?.loadVersion, 'run-41');
    assert.equal(seen.get('other_kept')?.saveVersion, 'run-42');
    assert.equal(seen.get('other_kept')?.loadVersion, undefined);
    assert.equal(seen.get('plain')?.saveVersion, undefined);
    assert.deepEqual(seen.get('kept')?.location, { file: 'conf/base/catalog.yml', line: 1, column: 1 });
    assert.equal(catalog.saveVersion, 'run-42');
    assert.deepEqual(catalog.loadVersions, { kept: 'run-41' });
  });

  it('defaults saveVersion to a timestamp and versions real files under it', async () => {
    const { catalog, projectPath } = await projectCatalog({
      'conf/base/catalog.yml':
        'model:\n  type: json\n  filepath: data/06_models/model.json\n  versioned: true\n',
    });
    assert.match(catalog.saveVersion ?? '', /^\d{4}-\d\d-\d\dT\d\d\.\d\d\.\d\d\.\d{3}Z$/);
    await catalog.save('model', { w: 1 });
    assert.ok(existsSync(join(projectPath, 'data/06_models/model.json', catalog.saveVersion!, 'model.json')));
  });

  it('builds datasets from patterns declared in YAML with locations', async () => {
    const { catalog } = await projectCatalog({
      'conf/base/catalog.yml': '"{layer}.{name}":\n  type: json\n  filepath: data/{layer}/{name}.json\n',
    });
    await catalog.save('raw.companies', [1]);
    assert.deepEqual(await catalog.load('raw.companies'), [1]);
    assert.match(String(catalog.describe('raw.companies').filepath), /data\/raw\/companies\.json$/);
    assert.deepEqual(catalog.location('raw.companies'), {
      file: 'conf/base/catalog.yml',
      line: 1,
      column: 1,
    });
  });

  it('reports a missing export with a CatalogError subclass of DatasetError', async () => {
    const { catalog } = await projectCatalog({
      'src/datasets.ts': CUSTOM_MODULE,
      'conf/base/catalog.yml': 'x:\n  type: ./src/datasets.ts#\n',
    });
    const error = await rejectionOf(() => catalog.load('x'));
    assert.ok(error instanceof CatalogError);
    assert.match(error.message, /must name a module and an export/);
  });
});

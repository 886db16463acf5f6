import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { Dataset } from '../../src/io/index.ts';
import {
  CatalogAggregateError,
  CatalogError,
  DataCatalog,
  DatasetTypeRegistry,
  MemoryDataset,
  memoryDatasetFromConfig,
} from '../../src/io/index.ts';
import { errorOf, rejectionOf } from '../config/project-fixture.ts';

/** A registry with memory plus a "box" type whose datasets record how they were built. */
function testRegistry(): DatasetTypeRegistry {
  const registry = new DatasetTypeRegistry();
  registry.register('memory', memoryDatasetFromConfig);
  registry.register('box', (options, context) => {
    let stored: unknown = options.initial;
    const dataset: Dataset = {
      load: () => stored,
      save: (data) => {
        stored = data;
      },
      exists: () => stored !== undefined,
      release: () => {},
      describe: () => ({ type: 'box', ...options, built_as: context.name }),
    };
    return dataset;
  });
  registry.register('slow_box', async (options) => {
    await new Promise((resolve) => setTimeout(resolve, 5));
    return new MemoryDataset('slow', {}, { data: options.initial });
  });
  return registry;
}

function fromConfig(
  catalogConfig: Record<string, unknown>,
  parameters: Record<string, unknown> = {},
): Promise<DataCatalog> {
  return DataCatalog.fromConfig({
    catalogConfig,
    parameters,
    projectPath: process.cwd(),
    registry: testRegistry(),
  });
}

describe('DataCatalog: names and datasets', () => {
  it('gives an unknown name a memory dataset, synchronously, and keeps it', () => {
    const catalog = new DataCatalog();
    const dataset = catalog.get('intermediate');
    assert.ok(dataset instanceof MemoryDataset);
    assert.equal(catalog.get('intermediate'), dataset);
    dataset.save([1, 2]);
    assert.deepEqual(catalog.get('intermediate').load(), [1, 2]);
    assert.ok(catalog.list().includes('intermediate'));
  });

  it('builds declared datasets in materialize, after which get is synchronous', async () => {
    const catalog = await fromConfig({ a: { type: 'box', initial: 1 }, b: { type: 'slow_box', initial: 2 } });
    const error = errorOf(() => catalog.get('a'));
    assert.ok(error instanceof CatalogError);
    assert.match(
      error.message,
      /^Dataset "a" \(type box\): it is declared in the catalog but was not built yet\./,
    );
    assert.match(error.hint ?? '', /materialize/);

    await catalog.materialize(['a', 'b', 'c']);
    assert.equal(catalog.get('a').load(), 1);
    assert.equal(catalog.get('b').load(), 2);
    assert.ok(catalog.get('c') instanceof MemoryDataset);
    assert.equal(catalog.get('a').describe().built_as, 'a');
  });

  it('builds on demand in the async load and save, once even when asked concurrently', async () => {
    let builds = 0;
    const registry = testRegistry();
    registry.register('counted', async () => {
      builds++;
      await new Promise((resolve) => setTimeout(resolve, 5));
      return new MemoryDataset('counted');
    });
    const catalog = await DataCatalog.fromConfig({
      catalogConfig: { x: { type: 'counted' } },
      projectPath: process.cwd(),
      registry,
    });
    await Promise.all([catalog.save('x', 5), catalog.materialize(['x']), catalog.exists('x')]);
    assert.equal(builds, 1);
    assert.equal(await catalog.load('x'), 5);
    assert.equal(await catalog.exists('nothing'), false);
    assert.equal(catalog.list().includes('nothing'), false);
  });

  it('reports every bad entry at once, in the order asked, and keeps the good ones', async () => {
    const catalog = await fromConfig(
      { good: { type: 'box' }, typo: { type: 'bxo' }, worse: { type: 'nope' } },
      { a: 1 },
    );
    const error = await rejectionOf(() => catalog.materialize(['typo', 'good', 'params:b', 'worse']));
    assert.ok(error instanceof CatalogAggregateError);
    assert.deepEqual(
      error.errors.map((each) => each.datasetName),
      ['typo', 'params:b', 'worse'],
    );
    assert.match(error.message, /3 catalog entries can't be built/);
    assert.match(error.message, /Dataset "typo" \(type bxo\): its type is unknown\. Did you mean "box"\?/);
    assert.match(error.message, /Known types: box, memory, slow_box/);
    assert.equal(catalog.get('good').describe().type, 'box');
  });

  it('skips _templates and rejects entries without settings or type, all at once', async () => {
    const error = await rejectionOf(() =>
      fromConfig({ _template: 'text', ok: { type: 'box' }, flat: 'data.csv', untyped: { filepath: 'x' } }),
    );
    assert.ok(error instanceof CatalogAggregateError);
    assert.equal(error.errors.length, 2);
    assert.match(error.errors[0]!.message, /^Dataset "flat": the catalog entry is a string, not a mapping/);
    assert.match(error.errors[0]!.hint ?? '', /start its name with "_"/);
    assert.match(error.errors[1]!.message, /^Dataset "untyped": the catalog entry has no "type"/);
    assert.match(error.errors[1]!.hint ?? '', /known types: box, memory, slow_box/);
  });

  it('wraps a factory failure with the dataset, its type and the factory message, once', async () => {
    const registry = testRegistry();
    registry.register('fragile', (_options, context) => {
      throw new Error(`Dataset "${context.name}" (fragile): option "x" must be a number`);
    });
    const catalog = await DataCatalog.fromConfig({
      catalogConfig: { f: { type: 'fragile' } },
      projectPath: process.cwd(),
      registry,
    });
    const error = await rejectionOf(() => catalog.load('f'));
    assert.ok(error instanceof CatalogError);
    assert.equal(
      error.message,
      'Dataset "f" (type fragile): it can\'t be created: option "x" must be a number',
    );
  });

  it('rejects a factory result that is not a dataset', async () => {
    const registry = testRegistry();
    registry.register('broken', () => ({ load: () => 1 }) as unknown as Dataset);
    const catalog = await DataCatalog.fromConfig({
      catalogConfig: { b: { type: 'broken' } },
      projectPath: process.cwd(),
      registry,
    });
    const error = await rejectionOf(() => catalog.materialize(['b']));
    assert.match(error.message, /not a dataset: it lacks save, exists, release, describe/);
  });

  it('answers has, isEphemeral, typeOf, describe and list', async () => {
    const catalog = await fromConfig(
      { stored: { type: 'box', path: 'x' }, scratch: { type: 'memory' }, '{name}_box': { type: 'box' } },
      { model: { size: 2 } },
    );
    assert.equal(catalog.has('stored'), true);
    assert.equal(catalog.has('any_box'), true);
    assert.equal(catalog.has('params:model.size'), true);
    assert.equal(catalog.has('params:model.sise'), false);
    assert.equal(catalog.has('unknown'), false);

    assert.equal(catalog.isEphemeral('stored'), false);
    assert.equal(catalog.isEphemeral('scratch'), true);
    assert.equal(catalog.isEphemeral('unknown'), true);
    assert.equal(catalog.isEphemeral('params:model'), true);
    assert.equal(catalog.isEphemeral('a_box'), false);

    assert.equal(catalog.typeOf('stored'), 'box');
    assert.equal(catalog.typeOf('a_box'), 'box');
    assert.equal(catalog.typeOf('unknown'), 'memory');
    assert.deepEqual(catalog.describe('stored'), { type: 'box', path: 'x' });
    assert.equal(catalog.describe('unknown').type, 'memory');

    assert.deepEqual(catalog.list(), [
      'stored',
      'scratch',
      'parameters',
      'params:model',
      'params:model.size',
    ]);
    assert.deepEqual(catalog.list('^params:'), ['params:model', 'params:model.size']);
    assert.deepEqual(catalog.list(/^s/g), ['stored', 'scratch']);
    assert.deepEqual(catalog.patterns(), ['{name}_box']);
    assert.match(errorOf(() => catalog.list('(')).message, /not a valid regular expression/);
  });

  it('filters by name and type', async () => {
    const catalog = await fromConfig({
      raw_a: { type: 'box' },
      raw_b: { type: 'memory' },
      model: { type: 'box' },
    });
    assert.deepEqual(catalog.filter({ type: 'box' }), ['raw_a', 'model']);
    assert.deepEqual(catalog.filter({ name: 'raw', type: 'box' }), ['raw_a']);
    assert.deepEqual(catalog.filter({ type: /mem/ }), ['raw_b', 'parameters']);
    assert.deepEqual(catalog.filter({ name: /^raw/ }), ['raw_a', 'raw_b']);
  });

  it('adds datasets, refusing to replace unless asked, and feeds data', async () => {
    const catalog = await fromConfig({ declared: { type: 'box' } }, { seed: 1 });
    const error = errorOf(() => catalog.add('declared', new MemoryDataset('declared')));
    assert.ok(error instanceof CatalogError);
    assert.match(error.message, /already in the catalog/);
    assert.match(error.hint ?? '', /replace: true/);
    assert.throws(() => catalog.add('params:seed', new MemoryDataset('x')), /already in the catalog/);

    catalog.add('declared', new MemoryDataset('declared', {}, { data: 'mine' }), { replace: true });
    assert.equal(catalog.get('declared').load(), 'mine');
    assert.equal(catalog.typeOf('declared'), 'memory');

    catalog.feed({ input: { rows: 3 }, 'params:seed': 9 });
    assert.deepEqual(catalog.get('input').load(), { rows: 3 });
    assert.equal(await catalog.load('params:seed'), 9);
    assert.throws(() => catalog.feed({ input: 1 }, { replace: false }), /already in the catalog/);
  });

  it('makes shallow copies that share datasets but not additions', async () => {
    const catalog = await fromConfig({ shared: { type: 'box' } });
    await catalog.materialize(['shared']);
    const copy = catalog.shallowCopy();
    assert.equal(copy.get('shared'), catalog.get('shared'));
    copy.feed({ run_only: 1 });
    assert.equal(copy.has('run_only'), true);
    assert.equal(catalog.has('run_only'), false);
    assert.equal(copy.typeOf('shared'), 'box');
    assert.equal(copy.saveVersion, catalog.saveVersion);
  });

  it('releases built datasets and ignores ones never built', async () => {
    const catalog = new DataCatalog();
    catalog.feed({ a: 1 });
    await catalog.release('a');
    assert.equal(await catalog.exists('a'), false);
    await catalog.release('never');
  });
});

describe('DataCatalog without configuration', () => {
  it('holds the datasets it is given, and describes and lists them', async () => {
    const given = new MemoryDataset('given', {}, { data: [1] });
    const catalog = new DataCatalog({ datasets: { given } });
    assert.equal(catalog.get('given'), given);
    assert.deepEqual(await catalog.load('given'), [1]);
    assert.equal(catalog.has('given'), true);
    assert.equal(catalog.typeOf('given'), 'memory');
    assert.equal(catalog.location('given'), undefined);
    assert.equal(catalog.saveVersion, undefined);
    assert.deepEqual(catalog.patterns(), []);
    assert.deepEqual(catalog.list(), ['parameters', 'given']);
  });
});

describe('DataCatalog: parameters', () => {
  it('serves parameters and params:<dotted.key> as memory datasets', async () => {
    const catalog = new DataCatalog({
      parameters: { model: { test_size: 0.2, layers: [8, 4] }, 'flat.key': 'x' },
    });
    assert.deepEqual(catalog.get('parameters').load(), {
      model: { test_size: 0.2, layers: [8, 4] },
      'flat.key': 'x',
    });
    assert.equal(catalog.get('params:model.test_size').load(), 0.2);
    assert.deepEqual(await catalog.load('params:model'), { test_size: 0.2, layers: [8, 4] });
    assert.equal(catalog.get('params:flat.key').load(), 'x');
    assert.equal(catalog.location('params:model'), undefined);
  });

  it('rejects a params: name that does not exist, with a suggestion', () => {
    const catalog = new DataCatalog({ parameters: { model: { test_size: 0.2 } } });
    const error = errorOf(() => catalog.get('params:model.test_sise'));
    assert.ok(error instanceof CatalogError);
    assert.match(
      error.message,
      /^Dataset "params:model\.test_sise" \(type parameter\): no parameter "model\.test_sise" exists\. Did you mean "params:model\.test_size"\?/,
    );
    assert.match(error.hint ?? '', /parameters\.yml/);
  });
});

describe('DataCatalog: memory settings from YAML', () => {
  it('maps copy_mode to the memory dataset copy mode', async () => {
    const catalog = await fromConfig({
      shared: { type: 'memory', copy_mode: 'assign' },
      safe: { type: 'memory', copy_mode: 'deepcopy' },
    });
    await catalog.materialize(['shared', 'safe']);
    assert.deepEqual(catalog.describe('shared'), { type: 'memory', copyMode: 'assign' });
    const value = { n: 1 };
    catalog.get('shared').save(value);
    assert.equal(catalog.get('shared').load(), value);
    catalog.get('safe').save(value);
    assert.notEqual(catalog.get('safe').load(), value);
  });

  it('rejects an unknown copy_mode or setting with a suggestion', async () => {
    const catalog = await fromConfig({
      m: { type: 'memory', copy_mode: 'deep_copy' },
      n: { type: 'memory', copymode: 'assign' },
    });
    const error = await rejectionOf(() => catalog.materialize(['m', 'n']));
    assert.match(
      error.message,
      /Dataset "m" \(type memory\): copy_mode must be one of freeze, deepcopy, assign, auto, not "deep_copy"\. Did you mean "deepcopy"\?/,
    );
    assert.match(
      error.message,
      /Dataset "n" \(type memory\): "copymode" is not a setting of memory datasets\. Did you mean "copy_mode"\?/,
    );
  });
});

import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import {
  CatalogAggregateError,
  CatalogError,
  DataCatalog,
  DatasetPattern,
  DatasetTypeRegistry,
  MemoryDataset,
  sortPatterns,
} from '../../src/io/index.ts';
import { errorOf, rejectionOf } from '../config/project-fixture.ts';

function recordingRegistry(): DatasetTypeRegistry {
  const registry = new DatasetTypeRegistry();
  for (const type of ['csv', 'json', 'memory', 'parquet']) {
    registry.register(type, (options, context) => {
      const dataset = new MemoryDataset(context.name);
      return Object.assign(dataset, { describe: () => ({ type, ...options }) });
    });
  }
  return registry;
}

function catalogOf(
  catalogConfig: Record<string, unknown>,
  loadVersions?: Record<string, string>,
): Promise<DataCatalog> {
  return DataCatalog.fromConfig({
    catalogConfig,
    projectPath: process.cwd(),
    registry: recordingRegistry(),
    ...(loadVersions === undefined ? {} : { loadVersions }),
  });
}

describe('dataset factory patterns', () => {
  it('sorts like Kedro: more literal characters, then more placeholders, then alphabetically', () => {
    const patterns = [
      '{namespace}.int_{name}{a}',
      '{namespace}.{name}',
      '{name}',
      '{namespace}.ant_{name}{c}',
    ].map((pattern) => new DatasetPattern(pattern, {}));
    assert.deepEqual(
      sortPatterns(patterns).map((pattern) => pattern.pattern),
      ['{namespace}.ant_{name}{c}', '{namespace}.int_{name}{a}', '{namespace}.{name}', '{name}'],
    );
    const tie = ['{a}_{b}_x', '{a}_y_{b}', '{ab}__x'].map((pattern) => new DatasetPattern(pattern, {}));
    assert.deepEqual(
      sortPatterns(tie).map((pattern) => pattern.pattern),
      ['{a}_y_{b}', '{a}_{b}_x', '{ab}__x'],
    );
  });

  it('matches whole names, placeholders taking as little as possible from the left', () => {
    const pattern = new DatasetPattern('{namespace}.{name}', {});
    assert.deepEqual(pattern.match('a.b.c'), { namespace: 'a', name: 'b.c' });
    assert.equal(pattern.match('nodot'), undefined);
    assert.equal(new DatasetPattern('{name}_csv', {}).match('x_csv_old'), undefined);
    assert.equal(new DatasetPattern('{name}_csv', {}).match('_csv'), undefined);
    const repeated = new DatasetPattern('{a}-{a}', {});
    assert.deepEqual(repeated.match('x-x'), { a: 'x' });
    assert.equal(repeated.match('x-y'), undefined);
  });

  it('substitutes placeholders into every string value, recursively', () => {
    const pattern = new DatasetPattern('{namespace}.{name}_csv', {
      type: 'csv',
      filepath: 'data/{namespace}/{name}.csv',
      load_args: { comment: '# {name}', columns: ['{name}_id', 7] },
      versioned: true,
    });
    assert.deepEqual(pattern.resolve('sales.orders_csv'), {
      type: 'csv',
      filepath: 'data/sales/orders.csv',
      load_args: { comment: '# orders', columns: ['orders_id', 7] },
      versioned: true,
    });
  });

  it('rejects settings that use a placeholder the name lacks', () => {
    const error = errorOf(
      () => new DatasetPattern('{name}_csv', { type: 'csv', filepath: '{folder}/{name}.csv' }),
    );
    assert.ok(error instanceof CatalogError);
    assert.match(
      error.message,
      /^Dataset "\{name\}_csv": the pattern uses \{folder\} in its settings, but its name has only \{name\}/,
    );
  });

  it('resolves names through the catalog: declared first, then the most specific pattern, then the catch-all', async () => {
    const catalog = await catalogOf({
      'sales.orders_csv': { type: 'json', filepath: 'declared.json' },
      '{namespace}.{name}_csv': { type: 'csv', filepath: 'data/{namespace}/{name}.csv' },
      '{name}_csv': { type: 'csv', filepath: 'data/{name}.csv' },
      '{default}': { type: 'parquet', filepath: 'data/other/{default}.parquet' },
    });
    await catalog.materialize(['sales.orders_csv', 'sales.items_csv', 'items_csv', 'anything']);
    assert.deepEqual(catalog.describe('sales.orders_csv'), { type: 'json', filepath: 'declared.json' });
    assert.deepEqual(catalog.describe('sales.items_csv'), { type: 'csv', filepath: 'data/sales/items.csv' });
    assert.deepEqual(catalog.describe('items_csv'), { type: 'csv', filepath: 'data/items.csv' });
    assert.deepEqual(catalog.describe('anything'), {
      type: 'parquet',
      filepath: 'data/other/anything.parquet',
    });
    assert.deepEqual(catalog.patterns(), ['{namespace}.{name}_csv', '{name}_csv', '{default}']);
    assert.equal(catalog.has('whatever'), true);
    assert.equal(catalog.isEphemeral('whatever'), false);
  });

  it('describes and locates a pattern-matched name before it is built', async () => {
    const catalog = await DataCatalog.fromConfig({
      catalogConfig: { '{name}_csv': { type: 'csv', filepath: 'data/{name}.csv' } },
      projectPath: process.cwd(),
      registry: recordingRegistry(),
      locate: (key, path) =>
        key === 'catalog' && path[0] === '{name}_csv'
          ? { file: 'conf/base/catalog.yml', line: 7, column: 1 }
          : undefined,
    });
    assert.deepEqual(catalog.describe('shuttles_csv'), { type: 'csv', filepath: 'data/shuttles.csv' });
    assert.deepEqual(catalog.location('shuttles_csv'), { file: 'conf/base/catalog.yml', line: 7, column: 1 });
    assert.equal(catalog.location('shuttles'), undefined);
  });

  it('falls back to a memory dataset when nothing matches', async () => {
    const catalog = await catalogOf({ '{name}_csv': { type: 'csv' } });
    assert.equal(catalog.has('model'), false);
    assert.ok(catalog.get('model') instanceof MemoryDataset);
    assert.equal(catalog.isEphemeral('model'), true);
  });

  it('rejects two catch-all patterns', async () => {
    const error = await rejectionOf(() =>
      catalogOf({ '{default}': { type: 'csv' }, '{name}': { type: 'json' } }),
    );
    assert.ok(error instanceof CatalogAggregateError);
    assert.match(error.message, /2 catch-all patterns \("\{default\}", "\{name\}"\)/);
  });

  it('rejects load versions for names the catalog does not declare', async () => {
    const error = await rejectionOf(() =>
      catalogOf({ cars: { type: 'csv', versioned: true } }, { crs: '2024-01-01T00.00.00.000Z' }),
    );
    assert.ok(error instanceof CatalogAggregateError);
    assert.match(
      error.message,
      /load versions were given for "crs", which the catalog doesn't declare\. Did you mean "cars"\?/,
    );
    await catalogOf({ '{name}_csv': { type: 'csv', versioned: true } }, { cars_csv: 'v1' });
  });
});

/**
 * CatalogResolver, the public name-resolution API: what a name resolves to without building
 * anything, and a configuration checked as a whole.
 */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { CatalogAggregateError, CatalogResolver, DataCatalog } from '../../src/io/index.ts';
import { errorOf } from './support/temp-dir.ts';

const CATALOG = {
  _csv: { type: 'csv', save_args: { sep: ';' } },
  companies: { type: 'csv', filepath: 'data/companies.csv', credentials: 'warehouse' },
  '{name}_csv': { type: 'csv', filepath: 'data/{name}.csv', credentials: 'warehouse' },
  '{default}': { type: 'parquet', filepath: 'data/{default}.pq' },
};

test('resolves declared names, patterns and the catch-all, with locations, never reading credentials', () => {
  const locate = (key: string, path: readonly string[]) => ({
    file: `conf/base/${key}.yml`,
    line: path.length,
  });
  const resolver = new CatalogResolver(CATALOG, { locate });
  assert.deepEqual(resolver.declaredNames(), ['companies'], 'templates starting with "_" are skipped');
  assert.deepEqual(resolver.patternNames(), ['{name}_csv', '{default}']);
  assert.deepEqual(resolver.resolve('companies'), {
    name: 'companies',
    pattern: null,
    config: CATALOG.companies,
    location: { file: 'conf/base/catalog.yml', line: 1 },
  });
  assert.deepEqual(resolver.resolve('cars_csv')?.config, {
    type: 'csv',
    filepath: 'data/cars.csv',
    credentials: 'warehouse',
  });
  assert.equal(resolver.resolve('model_input')?.pattern, '{default}');
  assert.equal(resolver.matchesPattern('model_input', false), false);
  // A resolved config is a copy: changing it changes nothing in the resolver.
  resolver.resolve('companies')!.config.filepath = 'elsewhere.csv';
  assert.equal(resolver.resolve('companies')?.config.filepath, 'data/companies.csv');
});

test('a bad configuration is reported whole, every problem at once', async () => {
  const error = await errorOf(
    () =>
      new CatalogResolver({
        broken: 'data/x.csv',
        untyped: { filepath: 'x.csv' },
        '{a}_csv': { type: 'csv', filepath: '{b}.csv' },
        '{x}': { type: 'json' },
        '{y}': { type: 'json' },
      }),
  );
  assert.ok(error instanceof CatalogAggregateError);
  assert.equal(error.errors.length, 4);
  assert.match(error.message, /"broken".*not a mapping/);
  assert.match(error.message, /"untyped".*no "type"/);
  assert.match(error.message, /\{b\}/);
  assert.match(error.message, /2 catch-all patterns/);
});

test('a catalog built from configuration exposes the same resolution', async () => {
  const catalog = await DataCatalog.fromConfig({ catalogConfig: CATALOG, projectPath: process.cwd() });
  assert.equal(catalog.resolver?.resolve('cars_csv')?.pattern, '{name}_csv');
  assert.equal(new DataCatalog().resolver, undefined);
});

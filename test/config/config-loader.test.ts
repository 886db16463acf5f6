import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { ConfigEnvironmentError, ConfigError, ConfigLoader } from '../../src/config/index.ts';
import { errorOf, writeProject } from './project-fixture.ts';

describe('ConfigLoader: environments and layering', () => {
  it('layers the run environment over base with a soft (deep) merge', () => {
    const projectPath = writeProject({
      'conf/base/parameters.yml': 'model:\n  test_size: 0.2\n  seed: 1\n  features: [a, b, c]\nowner: base\n',
      'conf/local/parameters.yml': 'model:\n  test_size: 0.3\n  features: [x]\n',
    });
    const loader = new ConfigLoader({ projectPath });
    assert.deepEqual(loader.get('parameters'), {
      model: { test_size: 0.3, seed: 1, features: ['x'] },
      owner: 'base',
    });
  });

  it('merges catalog entries per key, so an environment can override one setting of a dataset', () => {
    const projectPath = writeProject({
      'conf/base/catalog.yml': 'companies:\n  type: csv\n  filepath: data/companies.csv\n',
      'conf/prod/catalog.yml': 'companies:\n  filepath: s3/companies.csv\n',
    });
    const loader = new ConfigLoader({ projectPath, env: 'prod' });
    assert.deepEqual(loader.get('catalog'), { companies: { type: 'csv', filepath: 's3/companies.csv' } });
    assert.deepEqual(loader.locate('catalog', ['companies', 'filepath']), {
      file: 'conf/prod/catalog.yml',
      line: 2,
      column: 3,
    });
    assert.deepEqual(loader.locate('catalog', ['companies', 'type']), {
      file: 'conf/base/catalog.yml',
      line: 2,
      column: 3,
    });
  });

  it('replaces whole top-level keys with the destructive strategy', () => {
    const projectPath = writeProject({
      'conf/base/catalog.yml': 'companies:\n  type: csv\n  filepath: data/companies.csv\n',
      'conf/local/catalog.yml': 'companies:\n  filepath: other.csv\n',
    });
    const loader = new ConfigLoader({ projectPath, mergeStrategy: { catalog: 'destructive' } });
    assert.deepEqual(loader.get('catalog'), { companies: { filepath: 'other.csv' } });
  });

  it('is fine without conf/local, the default run environment', () => {
    const projectPath = writeProject({ 'conf/base/parameters.yml': 'a: 1\n' });
    const loader = new ConfigLoader({ projectPath });
    assert.equal(loader.env, 'local');
    assert.deepEqual(loader.get('parameters'), { a: 1 });
  });

  it('rejects a run environment that has no folder, suggesting the nearest one', () => {
    const projectPath = writeProject({
      'conf/base/parameters.yml': 'a: 1\n',
      'conf/production/parameters.yml': 'a: 2\n',
    });
    const error = errorOf(() => new ConfigLoader({ projectPath, env: 'prodution' }));
    assert.ok(error instanceof ConfigEnvironmentError);
    assert.match(error.message, /"prodution" doesn't exist/);
    assert.match(error.message, /conf\/prodution/);
    assert.match(error.hint ?? '', /Did you mean "production"\?/);
  });

  it('rejects a project without a configuration folder', () => {
    const projectPath = writeProject({});
    const error = errorOf(() => new ConfigLoader({ projectPath, confSource: 'settings' }));
    assert.ok(error instanceof ConfigEnvironmentError);
    assert.match(error.message, /settings doesn't exist/);
  });

  it('reads only base when the run environment is base', () => {
    const projectPath = writeProject({
      'conf/base/parameters.yml': 'a: 1\n',
      'conf/local/parameters.yml': 'a: 2\n',
    });
    assert.deepEqual(new ConfigLoader({ projectPath, env: 'base' }).get('parameters'), { a: 1 });
  });
});

describe('ConfigLoader: file patterns', () => {
  it('reads catalog*, catalog/** and **/catalog* files, YAML and JSON, skipping hidden ones', () => {
    const projectPath = writeProject({
      'conf/base/catalog.yml': 'a:\n  type: memory\n',
      'conf/base/catalog_extra.yaml': 'b:\n  type: memory\n',
      'conf/base/catalog/more.yml': 'c:\n  type: memory\n',
      'conf/base/pipelines/ds/catalog.yml': 'd:\n  type: memory\n',
      'conf/base/catalog.json': '{"e": {"type": "memory"}}',
      'conf/base/.catalog_hidden.yml': 'hidden:\n  type: memory\n',
      'conf/base/.hidden/catalog.yml': 'hidden2:\n  type: memory\n',
      'conf/base/catalog_notes.txt': 'not: config\n',
      'conf/base/parameters.yml': 'p: 1\n',
    });
    const loader = new ConfigLoader({ projectPath });
    assert.deepEqual(Object.keys(loader.get('catalog')).sort(), ['a', 'b', 'c', 'd', 'e']);
    assert.deepEqual(loader.files('catalog'), [
      'conf/base/catalog.json',
      'conf/base/catalog.yml',
      'conf/base/catalog/more.yml',
      'conf/base/catalog_extra.yaml',
      'conf/base/pipelines/ds/catalog.yml',
    ]);
    assert.deepEqual(loader.locate('catalog', ['d']), {
      file: 'conf/base/pipelines/ds/catalog.yml',
      line: 1,
      column: 1,
    });
  });

  it('takes extra configuration keys through configPatterns', () => {
    const projectPath = writeProject({
      'conf/base/hooks.yml': 'alerts:\n  on: failure\n',
      'conf/base/hooks/slack.yml': 'slack:\n  channel: "#data"\n',
    });
    const loader = new ConfigLoader({ projectPath, configPatterns: { hooks: ['hooks*', 'hooks/**'] } });
    assert.deepEqual(loader.get('hooks'), { alerts: { on: 'failure' }, slack: { channel: '#data' } });
    assert.ok(loader.keys().includes('hooks'));
    assert.deepEqual(loader.locate('hooks', ['slack', 'channel']), {
      file: 'conf/base/hooks/slack.yml',
      line: 2,
      column: 3,
    });
  });

  it('gives {} for a key with no files, and an error naming the known keys for an unknown one', () => {
    const projectPath = writeProject({});
    const loader = new ConfigLoader({ projectPath });
    assert.deepEqual(loader.get('credentials'), {});
    const error = errorOf(() => loader.get('catalgo'));
    assert.ok(error instanceof ConfigError);
    assert.match(error.message, /Did you mean "catalog"\?/);
    assert.match(error.hint ?? '', /configPatterns/);
  });
});

describe('ConfigLoader: values', () => {
  it('drops _templates from results (except parameters) but lets anchors and merge keys use them', () => {
    const projectPath = writeProject({
      'conf/base/catalog.yml':
        '_csv: &csv\n  type: csv\n  load_args:\n    sep: ";"\ncompanies:\n  <<: *csv\n  filepath: c.csv\nreviews:\n  <<: *csv\n  type: json\n',
      'conf/base/parameters.yml': '_private: 1\npublic: 2\n',
    });
    const loader = new ConfigLoader({ projectPath });
    assert.deepEqual(loader.get('catalog'), {
      companies: { type: 'csv', load_args: { sep: ';' }, filepath: 'c.csv' },
      reviews: { type: 'json', load_args: { sep: ';' } },
    });
    assert.deepEqual(loader.get('parameters'), { _private: 1, public: 2 });
  });

  it('treats an empty file as an empty mapping', () => {
    const projectPath = writeProject({
      'conf/base/catalog.yml': '# nothing yet\n',
      'conf/base/catalog_b.yml': 'b:\n  type: memory\n',
    });
    assert.deepEqual(new ConfigLoader({ projectPath }).get('catalog'), { b: { type: 'memory' } });
  });

  it('returns a copy, so callers cannot change the cached configuration', () => {
    const projectPath = writeProject({ 'conf/base/parameters.yml': 'a:\n  b: 1\n' });
    const loader = new ConfigLoader({ projectPath });
    (loader.get('parameters').a as Record<string, unknown>).b = 99;
    assert.deepEqual(loader.get('parameters'), { a: { b: 1 } });
  });

  it('locates nested keys and list items, falling back to the deepest existing part', () => {
    const projectPath = writeProject({
      'conf/base/parameters.yml': 'model:\n  layers:\n    - 16\n    - 32\n',
    });
    const loader = new ConfigLoader({ projectPath });
    assert.deepEqual(loader.locate('parameters', ['model', 'layers', '1']), {
      file: 'conf/base/parameters.yml',
      line: 4,
      column: 7,
    });
    assert.deepEqual(loader.locate('parameters', ['model', 'missing']), {
      file: 'conf/base/parameters.yml',
      line: 1,
      column: 1,
    });
    assert.equal(loader.locate('parameters', ['nothing']), undefined);
  });

  it('overrides parameters with runtime parameters, dotted or nested, parsed as YAML scalars', () => {
    const projectPath = writeProject({
      'conf/base/parameters.yml': 'model:\n  test_size: 0.2\n  name: linear\n',
    });
    const loader = new ConfigLoader({
      projectPath,
      runtimeParams: {
        'model.test_size': '0.5',
        'model.layers': '[8, 4]',
        flag: 'true',
        nested: { deep: '7' },
        text: 'hello world',
      },
    });
    assert.deepEqual(loader.get('parameters'), {
      model: { test_size: 0.5, name: 'linear', layers: [8, 4] },
      flag: true,
      nested: { deep: 7 },
      text: 'hello world',
    });
    assert.deepEqual(loader.locate('parameters', ['model', 'test_size']), { file: '--params' });
  });
});

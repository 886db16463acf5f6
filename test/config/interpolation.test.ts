import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { ConfigLoader, InterpolationError } from '../../src/config/index.ts';
import { errorOf, writeProject } from './project-fixture.ts';

describe('interpolation', () => {
  it('reads globals with their type when whole, as text when embedded, with dotted keys and defaults', () => {
    const projectPath = writeProject({
      'conf/base/globals.yml': 'paths:\n  raw: data/01_raw\nrows: 100\ncolumns: [a, b]\n',
      'conf/base/parameters.yml': [
        'rows: ${globals:rows}',
        'columns: ${globals:columns}',
        'label: "rows=${globals:rows}"',
        'missing_number: ${globals:nope, 5}',
        "missing_text: ${globals:nope, 'two words'}",
        'paths: ${globals:paths}',
        '',
      ].join('\n'),
      'conf/base/catalog.yml': 'companies:\n  type: csv\n  filepath: ${globals:paths.raw}/companies.csv\n',
    });
    const loader = new ConfigLoader({ projectPath });
    assert.deepEqual(loader.get('parameters'), {
      rows: 100,
      columns: ['a', 'b'],
      label: 'rows=100',
      missing_number: 5,
      missing_text: 'two words',
      paths: { raw: 'data/01_raw' },
    });
    assert.equal(
      (loader.get('catalog').companies as Record<string, unknown>).filepath,
      'data/01_raw/companies.csv',
    );
  });

  it('layers globals like any other key, so an environment can change them', () => {
    const projectPath = writeProject({
      'conf/base/globals.yml': 'bucket: dev-bucket\n',
      'conf/prod/globals.yml': 'bucket: prod-bucket\n',
      'conf/base/catalog.yml': 'x:\n  type: json\n  filepath: ${globals:bucket}/x.json\n',
    });
    assert.deepEqual(new ConfigLoader({ projectPath, env: 'prod' }).get('catalog'), {
      x: { type: 'json', filepath: 'prod-bucket/x.json' },
    });
  });

  it('reads runtime parameters with defaults', () => {
    const projectPath = writeProject({
      'conf/base/parameters.yml':
        'seed: ${runtime_params:seed, 42}\nsplit: ${runtime_params:ratio.split, 0.1}\n',
      'conf/base/catalog.yml':
        'out:\n  type: json\n  filepath: data/${runtime_params:run_name, default}.json\n',
    });
    const withParams = new ConfigLoader({
      projectPath,
      runtimeParams: { seed: '7', 'ratio.split': '0.25', run_name: 'nightly' },
    });
    assert.equal(withParams.get('parameters').seed, 7);
    assert.equal(withParams.get('parameters').split, 0.25);
    // Runtime parameters also land in the parameters themselves, as Kedro's --params does.
    assert.deepEqual(withParams.get('parameters').ratio, { split: 0.25 });
    assert.equal((withParams.get('catalog').out as Record<string, unknown>).filepath, 'data/nightly.json');
    const without = new ConfigLoader({ projectPath });
    assert.deepEqual(without.get('parameters'), { seed: 42, split: 0.1 });
    assert.equal(withParams.get('parameters').run_name, 'nightly');
  });

  it('reads environment variables in credentials, with defaults', () => {
    const projectPath = writeProject({
      'conf/local/credentials.yml':
        'db:\n  user: ${env:DB_USER, reader}\n  password: ${env:DB_PASSWORD}\n  url: "postgres://${env:DB_HOST}/x"\n',
    });
    const loader = new ConfigLoader({
      projectPath,
      environ: { DB_PASSWORD: 's3cret', DB_HOST: 'db.internal' },
    });
    assert.deepEqual(loader.get('credentials'), {
      db: { user: 'reader', password: 's3cret', url: 'postgres://db.internal/x' },
    });
  });

  it('resolves references to other keys of the same configuration, including _templates', () => {
    const projectPath = writeProject({
      'conf/base/catalog.yml':
        '_root: data/01_raw\ncompanies:\n  type: csv\n  filepath: ${_root}/companies.csv\n',
      'conf/base/parameters.yml': 'model:\n  size: 3\ncopy: ${model.size}\n',
    });
    const loader = new ConfigLoader({ projectPath });
    assert.deepEqual(loader.get('catalog'), {
      companies: { type: 'csv', filepath: 'data/01_raw/companies.csv' },
    });
    assert.equal(loader.get('parameters').copy, 3);
  });

  it('keeps \\${ as a literal and resolves nested interpolations', () => {
    const projectPath = writeProject({
      'conf/base/globals.yml': 'which: beta\nbeta: chosen\n',
      'conf/base/parameters.yml':
        'literal: "cost \\\\${dollars}"\nnested: ${globals:${runtime_params:pick, which}}\n',
    });
    const parameters = new ConfigLoader({ projectPath }).get('parameters');
    assert.equal(parameters.literal, 'cost ${dollars}');
    assert.equal(parameters.nested, 'beta');
  });

  it('names file, line and column for a cycle', () => {
    const projectPath = writeProject({ 'conf/base/parameters.yml': 'a: ${b}\nb: ${a}\n' });
    const error = errorOf(() => new ConfigLoader({ projectPath }).get('parameters'));
    assert.ok(error instanceof InterpolationError);
    assert.match(error.message, /^conf\/base\/parameters\.yml:\d+:\d+: .*refers back to itself/);
  });
});

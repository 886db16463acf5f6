import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import {
  ConfigError,
  ConfigShapeError,
  ConfigSyntaxError,
  ConfigLoader,
  DuplicateConfigKeyError,
  InterpolationError,
} from '../../src/config/index.ts';
import { errorOf, writeProject } from './project-fixture.ts';

function loadError(
  files: Record<string, string>,
  key: string,
  options: Partial<ConstructorParameters<typeof ConfigLoader>[0]> = {},
): Error {
  const projectPath = writeProject(files);
  return errorOf(() => new ConfigLoader({ projectPath, ...options }).get(key));
}

describe('configuration errors name file, line and column and say what to do', () => {
  it('the same top-level key in two files of one environment names both files', () => {
    const error = loadError(
      {
        'conf/base/catalog.yml': 'companies:\n  type: csv\n',
        'conf/base/catalog/extra.yml': 'other:\n  type: json\n\ncompanies:\n  type: json\n',
      },
      'catalog',
    );
    assert.ok(error instanceof DuplicateConfigKeyError);
    assert.match(
      error.message,
      /^conf\/base\/catalog\/extra\.yml:4:1: "companies" is declared twice in the "base" environment: first at conf\/base\/catalog\.yml:1:1/,
    );
    assert.deepEqual(error.location, { file: 'conf/base/catalog/extra.yml', line: 4, column: 1 });
    assert.equal(error.locations.length, 2);
    assert.match(error.hint ?? '', /Keep one/);
  });

  it('parameters may split one mapping over files, but not declare one leaf twice', () => {
    const projectPath = writeProject({
      'conf/base/parameters.yml': 'model:\n  a: 1\n',
      'conf/base/parameters_more.yml': 'model:\n  b: 2\n',
    });
    assert.deepEqual(new ConfigLoader({ projectPath }).get('parameters'), { model: { a: 1, b: 2 } });

    const error = loadError(
      { 'conf/base/parameters.yml': 'model:\n  a: 1\n', 'conf/base/parameters_more.yml': 'model:\n  a: 2\n' },
      'parameters',
    );
    assert.ok(error instanceof DuplicateConfigKeyError);
    assert.match(
      error.message,
      /^conf\/base\/parameters_more\.yml:2:3: "model\.a" is declared twice .* conf\/base\/parameters\.yml:2:3/,
    );
  });

  it('the same key in base and the run environment is an override, not an error', () => {
    const projectPath = writeProject({
      'conf/base/catalog.yml': 'a:\n  type: csv\n',
      'conf/local/catalog.yml': 'a:\n  type: json\n',
    });
    assert.deepEqual(new ConfigLoader({ projectPath }).get('catalog'), { a: { type: 'json' } });
  });

  it('a YAML syntax error shows the line', () => {
    const error = loadError(
      { 'conf/base/catalog.yml': 'companies:\n  type: csv\n  filepath: [a, b\nother: 1\n' },
      'catalog',
    );
    assert.ok(error instanceof ConfigSyntaxError);
    assert.match(error.message, /^conf\/base\/catalog\.yml:\d+:\d+: invalid YAML: /);
    assert.match(error.message, /filepath: \[a, b/);
    assert.ok(error.location?.line !== undefined && error.location.column !== undefined);
    assert.match(error.hint ?? '', /Fix the YAML/);
  });

  it('a duplicate key inside one file is a syntax error at the second key', () => {
    const error = loadError({ 'conf/base/parameters.yml': 'a: 1\nb: 2\na: 3\n' }, 'parameters');
    assert.ok(error instanceof ConfigSyntaxError);
    assert.match(error.message, /^conf\/base\/parameters\.yml:3:1: invalid YAML: Map keys must be unique/);
  });

  it('a syntax error in credentials does not print the line, which may hold a secret', () => {
    const error = loadError(
      { 'conf/local/credentials.yml': 'db:\n  password: "hunter2-secret\n' },
      'credentials',
    );
    assert.ok(error instanceof ConfigSyntaxError);
    assert.match(error.message, /^conf\/local\/credentials\.yml:\d+:\d+: invalid YAML/);
    assert.doesNotMatch(error.message, /hunter2/);
  });

  it('a top-level list is a shape error', () => {
    const error = loadError({ 'conf/base/catalog.yml': '- companies\n- shuttles\n' }, 'catalog');
    assert.ok(error instanceof ConfigShapeError);
    assert.match(
      error.message,
      /^conf\/base\/catalog\.yml:1:1: the top level of this file is a list, but a configuration file must be a mapping/,
    );
  });

  it('a top-level scalar is a shape error', () => {
    const error = loadError({ 'conf/base/parameters.yml': '\n\njust text\n' }, 'parameters');
    assert.ok(error instanceof ConfigShapeError);
    assert.match(
      error.message,
      /^conf\/base\/parameters\.yml:3:1: the top level of this file is a single value/,
    );
  });

  it('an unknown resolver, with a suggestion', () => {
    const error = loadError(
      { 'conf/base/catalog.yml': 'a:\n  type: csv\n  filepath: ${global:root}/a.csv\n' },
      'catalog',
    );
    assert.ok(error instanceof InterpolationError);
    assert.match(
      error.message,
      /^conf\/base\/catalog\.yml:3:13: \$\{global:root\} uses the unknown resolver "global"\. Did you mean "globals"\?/,
    );
  });

  it('oc.env gets a hint about env: in credentials', () => {
    const error = loadError(
      { 'conf/local/credentials.yml': 'db:\n  password: ${oc.env:PW}\n' },
      'credentials',
      { environ: {} },
    );
    assert.ok(error instanceof InterpolationError);
    assert.match(error.hint ?? '', /\$\{env:VAR\}/);
  });

  it('a missing globals key without a default', () => {
    const error = loadError(
      { 'conf/base/globals.yml': 'bucket: b\n', 'conf/base/parameters.yml': 'x:\n  y: ${globals:buckt}\n' },
      'parameters',
    );
    assert.ok(error instanceof InterpolationError);
    assert.match(
      error.message,
      /^conf\/base\/parameters\.yml:2:6: \$\{globals:buckt\} can't be resolved: the globals have no key "buckt"\. Did you mean "bucket"\?/,
    );
    assert.match(error.hint ?? '', /globals\.yml.*default/);
  });

  it('a missing runtime parameter without a default', () => {
    const error = loadError({ 'conf/base/parameters.yml': 'seed: ${runtime_params:seed}\n' }, 'parameters');
    assert.ok(error instanceof InterpolationError);
    assert.match(error.message, /^conf\/base\/parameters\.yml:1:7: .*no runtime parameter "seed"/);
    assert.match(error.hint ?? '', /--params "seed=<value>"/);
  });

  it('runtime parameters are not allowed in globals', () => {
    const error = loadError({ 'conf/base/globals.yml': 'x: ${runtime_params:x, 1}\n' }, 'globals');
    assert.ok(error instanceof InterpolationError);
    assert.match(error.message, /^conf\/base\/globals\.yml:1:4: .*can't be used in globals/);
  });

  it('env: outside credentials names the file and line and says where to move it', () => {
    for (const [file, key] of [
      ['conf/base/catalog.yml', 'catalog'],
      ['conf/base/parameters.yml', 'parameters'],
      ['conf/base/globals.yml', 'globals'],
    ] as const) {
      const text =
        key === 'catalog'
          ? 'db:\n  type: sql_table\n  password: ${env:DB_PASSWORD}\n'
          : 'pw: ${env:DB_PASSWORD}\n';
      const error = loadError({ [file]: text }, key, { environ: { DB_PASSWORD: 'leak' } });
      assert.ok(error instanceof InterpolationError, key);
      assert.match(
        error.message,
        new RegExp(
          `^${file.replace(/[./]/g, '\\$&')}:\\d+:\\d+: \\$\\{env:DB_PASSWORD\\}: environment variables can only be read in credentials files, not in ${key}\\.`,
        ),
      );
      assert.match(error.hint ?? '', /credentials\.yml/);
      assert.doesNotMatch(error.message, /leak/);
    }
  });

  it('an unset environment variable without a default', () => {
    const error = loadError(
      { 'conf/local/credentials.yml': 'db:\n  password: ${env:DB_PASSWORD}\n' },
      'credentials',
      { environ: {} },
    );
    assert.ok(error instanceof InterpolationError);
    assert.match(error.message, /^conf\/local\/credentials\.yml:2:13: .*"DB_PASSWORD" is not set/);
  });

  it('a self-reference to a missing key, and an unterminated interpolation', () => {
    const missing = loadError(
      { 'conf/base/parameters.yml': 'model:\n  size: 1\ncopy: ${model.sise}\n' },
      'parameters',
    );
    assert.ok(missing instanceof InterpolationError);
    assert.match(
      missing.message,
      /^conf\/base\/parameters\.yml:3:7: .*"model\.sise".*Did you mean "model\.size"\?/,
    );

    const unterminated = loadError({ 'conf/base/parameters.yml': 'a: "${globals:x"\n' }, 'parameters');
    assert.ok(unterminated instanceof InterpolationError);
    assert.match(unterminated.message, /^conf\/base\/parameters\.yml:1:4: .*never closes/);
  });

  it('every configuration error is a ConfigError and a SluiceError with a hint', () => {
    const error = loadError({ 'conf/base/catalog.yml': '- a\n' }, 'catalog');
    assert.ok(error instanceof ConfigError);
    assert.equal(error.name, 'ConfigShapeError');
    assert.ok((error as ConfigError).hint);
  });
});

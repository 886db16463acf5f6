import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import {
  ConfigError,
  normalizeRuntimeParams,
  parseParamsOption,
  parseScalar,
} from '../../src/config/index.ts';
import { errorOf } from './project-fixture.ts';

describe('runtime parameters', () => {
  it('reads values as YAML scalars', () => {
    assert.equal(parseScalar('3'), 3);
    assert.equal(parseScalar('0.5'), 0.5);
    assert.equal(parseScalar('true'), true);
    assert.equal(parseScalar('null'), null);
    assert.equal(parseScalar('text'), 'text');
    assert.equal(parseScalar(''), '');
    assert.equal(parseScalar("'007'"), '007');
    assert.deepEqual(parseScalar('[1, 2]'), [1, 2]);
    assert.equal(parseScalar('a: b'), 'a: b');
  });

  it('nests dotted keys and merges them with nested ones', () => {
    assert.deepEqual(normalizeRuntimeParams({ 'a.b': '1', 'a.c': 'x', a: { d: '2' }, e: 5 }), {
      a: { b: 1, c: 'x', d: 2 },
      e: 5,
    });
  });

  it('rejects empty name parts', () => {
    const error = errorOf(() => normalizeRuntimeParams({ 'a..b': '1' }));
    assert.ok(error instanceof ConfigError);
    assert.match(error.message, /empty part/);
  });

  it('splits a --params option on commas that start a new name=value pair', () => {
    assert.deepEqual(parseParamsOption('model.test_size=0.3, seed=7,layers=[1,2],note=a=b'), {
      'model.test_size': '0.3',
      seed: '7',
      layers: '[1,2]',
      note: 'a=b',
    });
    assert.deepEqual(parseParamsOption(''), {});
    assert.match(errorOf(() => parseParamsOption('novalue')).message, /needs a name and a value/);
  });
});

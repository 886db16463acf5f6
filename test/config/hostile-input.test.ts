/**
 * Configuration is read synchronously at start-up, so what a file can make Sluice build is
 * bounded (CONFIG_LIMITS): alias bombs, self-multiplying interpolations and deep nesting end in a
 * ConfigError naming file and line, quickly and in little memory. The tests assert the limit, not
 * the explosion: each document is one that, unbounded, grows by orders of magnitude.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import {
  ConfigLoader,
  ConfigShapeError,
  ConfigSyntaxError,
  InterpolationError,
} from '../../src/config/index.ts';
import {
  leafPaths,
  mergeAllSoft,
  mergeTrees,
  treeFromPlain,
  treeToPlain,
} from '../../src/config/config-tree.ts';
import type { ConfigMapNode } from '../../src/config/config-tree.ts';
import { CONFIG_LIMITS } from '../../src/config/limits.ts';
import { errorOf, writeProject } from './project-fixture.ts';

/** "Billion laughs": level 0 holds ten strings, each further level ten aliases of the one before. */
function aliasBomb(levels: number, indent = ''): string {
  const lines = [`${indent}l0: &l0 [${Array(10).fill('"lol"').join(', ')}]`];
  for (let level = 1; level <= levels; level++)
    lines.push(
      `${indent}l${level}: &l${level} [${Array(10)
        .fill(`*l${level - 1}`)
        .join(', ')}]`,
    );
  return `${lines.join('\n')}\n`;
}

function load(files: Record<string, string>, key: string): Record<string, unknown> {
  return new ConfigLoader({ projectPath: writeProject(files) }).get(key);
}

describe('hostile configuration: alias expansion is bounded', () => {
  it('a six-level alias bomb in parameters.yml (325 bytes → a million strings) is refused at an alias line', () => {
    const error = errorOf(() => load({ 'conf/base/parameters.yml': aliasBomb(6) }, 'parameters'));
    assert.ok(error instanceof ConfigShapeError, String(error));
    assert.match(
      error.message,
      /^conf\/base\/parameters\.yml:(\d+):\d+: the aliases in this file expand to more than 100,000 values/,
    );
    const line = Number(/^[^:]+:(\d+):/.exec(error.message)![1]);
    assert.ok(line >= 2 && line <= 7, `the line of an alias, not ${line}`);
    assert.match(error.hint ?? '', /billion laughs/);
  });

  it('a ten-level alias bomb in a catalog template ends the same way', () => {
    const text = `_templates:\n${aliasBomb(10, '  ')}companies:\n  type: csv\n  filepath: a.csv\n`;
    const error = errorOf(() => load({ 'conf/base/catalog.yml': text }, 'catalog'));
    assert.ok(error instanceof ConfigShapeError, String(error));
    assert.match(error.message, /^conf\/base\/catalog\.yml:\d+:\d+: the aliases in this file expand/);
  });

  it('merge keys count too: a chain of "<<" templates that doubles at each level', () => {
    const lines = ['t0: &t0 {a: 1, b: 2}'];
    for (let level = 1; level <= 20; level++)
      lines.push(`t${level}: &t${level} {x: {<<: *t${level - 1}}, y: {<<: *t${level - 1}}}`);
    const error = errorOf(() => load({ 'conf/base/parameters.yml': `${lines.join('\n')}\n` }, 'parameters'));
    assert.ok(error instanceof ConfigShapeError, String(error));
    assert.match(error.message, /the aliases in this file expand to more than/);
  });

  it('ordinary use stays well inside the bound: 2,000 datasets merging a 20-key template', () => {
    const template = Array.from({ length: 20 }, (_, index) => `  option_${index}: ${index}`).join('\n');
    const datasets = Array.from(
      { length: 2000 },
      (_, index) => `ds_${index}:\n  <<: *defaults\n  filepath: data/${index}.csv`,
    ).join('\n');
    const catalog = load(
      { 'conf/base/catalog.yml': `_defaults: &defaults\n${template}\n${datasets}\n` },
      'catalog',
    );
    assert.equal(Object.keys(catalog).length, 2000);
    assert.deepEqual((catalog.ds_1999 as Record<string, unknown>).option_19, 19);
    assert.equal((catalog.ds_1999 as Record<string, unknown>).filepath, 'data/1999.csv');
  });
});

describe('aliases without an anchor', () => {
  it('are a syntax error at the alias, not a silent null', () => {
    const error = errorOf(() => load({ 'conf/base/parameters.yml': 'a: 1\nb: *nowhere\n' }, 'parameters'));
    assert.ok(error instanceof ConfigSyntaxError, String(error));
    assert.match(
      error.message,
      /^conf\/base\/parameters\.yml:2:4: invalid YAML: the alias \*nowhere has no anchor &nowhere before it\./,
    );
  });
});

describe('hostile configuration: interpolation expansion is bounded', () => {
  it('references to lists of references (10^5 values from 60 lines) are refused, naming a line', () => {
    const lines = [`l0: [${Array(10).fill('x').join(', ')}]`];
    for (let level = 1; level <= 5; level++) {
      lines.push(`l${level}:`);
      for (let copy = 0; copy < 10; copy++) lines.push(`  - \${l${level - 1}}`);
    }
    const error = errorOf(() => load({ 'conf/base/parameters.yml': `${lines.join('\n')}\n` }, 'parameters'));
    assert.ok(error instanceof InterpolationError, String(error));
    assert.match(
      error.message,
      /^conf\/base\/parameters\.yml:\d+:\d+: the \$\{\.\.\.\} references of the parameters configuration expand it to more than 100,000 values/,
    );
  });

  it('strings interpolating strings (10 MB from 600 bytes) are refused at the string', () => {
    const lines = [`s0: "${'x'.repeat(100)}"`];
    for (let level = 1; level <= 5; level++) lines.push(`s${level}: "${`\${s${level - 1}}`.repeat(10)}"`);
    const error = errorOf(() => load({ 'conf/base/parameters.yml': `${lines.join('\n')}\n` }, 'parameters'));
    assert.ok(error instanceof InterpolationError, String(error));
    assert.match(
      error.message,
      /^conf\/base\/parameters\.yml:6:5: the \$\{\.\.\.\} references in this string build a text of more than 1,000,000 characters/,
    );
  });

  it('a reference to a section is still copied whole', () => {
    const parameters = load(
      { 'conf/base/parameters.yml': 'model:\n  a: 1\n  b: [1, 2]\ncopy: ${model}\ntext: "a=${model.a}"\n' },
      'parameters',
    );
    assert.deepEqual(parameters.copy, { a: 1, b: [1, 2] });
    assert.equal(parameters.text, 'a=1');
  });
});

describe('hostile configuration: nesting and error excerpts', () => {
  it('100,000 nested brackets on one line: the error shows a window around the column, not 200 KB', () => {
    const line = `a: ${'['.repeat(100_000)}${']'.repeat(100_000)}`;
    const error = errorOf(() => load({ 'conf/base/parameters.yml': `${line}\n` }, 'parameters'));
    assert.ok(error instanceof ConfigSyntaxError || error instanceof ConfigShapeError, String(error));
    assert.match(error.message, /^conf\/base\/parameters\.yml:1:\d+: /);
    assert.ok(error.message.length < 600, `a readable message, not ${error.message.length} characters`);
    assert.match(error.message, /\n {2}…\[+…\n +\^$/, 'an excerpt cut on both sides, and the caret');
  });

  it('the excerpt of a syntax error on a long line keeps the caret under the column at fault', () => {
    const long = `key: "${'v'.repeat(500)}" ] tail ${'w'.repeat(500)}`;
    const error = errorOf(() => load({ 'conf/base/catalog.yml': `first: 1\n${long}\n` }, 'catalog'));
    assert.ok(error instanceof ConfigSyntaxError, String(error));
    const column = Number(/^[^:]+:2:(\d+):/.exec(error.message)![1]);
    const excerpt = error.message.split('\n').slice(-2);
    const caretAt = excerpt[1]!.indexOf('^');
    assert.equal(excerpt[0]![caretAt], long[column - 1], 'the caret points at the character at fault');
    assert.ok(excerpt[0]!.length <= CONFIG_LIMITS.excerptWidth + 4);
  });

  it(`mappings nested deeper than ${CONFIG_LIMITS.nestingDepth} levels are refused at the line`, () => {
    const depth = CONFIG_LIMITS.nestingDepth + 5;
    const lines = Array.from({ length: depth }, (_, level) => `${'  '.repeat(level)}k${level}:`);
    lines.push(`${'  '.repeat(depth)}leaf: 1`);
    const error = errorOf(() => load({ 'conf/base/parameters.yml': `${lines.join('\n')}\n` }, 'parameters'));
    assert.ok(error instanceof ConfigShapeError, String(error));
    assert.match(
      error.message,
      new RegExp(
        `^conf/base/parameters\\.yml:${CONFIG_LIMITS.nestingDepth + 1}:\\d+: mappings and lists are nested more than ${CONFIG_LIMITS.nestingDepth} levels deep`,
      ),
    );
  });
});

describe('duplicate keys: found in one pass, same file:line as before', () => {
  it('a duplicate key in a nested mapping names the second key and the first one’s line', () => {
    const error = errorOf(() =>
      load({ 'conf/base/parameters.yml': 'model:\n  a: 1\n  b: 2\n  a: 3\n' }, 'parameters'),
    );
    assert.ok(error instanceof ConfigSyntaxError, String(error));
    assert.match(
      error.message,
      /^conf\/base\/parameters\.yml:4:3: invalid YAML: Map keys must be unique: "a" is already a key of this mapping, at line 2\./,
    );
  });

  it('in a flow mapping, and a second "<<" merge key', () => {
    const flow = errorOf(() => load({ 'conf/base/parameters.yml': 'x: {a: 1, b: 2, a: 3}\n' }, 'parameters'));
    assert.match(
      flow.message,
      /^conf\/base\/parameters\.yml:1:17: invalid YAML: Map keys must be unique: "a"/,
    );
    const merge = errorOf(() =>
      load(
        { 'conf/base/parameters.yml': 'd: &d {a: 1}\ne: &e {b: 2}\nx:\n  <<: *d\n  <<: *e\n' },
        'parameters',
      ),
    );
    assert.match(
      merge.message,
      /^conf\/base\/parameters\.yml:5:3: invalid YAML: Map keys must be unique: "<<"/,
    );
  });

  it('the same key in two mappings, or a key overriding a merged one, is not a duplicate', () => {
    const parameters = load(
      { 'conf/base/parameters.yml': 'd: &d {a: 1, b: 2}\nx:\n  <<: *d\n  a: 9\ny:\n  a: 3\n' },
      'parameters',
    );
    assert.deepEqual(parameters.x, { a: 9, b: 2 });
    assert.deepEqual(parameters.y, { a: 3 });
  });

  it('a mapping of 200,000 keys can be checked across files (no spread of every leaf onto the stack)', () => {
    const big: Record<string, number> = {};
    for (let index = 0; index < 200_000; index++) big[`k${index}`] = index;
    const tree = treeFromPlain({ section: big }, { file: 'conf/base/parameters.yml' }) as ConfigMapNode;
    const leaves = leafPaths(tree);
    assert.equal(leaves.length, 200_000);
    assert.deepEqual(leaves[199_999]!.path, ['section', 'k199999']);
  });
});

describe('merging the files of one environment: one pass, same result as merging them one by one', () => {
  const at = { file: 'conf/base' };
  const cases: Array<Array<Record<string, unknown>>> = [
    [{ a: { x: 1 } }, { a: { y: 2 } }, { a: 5 }, { a: { z: 3 } }],
    [{ a: 1 }, { a: { x: 1 } }, { a: { y: { deep: 1 } } }, { a: { y: { deeper: 2 }, w: [1] } }],
    [
      { m: { n: { o: 1 } }, k: 1 },
      { m: { n: { p: 2 }, q: 3 } },
      { k: { now: 'a map' } },
      { m: { n: 'text' } },
    ],
  ];
  for (const [index, plains] of cases.entries()) {
    it(`case ${index + 1}`, () => {
      const trees = plains.map((plain) => treeFromPlain(plain, at) as ConfigMapNode);
      let folded: ConfigMapNode = { kind: 'map', at, entries: new Map() };
      for (const tree of trees) folded = mergeTrees(folded, tree, 'soft');
      assert.deepEqual(treeToPlain(mergeAllSoft(at, trees)), treeToPlain(folded));
      assert.deepEqual([...mergeAllSoft(at, trees).entries.keys()], [...folded.entries.keys()]);
    });
  }
});

import assert from 'node:assert/strict';
import { test } from 'node:test';
import { destructuredArgumentNames, HookManager, HookRegistrationError } from '../../src/hooks/index.ts';

/**
 * A function built from exact source text, so each case reads what a user wrote, not what the
 * TypeScript transform made of it.
 */
function fromSource(source: string): (...args: never[]) => unknown {
  return new Function(`return (${source});`)() as (...args: never[]) => unknown;
}

const names = (source: string) => destructuredArgumentNames(fromSource(source));

const cases: [string, string, string[] | undefined][] = [
  ['arrow function', '({ node, catalog }) => node', ['node', 'catalog']],
  ['arrow function without spaces', '({node,catalog})=>node', ['node', 'catalog']],
  ['function expression', 'function ({ node, inputs }) { return node; }', ['node', 'inputs']],
  ['named function', 'function beforeNodeRun({ node }) { return node; }', ['node']],
  ['async arrow', 'async ({ node, runId }) => node', ['node', 'runId']],
  ['async function', 'async function ({ node }) { return node; }', ['node']],
  ['generator function', 'function* ({ node }) { yield node; }', ['node']],
  [
    'defaults, renames and object defaults',
    '({ a = 1, b: renamed, c = { x: 1 } }) => [a, renamed, c]',
    ['a', 'b', 'c'],
  ],
  ['nested patterns', '({ a: { b, c: [d] }, e: [f, { g }], h }) => [b, d, f, g, h]', ['a', 'e', 'h']],
  [
    'strings containing braces and commas in defaults',
    `({ a = '}', b = "{,", c = \`}{\`, d }) => d`,
    ['a', 'b', 'c', 'd'],
  ],
  ['escaped quotes in a default', String.raw`({ a = 'it\'s }', b }) => b`, ['a', 'b']],
  ['a call with parentheses in a default', '({ a = f(1, 2), b = [3, 4] }) => a', ['a', 'b']],
  ['a trailing comma', '({ a, b, }) => a', ['a', 'b']],
  ['multi-line pattern', '({\n  node,\n  catalog,\n}) => node', ['node', 'catalog']],
  ['a default for the whole pattern', '({ a, b } = {}) => a', ['a', 'b']],
  ['an empty pattern', '({}) => 1', []],
  ['$ and _ in names', '({ $a, _b, c1 }) => c1', ['$a', '_b', 'c1']],
  ['a second parameter after the pattern', '({ a }, next) => next', ['a']],
  ['a ...rest element', '({ a, ...rest }) => rest', undefined],
  ['only a ...rest element', '({ ...all }) => all', undefined],
  ['a plain named parameter', '(args) => args.node', undefined],
  ['a plain named function parameter', 'function (args) { return args; }', undefined],
  ['no parameters', '() => 1', undefined],
  ['an array pattern', '([a, b]) => a', undefined],
  ['a quoted key', `({ 'a-b': x }) => x`, undefined],
  ['a computed key', '({ [key]: x }) => x', undefined],
];

for (const [label, source, expected] of cases) {
  test(`destructuredArgumentNames: ${label}`, () => {
    assert.deepEqual(names(source), expected);
  });
}

test('destructuredArgumentNames: method shorthand', () => {
  const plugin = {
    beforeNodeRun({ node, catalog }: { node: string; catalog: unknown }) {
      return [node, catalog];
    },
  };
  assert.deepEqual(destructuredArgumentNames(plugin.beforeNodeRun), ['node', 'catalog']);
});

test('destructuredArgumentNames: async method shorthand', () => {
  const plugin = {
    async afterNodeRun({ outputs }: { outputs: unknown }) {
      return outputs;
    },
  };
  assert.deepEqual(destructuredArgumentNames(plugin.afterNodeRun), ['outputs']);
});

test('destructuredArgumentNames: class method, from the prototype', () => {
  class Plugin {
    beforeNodeRun({ node, inputs = {} }: { node: string; inputs?: object }) {
      return [node, inputs];
    }
  }
  assert.deepEqual(destructuredArgumentNames(Plugin.prototype.beforeNodeRun), ['node', 'inputs']);
});

test('destructuredArgumentNames: method shorthand from source, with a default holding a brace string', () => {
  const plugin = fromSource(`{ h({ a = '{', b }) { return b; } }`) as unknown as {
    h: (...args: never[]) => unknown;
  };
  assert.deepEqual(destructuredArgumentNames(plugin.h), ['a', 'b']);
});

test('destructuredArgumentNames: a TypeScript arrow as compiled for this test run', () => {
  const fn = ({ node, isAsync = false }: { node: string; isAsync?: boolean }) => [node, isAsync];
  assert.deepEqual(destructuredArgumentNames(fn), ['node', 'isAsync']);
});

test('destructuredArgumentNames: bound and native functions give undefined', () => {
  const bound = (({ a }: { a: number }) => a).bind(null);
  assert.equal(destructuredArgumentNames(bound), undefined);
  assert.equal(destructuredArgumentNames(Math.max as (...args: never[]) => unknown), undefined);
});

test('destructuredArgumentNames: a parenthesis-less arrow is a plain parameter, whatever its body calls', () => {
  assert.equal(names('args => log({ level: args })'), undefined);
  assert.equal(names('async args => save({ data: args.x })'), undefined);
  assert.equal(names('args => ({ result: args.x })'), undefined);
});

test('registration accepts a parenthesis-less arrow whose body passes an object literal', () => {
  const manager = new HookManager([{ name: 'h', args: ['x'] }]);
  const log = (value: object) => value;
  manager.register({ h: (args: { x: number }) => log({ level: args.x }) }, 'logger');
});

test('registration accepts `(args) => ({ ...object literal })` as compiled by tsx/esbuild', () => {
  const manager = new HookManager([{ name: 'beforeNodeRun', args: ['node', 'inputs'] }]);
  manager.register({ beforeNodeRun: (args: { node: string }) => ({ extra: args.node }) }, 'overrides');
  assert.deepEqual(
    [...(manager.call('beforeNodeRun', { node: 'n', inputs: {} }) as unknown[])],
    [{ extra: 'n' }],
  );
});

// ---- how registration uses it ----

test('registration rejects an unknown destructured argument and accepts the ones the spec lists', () => {
  const manager = new HookManager([{ name: 'h', args: ['node', 'catalog'] }]);
  manager.register({ h: fromSource('({ node, catalog }) => node') }, 'ok');
  assert.throws(
    () => manager.register({ h: fromSource('({ node, catalgo }) => node') }, 'bad'),
    (error) => {
      assert.ok(error instanceof HookRegistrationError);
      assert.match(error.message, /unknown argument "catalgo"/);
      assert.match(error.message, /Did you mean "catalog"\?/);
      return true;
    },
  );
});

test('registration reads renamed and defaulted arguments by their spec names', () => {
  const manager = new HookManager([{ name: 'h', args: ['node', 'catalog'] }]);
  manager.register({ h: fromSource('({ node: n = "x", catalog: { load } = {} }) => n') }, 'renamed');
  assert.throws(
    () => manager.register({ h: fromSource('({ n: node }) => node') }, 'wrong'),
    /unknown argument "n"/,
  );
});

test('registration does not check a ...rest pattern or a named parameter', () => {
  const manager = new HookManager([{ name: 'h', args: ['node'] }]);
  manager.register({ h: fromSource('({ node, ...others }) => others') }, 'rest');
  manager.register({ h: fromSource('(args) => args.whatever') }, 'named');
  assert.equal(manager.plugins().length, 2);
});

test("registration ignores a wrapper's second parameter (next)", () => {
  const manager = new HookManager([{ name: 'h', args: ['node'] }]);
  manager.register({ h: { wrapper: true, handler: fromSource('({ node }, next) => next()') } }, 'w');
  assert.equal(manager.isRegistered('w'), true);
});

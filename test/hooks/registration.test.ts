import assert from 'node:assert/strict';
import { test } from 'node:test';
import { HookCallError, HookManager, HookRegistrationError } from '../../src/hooks/index.ts';
import type { HookSpecDefinition } from '../../src/hooks/index.ts';
import { list, thrown } from './helpers.ts';

type Specs = {
  beforeNodeRun(args: { node: string; inputs: Record<string, unknown> }): unknown;
  afterNodeRun(args: { node: string; outputs: Record<string, unknown> }): unknown;
};

const SPECS: HookSpecDefinition[] = [
  { name: 'beforeNodeRun', args: ['node', 'inputs'] },
  { name: 'afterNodeRun', args: ['node', 'outputs'] },
];

const makeManager = () => new HookManager<Specs>(SPECS);
const args = { node: 'n', inputs: {} };
const afterArgs = { node: 'n', outputs: {} };

/** The registration error `register` throws for `plugin`. */
function registrationError(plugin: object, name?: string, manager = makeManager()): HookRegistrationError {
  const error = thrown(() => manager.register(plugin, name));
  assert.ok(
    error instanceof HookRegistrationError,
    `expected HookRegistrationError, got ${error.name}: ${error.message}`,
  );
  return error;
}

// ---- unknown hooks and arguments ----

test('a misspelt hook name is rejected, naming plugin, hook and the nearest spelling', () => {
  const error = registrationError({ beforeNodeRUn: () => undefined }, 'typo');
  assert.match(error.message, /"typo"/);
  assert.match(error.message, /"beforeNodeRUn"/);
  assert.match(error.message, /Did you mean "beforeNodeRun"\?/);
  assert.equal(error.pluginName, 'typo');
  assert.equal(error.hookName, 'beforeNodeRUn');
  assert.equal(error.name, 'HookRegistrationError');
});

test('a misspelt hook in the object form is rejected too', () => {
  const error = registrationError({ afterNodRun: { tryfirst: true, handler: () => undefined } }, 'typo');
  assert.match(error.message, /Did you mean "afterNodeRun"\?/);
});

test('a hook-like name with nothing close is rejected without a suggestion', () => {
  const error = registrationError({ beforeSomethingElseEntirely: () => undefined }, 'p');
  assert.match(error.message, /unknown hook "beforeSomethingElseEntirely"/);
  assert.doesNotMatch(error.message, /Did you mean/);
});

test('a hook for a spec that has not been added yet is rejected (specs come first)', () => {
  const manager = new HookManager<Specs>([SPECS[0]!]);
  const error = registrationError({ afterNodeRun: () => undefined }, 'early', manager);
  assert.match(error.message, /unknown hook "afterNodeRun"/);
});

test('an unknown destructured argument is rejected, naming plugin, hook, argument and the nearest spelling', () => {
  const error = registrationError({ beforeNodeRun: ({ nod }: { nod: string }) => nod }, 'args');
  assert.match(error.message, /"args"/);
  assert.match(error.message, /"beforeNodeRun"/);
  assert.match(error.message, /unknown argument "nod"/);
  assert.match(error.message, /Did you mean "node"\?/);
  assert.equal(error.hookName, 'beforeNodeRun');
  assert.match(error.hint ?? '', /node, inputs/);
});

test('an argument of another hook is an unknown argument here', () => {
  const error = registrationError({ beforeNodeRun: ({ outputs }: { outputs: unknown }) => outputs }, 'p');
  assert.match(error.message, /unknown argument "outputs"/);
});

test('an unknown argument in the object form handler is rejected too', () => {
  const error = registrationError(
    { beforeNodeRun: { tryfirst: true, handler: ({ catalog }: { catalog: unknown }) => catalog } },
    'p',
  );
  assert.match(error.message, /unknown argument "catalog"/);
});

test("any subset of the spec's arguments is accepted, in any order", () => {
  const manager = makeManager();
  const seen: unknown[] = [];
  manager.register(
    { beforeNodeRun: ({ inputs, node }: { inputs: unknown; node: string }) => void seen.push(node, inputs) },
    'a',
  );
  manager.register({ beforeNodeRun: ({ node }: { node: string }) => void seen.push(node) }, 'b');
  manager.register({ beforeNodeRun: () => void seen.push('none') }, 'c');
  manager.hook.beforeNodeRun.call(args);
  assert.deepEqual(seen, ['none', 'n', 'n', args.inputs]);
});

test('a rest pattern or a plain parameter is not checked', () => {
  const manager = makeManager();
  manager.register(
    { beforeNodeRun: ({ ...all }: Record<string, unknown>) => Object.keys(all).length },
    'rest',
  );
  manager.register({ beforeNodeRun: (all: { node: string }) => all.node }, 'plain');
  assert.deepEqual(list(manager.hook.beforeNodeRun.call(args)), ['n', 2]);
});

// ---- plugin-level errors ----

test('a duplicate plugin name is rejected and the first plugin stays', () => {
  const manager = makeManager();
  const first = { beforeNodeRun: () => 'first' };
  manager.register(first, 'dup');
  const error = registrationError({ beforeNodeRun: () => 'second' }, 'dup', manager);
  assert.match(error.message, /"dup"/);
  assert.match(error.message, /already registered/);
  assert.equal(error.pluginName, 'dup');
  assert.equal(manager.getPlugin('dup'), first);
  assert.deepEqual(list(manager.hook.beforeNodeRun.call(args)), ['first']);
});

test("a duplicate name from the plugin's own name property is rejected too", () => {
  const manager = makeManager();
  manager.register({ name: 'same' });
  registrationError({ name: 'same' }, undefined, manager);
});

test('the same object registered twice is rejected, naming its first registration', () => {
  const manager = makeManager();
  const plugin = { beforeNodeRun: () => 'once' };
  manager.register(plugin, 'original');
  const error = registrationError(plugin, 'again', manager);
  assert.match(error.message, /"original"/);
  assert.deepEqual(list(manager.hook.beforeNodeRun.call(args)), ['once']);
  assert.equal(manager.isRegistered('again'), false);
});

test('the same anonymous object registered twice is rejected', () => {
  const manager = makeManager();
  const plugin = { beforeNodeRun: () => 'once' };
  manager.register(plugin);
  assert.throws(() => manager.register(plugin), HookRegistrationError);
  assert.equal(manager.plugins().length, 1);
});

for (const [label, value] of [
  ['null', null],
  ['a string', 'plugin'],
  ['a number', 42],
  ['undefined', undefined],
  ['a function', () => undefined],
] as const) {
  test(`a plugin that is ${label} is rejected`, () => {
    const manager = makeManager();
    const error = thrown(() => manager.register(value as unknown as object, 'p'));
    assert.ok(error instanceof HookRegistrationError);
    assert.match(error.message, /must be an object/);
  });
}

// ---- implementation-level errors ----

for (const [label, value, pattern] of [
  ['a number', 42, /expected a function or \{ handler, \.\.\.options \}, got a number \(42\)/],
  ['a string', 'run', /expected a function or \{ handler, \.\.\.options \}, got "run"/],
  ['null', null, /got null/],
  ['an array', [() => undefined], /got an array/],
  ['an object without handler', { tryfirst: true }, /got an object/],
] as const) {
  test(`a hook value that is ${label} is rejected`, () => {
    const error = registrationError({ beforeNodeRun: value }, 'bad');
    assert.match(error.message, /"bad"/);
    assert.match(error.message, /"beforeNodeRun"/);
    assert.match(error.message, pattern);
    assert.equal(error.hookName, 'beforeNodeRun');
  });
}

test('a handler that is not a function is rejected', () => {
  const error = registrationError({ beforeNodeRun: { handler: 'nope' } }, 'bad');
  assert.match(error.message, /"handler" must be a function, got "nope"/);
});

test('a hook value that is undefined gets a readable message', () => {
  const error = registrationError({ beforeNodeRun: undefined }, 'bad');
  assert.doesNotMatch(error.message, /undefined undefined/);
});

test('an unknown option in the object form is rejected with the nearest option', () => {
  const error = registrationError({ beforeNodeRun: { tryFirst: true, handler: () => undefined } }, 'opts');
  assert.match(error.message, /"opts"/);
  assert.match(error.message, /"beforeNodeRun"/);
  assert.match(error.message, /unknown option "tryFirst"/);
  assert.match(error.message, /Did you mean "tryfirst"\?/);
});

test('an unknown option with nothing close is rejected without a suggestion', () => {
  const error = registrationError({ beforeNodeRun: { priority: 10, handler: () => undefined } }, 'opts');
  assert.match(error.message, /unknown option "priority"/);
  assert.doesNotMatch(error.message, /Did you mean/);
});

test('tryfirst and trylast together are rejected', () => {
  const error = registrationError(
    { beforeNodeRun: { tryfirst: true, trylast: true, handler: () => undefined } },
    'both',
  );
  assert.match(error.message, /"both"/);
  assert.match(error.message, /tryfirst or trylast, not both/);
});

for (const flag of ['tryfirst', 'trylast', 'wrapper'] as const) {
  for (const value of ['yes', 1, null]) {
    test(`a non-boolean ${flag} (${JSON.stringify(value)}) is rejected`, () => {
      const error = registrationError({ beforeNodeRun: { [flag]: value, handler: () => undefined } }, 'flag');
      assert.match(error.message, new RegExp(`"${flag}" must be true or false`));
    });
  }
}

for (const key of ['before', 'after'] as const) {
  test(`a ${key} that is neither a name nor a list of names is rejected`, () => {
    for (const value of [42, ['ok', 7], { name: 'x' }]) {
      const error = registrationError({ beforeNodeRun: { [key]: value, handler: () => undefined } }, 'order');
      assert.match(error.message, new RegExp(`"${key}" must be a plugin name or a list of plugin names`));
    }
  });
}

test('a failed registration registers nothing (atomic): a valid hook before the invalid one is not added', () => {
  const manager = makeManager();
  const plugin = {
    afterNodeRun: () => 'valid',
    beforeNodeRun: { tryfirst: 'yes', handler: () => 'invalid' },
  };
  assert.throws(() => manager.register(plugin, 'half'), HookRegistrationError);
  assert.deepEqual(list(manager.hook.afterNodeRun.call(afterArgs)), []);
  assert.deepEqual(manager.hook.afterNodeRun.implementations(), []);
  assert.equal(manager.isRegistered('half'), false);
  assert.equal(manager.isRegistered(plugin), false);
  assert.deepEqual(manager.plugins(), []);
  // The name is still free.
  assert.equal(manager.register({ afterNodeRun: () => 'ok' }, 'half'), 'half');
});

test('a failed registration with an unknown hook does not add its valid hooks either', () => {
  const manager = makeManager();
  assert.throws(
    () => manager.register({ beforeNodeRun: () => 'valid', afterNodeRan: () => undefined }, 'p'),
    HookRegistrationError,
  );
  assert.deepEqual(list(manager.hook.beforeNodeRun.call(args)), []);
});

// ---- what counts as a hook ----

test('helper methods, _private members and state fields are not hooks', () => {
  const manager = makeManager();
  const plugin = {
    count: 0,
    beforeCount: 3,
    format(value: string) {
      return `[${value}]`;
    },
    _beforeNodeRun() {
      throw new Error('private members are never hooks');
    },
    _helper: () => 'private',
    beforeNodeRun({ node }: { node: string }) {
      return this.format(node);
    },
  };
  assert.equal(manager.register(plugin, 'helpers'), 'helpers');
  assert.deepEqual(list(manager.hook.beforeNodeRun.call(args)), ['[n]']);
  assert.deepEqual(
    manager.hook.beforeNodeRun.implementations().map((info) => info.pluginName),
    ['helpers'],
  );
});

test('a plugin with no hooks at all registers fine', () => {
  const manager = makeManager();
  assert.equal(manager.register({ format: () => 'x' }, 'empty'), 'empty');
  assert.equal(manager.isRegistered('empty'), true);
});

// ---- class plugins ----

class Counter {
  readonly name = 'counter';
  state = 0;
  seen: string[] = [];

  beforeNodeRun({ node }: { node: string }) {
    this.state++;
    this.seen.push(this.format(node));
    return this.state;
  }

  format(node: string) {
    return `node ${node}`;
  }
}

test('a class plugin keeps this, and its prototype methods are found', () => {
  const manager = makeManager();
  const counter = new Counter();
  assert.equal(manager.register(counter), 'counter');
  assert.deepEqual(list(manager.hook.beforeNodeRun.call(args)), [1]);
  assert.deepEqual(list(manager.hook.beforeNodeRun.call(args)), [2]);
  assert.equal(counter.state, 2);
  assert.deepEqual(counter.seen, ['node n', 'node n']);
});

test('two instances of a class plugin keep separate state', () => {
  const manager = makeManager();
  const a = new Counter();
  const b = new Counter();
  manager.register(a, 'a');
  manager.register(b, 'b');
  manager.hook.beforeNodeRun.call(args);
  assert.equal(a.state, 1);
  assert.equal(b.state, 1);
});

test('inherited hook methods are found and an override wins over the base method', () => {
  class Base {
    calls: string[] = [];
    beforeNodeRun() {
      this.calls.push('base.before');
    }
    afterNodeRun() {
      this.calls.push('base.after');
    }
  }
  class Derived extends Base {
    override afterNodeRun() {
      this.calls.push('derived.after');
      super.afterNodeRun();
    }
  }
  const manager = makeManager();
  const plugin = new Derived();
  manager.register(plugin, 'derived');
  manager.hook.beforeNodeRun.call(args);
  manager.hook.afterNodeRun.call(afterArgs);
  assert.deepEqual(plugin.calls, ['base.before', 'derived.after', 'base.after']);
  assert.equal(manager.hook.afterNodeRun.implementations().length, 1);
});

test("a class plugin's object-form handler sees the plugin as this", () => {
  class Ordered {
    hits = 0;
    beforeNodeRun = {
      tryfirst: true,
      handler: (): number => ++this.hits,
    };
    afterNodeRun = {
      trylast: true,
      handler(this: Ordered) {
        return this.hits * 10;
      },
    };
  }
  const manager = makeManager();
  const plugin = new Ordered();
  manager.register(plugin, 'ordered');
  assert.deepEqual(list(manager.hook.beforeNodeRun.call(args)), [1]);
  assert.deepEqual(list(manager.hook.afterNodeRun.call(afterArgs)), [10]);
});

test("a plain object plugin's method sees the plugin as this", () => {
  const manager = makeManager();
  const plugin = {
    prefix: '>',
    beforeNodeRun({ node }: { node: string }) {
      return `${this.prefix}${node}`;
    },
  };
  manager.register(plugin, 'obj');
  assert.deepEqual(list(manager.hook.beforeNodeRun.call(args)), ['>n']);
});

test("a class plugin's private-looking methods and getters are ignored", () => {
  class WithPrivate {
    #secret = 1;
    _afterNodeRun() {
      throw new Error('never a hook');
    }
    get value() {
      return this.#secret;
    }
    beforeNodeRun() {
      return this.value;
    }
  }
  const manager = makeManager();
  manager.register(new WithPrivate(), 'private');
  assert.deepEqual(list(manager.hook.beforeNodeRun.call(args)), [1]);
  assert.deepEqual(list(manager.hook.afterNodeRun.call(afterArgs)), []);
});

// ---- names ----

test("register returns the name; an explicit name wins over the plugin's name property", () => {
  const manager = makeManager();
  assert.equal(manager.register({ name: 'own' }), 'own');
  const plugin = { name: 'ignored' };
  assert.equal(manager.register(plugin, 'explicit'), 'explicit');
  assert.equal(manager.getName(plugin), 'explicit');
  assert.equal(manager.isRegistered('ignored'), false);
});

test('anonymous plugins get generated unique names, after their class where there is one', () => {
  const manager = makeManager();
  class Tracker {}
  const a = manager.register({});
  const b = manager.register({});
  const c = manager.register(new Tracker());
  const d = manager.register({ name: '' });
  const names = [a, b, c, d];
  assert.equal(new Set(names).size, 4);
  for (const name of names) assert.equal(typeof name, 'string');
  assert.match(c!, /^Tracker/);
  assert.deepEqual(
    manager.plugins().map(([name]) => name),
    names,
  );
});

test('a generated name never collides with a name registered explicitly', () => {
  const manager = makeManager();
  manager.register({}, 'plugin#1');
  const generated = manager.register({});
  assert.notEqual(generated, 'plugin#1');
  assert.equal(manager.plugins().length, 2);
});

test('getPlugin, getName, isRegistered and plugins() describe the registrations in order', () => {
  const manager = makeManager();
  const a = { name: 'a' };
  const b = { name: 'b' };
  manager.register(a);
  manager.register(b);
  assert.equal(manager.getPlugin('a'), a);
  assert.equal(manager.getName(b), 'b');
  assert.equal(manager.isRegistered(a), true);
  assert.equal(manager.isRegistered('b'), true);
  assert.equal(manager.isRegistered({ name: 'a' }), false);
  assert.deepEqual(manager.plugins(), [
    ['a', a],
    ['b', b],
  ]);
});

// ---- specs and unknown hooks at call time ----

test('specs() lists the definitions in the order they were added', () => {
  const manager = makeManager();
  manager.addSpecs([{ name: 'onNodeError', args: ['error'] }]);
  assert.deepEqual(
    manager.specs().map((spec) => spec.name),
    ['beforeNodeRun', 'afterNodeRun', 'onNodeError'],
  );
});

test('adding a spec that already exists is an error', () => {
  const manager = makeManager();
  assert.throws(() => manager.addSpecs([{ name: 'beforeNodeRun', args: [] }]), /already defined/);
});

test('calling an unknown hook by name is a HookCallError with the nearest spelling', () => {
  const manager = makeManager();
  const error = thrown(() => manager.call('beforeNodeRUn' as 'beforeNodeRun', args));
  assert.ok(error instanceof HookCallError);
  assert.match(error.message, /Unknown hook "beforeNodeRUn"/);
  assert.match(error.message, /Did you mean "beforeNodeRun"\?/);
});

test('a HookManager without specs has no hooks and rejects hook-like plugins', () => {
  const manager = new HookManager();
  assert.deepEqual(manager.specs(), []);
  assert.throws(() => manager.register({ beforeNodeRun: () => undefined }, 'p'), HookRegistrationError);
});

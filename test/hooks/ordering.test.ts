import assert from 'node:assert/strict';
import { test } from 'node:test';
import { HookManager, HookRegistrationError, NO_RESULTS } from '../../src/hooks/index.ts';
import { addPlain, addWrapper, list, makeManager, plain, thrown } from './helpers.ts';

// ---- pluggy's rules: LIFO, tryfirst, trylast ----

test('plain implementations run last-registered-first (LIFO)', () => {
  const manager = makeManager();
  const calls: string[] = [];
  for (const id of ['p0', 'p1', 'p2']) addPlain(manager, calls, id);
  manager.hook.h.call({ x: 1 });
  assert.deepEqual(calls, ['p2', 'p1', 'p0']);
});

test('the result list is in call order', () => {
  const manager = makeManager();
  const calls: string[] = [];
  addPlain(manager, calls, 'p0', { returns: 0 });
  addPlain(manager, calls, 'p1', { returns: 1 });
  addPlain(manager, calls, 'p2', { returns: 2 });
  assert.deepEqual(list(manager.hook.h.call({ x: 1 })), [2, 1, 0]);
});

test('undefined and null results are dropped from the list; 0, false and "" are kept', () => {
  const manager = makeManager();
  const calls: string[] = [];
  addPlain(manager, calls, 'a', { returns: 0 });
  addPlain(manager, calls, 'b', { returns: undefined });
  addPlain(manager, calls, 'c', { returns: false });
  addPlain(manager, calls, 'd', { returns: null });
  addPlain(manager, calls, 'e', { returns: '' });
  assert.deepEqual(list(manager.hook.h.call({ x: 1 })), ['', false, 0]);
  assert.deepEqual(calls, ['e', 'd', 'c', 'b', 'a']);
});

test('all-empty results give an empty list', () => {
  const manager = makeManager();
  const calls: string[] = [];
  addPlain(manager, calls, 'a');
  addPlain(manager, calls, 'b', { returns: null });
  assert.deepEqual(list(manager.hook.h.call({ x: 1 })), []);
});

test('a hook with no implementations returns the shared frozen empty list', () => {
  const manager = makeManager();
  const result = manager.hook.h.call({ x: 1 });
  assert.equal(result, NO_RESULTS);
  assert.ok(Object.isFrozen(result));
});

test('every implementation receives the same arguments object', () => {
  const manager = makeManager();
  const seen: object[] = [];
  manager.register({ h: (args: { x: number }) => void seen.push(args) }, 'a');
  manager.register({ h: (args: { x: number }) => void seen.push(args) }, 'b');
  const args = { x: 7 };
  manager.hook.h.call(args);
  assert.equal(seen.length, 2);
  assert.equal(seen[0], args);
  assert.equal(seen[1], args);
});

test('manager.call(name, args) is the same as manager.hook[name].call(args)', () => {
  const manager = makeManager();
  const calls: string[] = [];
  addPlain(manager, calls, 'a', { returns: 'A' });
  addPlain(manager, calls, 'b', { returns: 'B' });
  assert.deepEqual(list(manager.call('h', { x: 1 })), ['B', 'A']);
});

test('tryfirst runs before plain implementations registered after it', () => {
  const manager = makeManager();
  const calls: string[] = [];
  addPlain(manager, calls, 'first', { tryfirst: true });
  addPlain(manager, calls, 'p1');
  addPlain(manager, calls, 'p2');
  manager.hook.h.call({ x: 1 });
  assert.deepEqual(calls, ['first', 'p2', 'p1']);
});

test('several tryfirst implementations run last-registered-first among themselves', () => {
  const manager = makeManager();
  const calls: string[] = [];
  addPlain(manager, calls, 'f1', { tryfirst: true });
  addPlain(manager, calls, 'p');
  addPlain(manager, calls, 'f2', { tryfirst: true });
  manager.hook.h.call({ x: 1 });
  assert.deepEqual(calls, ['f2', 'f1', 'p']);
});

test('trylast runs after plain implementations registered before it', () => {
  const manager = makeManager();
  const calls: string[] = [];
  addPlain(manager, calls, 'p1');
  addPlain(manager, calls, 'last', { trylast: true });
  addPlain(manager, calls, 'p2');
  manager.hook.h.call({ x: 1 });
  assert.deepEqual(calls, ['p2', 'p1', 'last']);
});

test('several trylast implementations run in registration order (pluggy)', () => {
  const manager = makeManager();
  const calls: string[] = [];
  addPlain(manager, calls, 't1', { trylast: true });
  addPlain(manager, calls, 't2', { trylast: true });
  addPlain(manager, calls, 't3', { trylast: true });
  manager.hook.h.call({ x: 1 });
  assert.deepEqual(calls, ['t1', 't2', 't3']);
});

test('tryfirst, plain and trylast interleaved at registration end up in three bands', () => {
  const manager = makeManager();
  const calls: string[] = [];
  addPlain(manager, calls, 't1', { trylast: true });
  addPlain(manager, calls, 'f1', { tryfirst: true });
  addPlain(manager, calls, 'p1');
  addPlain(manager, calls, 't2', { trylast: true });
  addPlain(manager, calls, 'f2', { tryfirst: true });
  addPlain(manager, calls, 'p2');
  manager.hook.h.call({ x: 1 });
  assert.deepEqual(calls, ['f2', 'f1', 'p2', 'p1', 't1', 't2']);
});

test('explicit tryfirst: false and trylast: false behave as plain', () => {
  const manager = makeManager();
  const calls: string[] = [];
  addPlain(manager, calls, 'a', { tryfirst: false, trylast: false });
  addPlain(manager, calls, 'b');
  manager.hook.h.call({ x: 1 });
  assert.deepEqual(calls, ['b', 'a']);
});

test('wrappers run outside every non-wrapper, wherever they were registered', () => {
  const manager = makeManager();
  const calls: string[] = [];
  addPlain(manager, calls, 'p0');
  addWrapper(manager, calls, 'w');
  addPlain(manager, calls, 'p1');
  manager.hook.h.call({ x: 1 });
  assert.deepEqual(calls, ['w:before', 'p1', 'p0', 'w:after']);
});

test('tryfirst and trylast never move an implementation across the wrapper line', () => {
  const manager = makeManager();
  const calls: string[] = [];
  addWrapper(manager, calls, 'w', { trylast: true });
  addPlain(manager, calls, 'f', { tryfirst: true });
  manager.hook.h.call({ x: 1 });
  assert.deepEqual(calls, ['w:before', 'f', 'w:after']);
});

test("implementations() lists the call order with each implementation's flags", () => {
  const manager = makeManager();
  const calls: string[] = [];
  addPlain(manager, calls, 'last', { trylast: true });
  addPlain(manager, calls, 'p');
  addWrapper(manager, calls, 'w');
  addPlain(manager, calls, 'first', { tryfirst: true, before: 'p' });
  const infos = manager.hook.h.implementations();
  assert.deepEqual(
    infos.map((info) => info.pluginName),
    ['w', 'first', 'p', 'last'],
  );
  assert.deepEqual(infos[0], {
    pluginName: 'w',
    wrapper: true,
    tryfirst: false,
    trylast: false,
    before: [],
    after: [],
  });
  assert.deepEqual(infos[1], {
    pluginName: 'first',
    wrapper: false,
    tryfirst: true,
    trylast: false,
    before: ['p'],
    after: [],
  });
  assert.equal(infos[3]!.trylast, true);
});

test('unregistering one plugin keeps the order of the others', () => {
  const manager = makeManager();
  const calls: string[] = [];
  addPlain(manager, calls, 'a');
  addPlain(manager, calls, 'b', { tryfirst: true });
  addPlain(manager, calls, 'c');
  addPlain(manager, calls, 'd', { trylast: true });
  manager.unregister('c');
  manager.hook.h.call({ x: 1 });
  assert.deepEqual(calls, ['b', 'a', 'd']);
});

test('a hook with more implementations than the unrolled limit (loop path) keeps every rule', () => {
  const manager = makeManager();
  const calls: string[] = [];
  addPlain(manager, calls, 'last', { trylast: true, returns: 'last' });
  for (let i = 0; i < 70; i++) addPlain(manager, calls, `p${i}`, { returns: i % 2 === 0 ? i : undefined });
  addPlain(manager, calls, 'first', { tryfirst: true, returns: 'first' });
  addWrapper(manager, calls, 'w');
  const result = manager.hook.h.call({ x: 1 }) as unknown[];
  const expectedPlain = Array.from({ length: 70 }, (_, i) => `p${69 - i}`);
  assert.deepEqual(calls, ['w:before', 'first', ...expectedPlain, 'last', 'w:after']);
  const evens = Array.from({ length: 35 }, (_, i) => 68 - 2 * i);
  assert.deepEqual(list(result), ['first', ...evens, 'last']);
});

test('a hook at exactly the unrolled limit and one past it give the same answers', () => {
  for (const count of [64, 65]) {
    const manager = makeManager();
    const calls: string[] = [];
    for (let i = 0; i < count; i++) addPlain(manager, calls, `p${i}`, { returns: i });
    const result = manager.hook.h.call({ x: 1 }) as unknown[];
    assert.equal(result.length, count);
    assert.equal(result[0], count - 1);
    assert.equal(result[count - 1], 0);
  }
});

// ---- beyond pluggy: before / after relative to named plugins ----

test('before: "name" runs an implementation ahead of the named plugin', () => {
  const manager = makeManager();
  const calls: string[] = [];
  addPlain(manager, calls, 'a', { before: 'b' });
  addPlain(manager, calls, 'b');
  manager.hook.h.call({ x: 1 });
  assert.deepEqual(calls, ['a', 'b']);
});

test('after: "name" runs an implementation behind the named plugin', () => {
  const manager = makeManager();
  const calls: string[] = [];
  addPlain(manager, calls, 'a');
  addPlain(manager, calls, 'b', { after: 'a' });
  manager.hook.h.call({ x: 1 });
  assert.deepEqual(calls, ['a', 'b']);
});

test('before and after accept lists of plugin names', () => {
  const manager = makeManager();
  const calls: string[] = [];
  addPlain(manager, calls, 'm', { before: ['x', 'y'] });
  addPlain(manager, calls, 'x');
  addPlain(manager, calls, 'y');
  addPlain(manager, calls, 'n', { after: ['x', 'y'] });
  manager.hook.h.call({ x: 1 });
  assert.ok(calls.indexOf('m') < calls.indexOf('x'));
  assert.ok(calls.indexOf('m') < calls.indexOf('y'));
  assert.ok(calls.indexOf('n') > calls.indexOf('x'));
  assert.ok(calls.indexOf('n') > calls.indexOf('y'));
});

test('a constraint that already holds changes nothing', () => {
  const manager = makeManager();
  const calls: string[] = [];
  addPlain(manager, calls, 'a');
  addPlain(manager, calls, 'b');
  addPlain(manager, calls, 'c', { before: 'a' });
  manager.hook.h.call({ x: 1 });
  assert.deepEqual(calls, ['c', 'b', 'a']);
});

test('before overrides tryfirst: a plain implementation can be placed ahead of a tryfirst one', () => {
  const manager = makeManager();
  const calls: string[] = [];
  addPlain(manager, calls, 'p', { before: 't' });
  addPlain(manager, calls, 't', { tryfirst: true });
  manager.hook.h.call({ x: 1 });
  assert.deepEqual(calls, ['p', 't']);
});

test('after can put an implementation behind a trylast one', () => {
  const manager = makeManager();
  const calls: string[] = [];
  addPlain(manager, calls, 't', { trylast: true });
  addPlain(manager, calls, 'p', { after: 't' });
  manager.hook.h.call({ x: 1 });
  assert.deepEqual(calls, ['t', 'p']);
});

test('constraints naming absent plugins are ignored', () => {
  const manager = makeManager();
  const calls: string[] = [];
  addPlain(manager, calls, 'a', { before: 'nobody', after: ['ghost'] });
  addPlain(manager, calls, 'b', { after: 'missing' });
  manager.hook.h.call({ x: 1 });
  assert.deepEqual(calls, ['b', 'a']);
});

test('a constraint naming a plugin takes effect once that plugin registers, and lapses when it leaves', () => {
  const manager = makeManager();
  const calls: string[] = [];
  addPlain(manager, calls, 'a', { after: 'b' });
  addPlain(manager, calls, 'c');
  manager.hook.h.call({ x: 1 });
  assert.deepEqual(calls, ['c', 'a']);
  calls.length = 0;
  addPlain(manager, calls, 'b');
  manager.hook.h.call({ x: 1 });
  assert.ok(calls.indexOf('b') < calls.indexOf('a'), calls.join());
  calls.length = 0;
  manager.unregister('b');
  manager.hook.h.call({ x: 1 });
  assert.deepEqual(calls, ['c', 'a']);
});

test('a constraint on its own plugin name is harmless', () => {
  const manager = makeManager();
  const calls: string[] = [];
  addPlain(manager, calls, 'a', { before: 'a', after: 'a' });
  addPlain(manager, calls, 'b');
  manager.hook.h.call({ x: 1 });
  assert.deepEqual(calls, ['b', 'a']);
});

test('constraints order wrappers among wrappers', () => {
  const manager = makeManager();
  const calls: string[] = [];
  addWrapper(manager, calls, 'w1', { before: 'w2' });
  addWrapper(manager, calls, 'w2');
  addPlain(manager, calls, 'p');
  manager.hook.h.call({ x: 1 });
  assert.deepEqual(calls, ['w1:before', 'w2:before', 'p', 'w2:after', 'w1:after']);
});

test('constraints never cross the wrapper line', () => {
  const manager = makeManager();
  const calls: string[] = [];
  addWrapper(manager, calls, 'w', { after: 'p' });
  addPlain(manager, calls, 'p', { after: 'w' });
  manager.hook.h.call({ x: 1 });
  assert.deepEqual(calls, ['w:before', 'p', 'w:after']);
});

test('a constraint on one hook does not affect another hook of the same plugins', () => {
  const manager = new HookManager([
    { name: 'h', args: ['x'] },
    { name: 'g', args: ['x'] },
  ]);
  const calls: string[] = [];
  const record = (id: string) => () => void calls.push(id);
  manager.register({ h: { before: 'b', handler: record('a.h') }, g: record('a.g') }, 'a');
  manager.register({ h: record('b.h'), g: record('b.g') }, 'b');
  manager.call('h', { x: 1 });
  manager.call('g', { x: 1 });
  assert.deepEqual(calls, ['a.h', 'b.h', 'b.g', 'a.g']);
});

test('a cycle of before/after constraints is rejected with HookRegistrationError', () => {
  const manager = makeManager();
  const calls: string[] = [];
  addPlain(manager, calls, 'a', { before: 'b' });
  const error = thrown(() => addPlain(manager, calls, 'b', { before: 'a' }));
  assert.ok(error instanceof HookRegistrationError);
  assert.match(error.message, /cycle/);
  assert.match(error.message, /"a"/);
  assert.match(error.message, /"b"/);
  assert.match(error.message, /"h"/);
  assert.equal(error.hookName, 'h');
});

test('a rejected cycle leaves the manager exactly as it was', () => {
  const manager = makeManager();
  const calls: string[] = [];
  addPlain(manager, calls, 'a', { before: 'c' });
  addPlain(manager, calls, 'c');
  addPlain(manager, calls, 'z');
  const before = manager.hook.h.implementations();
  const bad = plain(calls, 'b', { after: 'c', before: 'a' });
  assert.throws(() => manager.register(bad, 'b'), HookRegistrationError);
  assert.deepEqual(manager.hook.h.implementations(), before);
  assert.equal(manager.isRegistered('b'), false);
  assert.equal(manager.isRegistered(bad), false);
  assert.deepEqual(
    manager.plugins().map(([name]) => name),
    ['a', 'c', 'z'],
  );
  manager.hook.h.call({ x: 1 });
  assert.deepEqual(calls, ['z', 'a', 'c']);
  // The name and the object are still free.
  calls.length = 0;
  assert.equal(manager.register(plain(calls, 'b'), 'b'), 'b');
});

test('a three-plugin cycle is rejected too', () => {
  const manager = makeManager();
  const calls: string[] = [];
  addPlain(manager, calls, 'a', { before: 'b' });
  addPlain(manager, calls, 'b', { before: 'c' });
  assert.throws(() => addPlain(manager, calls, 'c', { before: 'a' }), HookRegistrationError);
  assert.deepEqual(
    manager.plugins().map(([name]) => name),
    ['a', 'b'],
  );
});

test("a cycle on a second hook rolls back the plugin's first hook too (atomic)", () => {
  const manager = new HookManager<{ g(args: { x: number }): unknown; h(args: { x: number }): unknown }>([
    { name: 'g', args: ['x'] },
    { name: 'h', args: ['x'] },
  ]);
  manager.register({ h: { before: 'b', handler: () => 'a' } }, 'a');
  const plugin = { g: () => 'b.g', h: { before: 'a', handler: () => 'b.h' } };
  assert.throws(() => manager.register(plugin, 'b'), HookRegistrationError);
  assert.deepEqual(manager.hook.g.implementations(), []);
  assert.deepEqual(list(manager.call('g', { x: 1 })), []);
  assert.deepEqual(list(manager.call('h', { x: 1 })), ['a']);
  assert.equal(manager.isRegistered('b'), false);
});

test('before/after keep unrelated plugins in pluggy order (Z before X must not move Y ahead of X)', () => {
  const manager = makeManager();
  const calls: string[] = [];
  addPlain(manager, calls, 'Z', { before: 'X' });
  addPlain(manager, calls, 'Y');
  addPlain(manager, calls, 'X');
  // pluggy order is X, Y, Z; only Z has a constraint, so X must still precede Y.
  manager.hook.h.call({ x: 1 });
  assert.deepEqual(calls, ['Z', 'X', 'Y']);
});

// ---- seeded random cross-check against a small model of pluggy's rules ----

/** mulberry32: a tiny deterministic PRNG, so every run checks the same cases. */
function prng(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

interface ModelImpl {
  id: string;
  wrapper: boolean;
  tryfirst: boolean;
  trylast: boolean;
  returns: number | undefined;
}

/** pluggy's order, written independently of src/hooks: per class, tryfirst LIFO, plain LIFO, trylast FIFO. */
function modelOrder(impls: ModelImpl[]): ModelImpl[] {
  const band = (items: ModelImpl[]) => [
    ...items.filter((impl) => impl.tryfirst).reverse(),
    ...items.filter((impl) => !impl.tryfirst && !impl.trylast).reverse(),
    ...items.filter((impl) => impl.trylast),
  ];
  return [...band(impls.filter((impl) => impl.wrapper)), ...band(impls.filter((impl) => !impl.wrapper))];
}

function randomImpls(random: () => number, count: number): ModelImpl[] {
  return Array.from({ length: count }, (_, i) => {
    const flag = random();
    return {
      id: `p${i}`,
      wrapper: random() < 0.25,
      tryfirst: flag < 0.25,
      trylast: flag >= 0.25 && flag < 0.5,
      returns: random() < 0.3 ? undefined : i,
    };
  });
}

for (const asyncImpls of [false, true]) {
  for (const firstResult of [false, true]) {
    test(`random cases match the pluggy model (${asyncImpls ? 'async' : 'sync'}, ${firstResult ? 'firstResult' : 'list'})`, async () => {
      const random = prng(firstResult ? 4242 : 1717);
      for (let round = 0; round < 60; round++) {
        // The last rounds take the loop path (more than 64 implementations).
        const count = round < 55 ? 1 + Math.floor(random() * 10) : 65 + Math.floor(random() * 15);
        const impls = randomImpls(random, count);
        const manager = makeManager({ firstResult });
        const calls: string[] = [];
        for (const impl of impls) {
          const order = { tryfirst: impl.tryfirst, trylast: impl.trylast };
          const handler = impl.wrapper
            ? (_args: { x: number }, next: () => unknown) => {
                calls.push(`${impl.id}:before`);
                const inner = next();
                const after = (value: unknown) => (calls.push(`${impl.id}:after`), value);
                return asyncImpls ? Promise.resolve(inner).then(after) : after(inner);
              }
            : () => {
                calls.push(impl.id);
                return asyncImpls ? Promise.resolve(impl.returns) : impl.returns;
              };
          manager.register({ h: { ...order, wrapper: impl.wrapper, handler } }, impl.id);
        }
        const ordered = modelOrder(impls);
        const wrappers = ordered.filter((impl) => impl.wrapper);
        const plainOnes = ordered.filter((impl) => !impl.wrapper);
        const firstAnswer = plainOnes.findIndex((impl) => impl.returns !== undefined);
        const ran = firstResult && firstAnswer !== -1 ? plainOnes.slice(0, firstAnswer + 1) : plainOnes;
        const expectedCalls = [
          ...wrappers.map((impl) => `${impl.id}:before`),
          ...ran.map((impl) => impl.id),
          ...[...wrappers].reverse().map((impl) => `${impl.id}:after`),
        ];
        const expectedResult = firstResult
          ? firstAnswer === -1
            ? undefined
            : plainOnes[firstAnswer]!.returns
          : plainOnes.flatMap((impl) => (impl.returns === undefined ? [] : [impl.returns]));
        const result = await manager.hook.h.call({ x: 1 });
        assert.deepEqual(calls, expectedCalls, `round ${round}`);
        assert.deepEqual(list(result), expectedResult, `round ${round}`);
      }
    });
  }
}

import assert from 'node:assert/strict';
import { test } from 'node:test';
import { addPlain, addWrapper, list, makeManager, plain } from './helpers.ts';

// ---- subsetCaller (pluggy's subset_hook_caller) ----

test('subsetCaller skips the named plugins and keeps the order of the rest', () => {
  const manager = makeManager();
  const calls: string[] = [];
  addPlain(manager, calls, 'a', { returns: 'A' });
  addPlain(manager, calls, 'b', { returns: 'B' });
  addPlain(manager, calls, 'c', { returns: 'C', tryfirst: true });
  const subset = manager.subsetCaller('h', ['b']);
  assert.deepEqual(list(subset.call({ x: 1 })), ['C', 'A']);
  assert.deepEqual(calls, ['c', 'a']);
});

test('subsetCaller can skip several plugins', () => {
  const manager = makeManager();
  const calls: string[] = [];
  for (const id of ['a', 'b', 'c', 'd']) addPlain(manager, calls, id);
  manager.subsetCaller('h', new Set(['a', 'c'])).call({ x: 1 });
  assert.deepEqual(calls, ['d', 'b']);
});

test("subsetCaller skips an excluded plugin's wrapper too", () => {
  const manager = makeManager();
  const calls: string[] = [];
  addWrapper(manager, calls, 'w');
  addWrapper(manager, calls, 'kept');
  addPlain(manager, calls, 'p');
  manager.subsetCaller('h', ['w']).call({ x: 1 });
  assert.deepEqual(calls, ['kept:before', 'p', 'kept:after']);
});

test('subsetCaller does not change the full hook', () => {
  const manager = makeManager();
  const calls: string[] = [];
  addPlain(manager, calls, 'a');
  addPlain(manager, calls, 'b');
  manager.subsetCaller('h', ['a']).call({ x: 1 });
  calls.length = 0;
  manager.hook.h.call({ x: 1 });
  assert.deepEqual(calls, ['b', 'a']);
});

test('subsetCaller follows plugins registered after it was made', () => {
  const manager = makeManager();
  const calls: string[] = [];
  addPlain(manager, calls, 'a');
  const subset = manager.subsetCaller('h', ['a', 'later-excluded']);
  subset.call({ x: 1 });
  assert.deepEqual(calls, []);
  addPlain(manager, calls, 'b');
  addPlain(manager, calls, 'later-excluded');
  subset.call({ x: 1 });
  assert.deepEqual(calls, ['b']);
});

test('subsetCaller follows unregistrations', () => {
  const manager = makeManager();
  const calls: string[] = [];
  addPlain(manager, calls, 'a');
  addPlain(manager, calls, 'b');
  const subset = manager.subsetCaller('h', ['a']);
  subset.call({ x: 1 });
  manager.unregister('b');
  calls.length = 0;
  subset.call({ x: 1 });
  assert.deepEqual(calls, []);
});

test('subsetCaller naming plugins that do not exist skips nothing', () => {
  const manager = makeManager();
  const calls: string[] = [];
  addPlain(manager, calls, 'a');
  manager.subsetCaller('h', ['ghost']).call({ x: 1 });
  assert.deepEqual(calls, ['a']);
});

test('subsetCaller keeps its own copy of the excluded names', () => {
  const manager = makeManager();
  const calls: string[] = [];
  addPlain(manager, calls, 'a');
  addPlain(manager, calls, 'b');
  const excluded = ['a'];
  const subset = manager.subsetCaller('h', excluded);
  excluded.push('b');
  subset.call({ x: 1 });
  assert.deepEqual(calls, ['b']);
});

test('subsetCaller on a firstResult hook returns the first answer among the rest', () => {
  const manager = makeManager({ firstResult: true });
  const calls: string[] = [];
  addPlain(manager, calls, 'a', { returns: 'A' });
  addPlain(manager, calls, 'b', { returns: 'B' });
  assert.equal(manager.subsetCaller('h', ['b']).call({ x: 1 }), 'A');
});

test('subsetCaller exposes the hook name and spec', () => {
  const manager = makeManager();
  const subset = manager.subsetCaller('h', []);
  assert.equal(subset.name, 'h');
  assert.deepEqual(subset.spec.args, ['x']);
});

test('subsetCaller of an unknown hook is a HookCallError', () => {
  const manager = makeManager();
  assert.throws(() => manager.subsetCaller('nope' as 'h', []), { name: 'HookCallError' });
});

test('subsetCaller(...).implementations() lists the remaining implementations', () => {
  const manager = makeManager();
  const calls: string[] = [];
  addPlain(manager, calls, 'a');
  addPlain(manager, calls, 'b');
  const subset = manager.subsetCaller('h', ['a']);
  assert.deepEqual(
    subset.implementations().map((info) => info.pluginName),
    ['b'],
  );
});

test('subsetCaller(...).callExtra() runs the extras with the remaining implementations', () => {
  const manager = makeManager();
  const calls: string[] = [];
  addPlain(manager, calls, 'a');
  addPlain(manager, calls, 'b');
  manager.subsetCaller('h', ['a']).callExtra([() => void calls.push('extra')], { x: 1 });
  assert.deepEqual(calls, ['extra', 'b']);
});

test("a monitor added after a subset caller was first used sees the subset caller's calls", () => {
  const manager = makeManager();
  const calls: string[] = [];
  addPlain(manager, calls, 'a');
  addPlain(manager, calls, 'b');
  const subset = manager.subsetCaller('h', ['a']);
  subset.call({ x: 1 });
  const seen: string[][] = [];
  manager.addMonitor({ before: ({ pluginNames }) => void seen.push([...pluginNames]) });
  subset.call({ x: 1 });
  assert.deepEqual(seen, [['b']]);
});

test('a stopped tracer records nothing more from a subset caller', () => {
  const manager = makeManager();
  const calls: string[] = [];
  addPlain(manager, calls, 'a');
  addPlain(manager, calls, 'b');
  const tracer = manager.trace();
  const subset = manager.subsetCaller('h', ['a']);
  subset.call({ x: 1 });
  tracer.stop();
  subset.call({ x: 1 });
  subset.call({ x: 1 });
  assert.equal(tracer.calls.length, 1);
  assert.equal(tracer.implementations.length, 1);
});

test('a monitor added before a subset caller is first used sees its calls', () => {
  const manager = makeManager();
  const calls: string[] = [];
  addPlain(manager, calls, 'a');
  addPlain(manager, calls, 'b');
  const seen: string[][] = [];
  manager.addMonitor({ before: ({ pluginNames }) => void seen.push([...pluginNames]) });
  manager.subsetCaller('h', ['a']).call({ x: 1 });
  assert.deepEqual(seen, [['b']]);
});

// ---- unregister ----

test('unregister by object removes every implementation and returns the plugin', () => {
  const manager = makeManager();
  const calls: string[] = [];
  const plugin = plain(calls, 'a');
  manager.register(plugin, 'a');
  addPlain(manager, calls, 'b');
  assert.equal(manager.unregister(plugin), plugin);
  manager.hook.h.call({ x: 1 });
  assert.deepEqual(calls, ['b']);
  assert.equal(manager.isRegistered(plugin), false);
  assert.equal(manager.isRegistered('a'), false);
  assert.equal(manager.getPlugin('a'), undefined);
  assert.equal(manager.getName(plugin), undefined);
});

test('unregister by name removes the plugin and returns it', () => {
  const manager = makeManager();
  const calls: string[] = [];
  const plugin = plain(calls, 'a');
  manager.register(plugin, 'a');
  assert.equal(manager.unregister('a'), plugin);
  assert.deepEqual(list(manager.hook.h.call({ x: 1 })), []);
  assert.deepEqual(manager.plugins(), []);
});

test('unregister of something not registered returns undefined and changes nothing', () => {
  const manager = makeManager();
  const calls: string[] = [];
  addPlain(manager, calls, 'a');
  assert.equal(manager.unregister('ghost'), undefined);
  assert.equal(manager.unregister({}), undefined);
  assert.equal(manager.unregister('a') !== undefined, true);
  assert.equal(manager.unregister('a'), undefined);
});

test('after unregister, the name and the object can be registered again', () => {
  const manager = makeManager();
  const calls: string[] = [];
  const plugin = plain(calls, 'a');
  manager.register(plugin, 'a');
  manager.unregister(plugin);
  assert.equal(manager.register(plugin, 'a'), 'a');
  manager.hook.h.call({ x: 1 });
  assert.deepEqual(calls, ['a']);
});

test('a plugin registered again after unregister counts as newly registered (LIFO)', () => {
  const manager = makeManager();
  const calls: string[] = [];
  const a = plain(calls, 'a');
  manager.register(a, 'a');
  addPlain(manager, calls, 'b');
  manager.unregister(a);
  manager.register(a, 'a');
  manager.hook.h.call({ x: 1 });
  assert.deepEqual(calls, ['a', 'b']);
});

test('unregister removes a plugin from every hook it implements', () => {
  const manager = makeManager();
  const calls: string[] = [];
  manager.addSpecs([{ name: 'g', args: [] }]);
  const plugin = { h: () => void calls.push('h'), g: () => void calls.push('g') };
  manager.register(plugin, 'both');
  manager.unregister('both');
  manager.hook.h.call({ x: 1 });
  manager.call('g' as 'h', { x: 1 });
  assert.deepEqual(calls, []);
});

// ---- block / unblock / isBlocked ----

test('block unregisters a registered plugin and marks the name blocked', () => {
  const manager = makeManager();
  const calls: string[] = [];
  addPlain(manager, calls, 'a');
  manager.block('a');
  assert.equal(manager.isBlocked('a'), true);
  assert.equal(manager.isRegistered('a'), false);
  manager.hook.h.call({ x: 1 });
  assert.deepEqual(calls, []);
});

test('registering under a blocked name returns undefined and registers nothing', () => {
  const manager = makeManager();
  const calls: string[] = [];
  manager.block('a');
  const plugin = plain(calls, 'a');
  assert.equal(manager.register(plugin, 'a'), undefined);
  assert.equal(manager.isRegistered(plugin), false);
  assert.deepEqual(manager.plugins(), []);
  manager.hook.h.call({ x: 1 });
  assert.deepEqual(calls, []);
});

test('a blocked name also blocks a plugin that carries it in its own name property', () => {
  const manager = makeManager();
  let called = false;
  manager.block('named');
  assert.equal(manager.register({ name: 'named', h: () => void (called = true) }), undefined);
  manager.hook.h.call({ x: 1 });
  assert.equal(called, false);
});

test('blocking is by name: the same object under another name registers', () => {
  const manager = makeManager();
  const calls: string[] = [];
  manager.block('a');
  assert.equal(manager.register(plain(calls, 'other'), 'other'), 'other');
});

test('a blocked plugin is not validated: even an invalid plugin under a blocked name returns undefined', () => {
  const manager = makeManager();
  manager.block('bad');
  assert.equal(manager.register({ h: 42 }, 'bad'), undefined);
});

test('unblock lets the name register again and reports whether it was blocked', () => {
  const manager = makeManager();
  const calls: string[] = [];
  manager.block('a');
  assert.equal(manager.unblock('a'), true);
  assert.equal(manager.isBlocked('a'), false);
  assert.equal(manager.unblock('a'), false);
  assert.equal(manager.register(plain(calls, 'a'), 'a'), 'a');
  manager.hook.h.call({ x: 1 });
  assert.deepEqual(calls, ['a']);
});

test('unblock does not bring back the plugin that block removed', () => {
  const manager = makeManager();
  const calls: string[] = [];
  addPlain(manager, calls, 'a');
  manager.block('a');
  manager.unblock('a');
  assert.equal(manager.isRegistered('a'), false);
});

test('isBlocked is false for names never blocked', () => {
  const manager = makeManager();
  assert.equal(manager.isBlocked('anything'), false);
});

test('a subset caller made before a block no longer calls the blocked plugin', () => {
  const manager = makeManager();
  const calls: string[] = [];
  addPlain(manager, calls, 'a');
  addPlain(manager, calls, 'b');
  const subset = manager.subsetCaller('h', []);
  subset.call({ x: 1 });
  manager.block('b');
  calls.length = 0;
  subset.call({ x: 1 });
  assert.deepEqual(calls, ['a']);
});

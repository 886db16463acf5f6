import assert from 'node:assert/strict';
import { test } from 'node:test';
import { addPlain, addWrapper, deferred, flush, isThenable, list, makeManager } from './helpers.ts';

test('callExtra runs extra implementations as if registered last: before the other plain ones', () => {
  const manager = makeManager();
  const calls: string[] = [];
  addPlain(manager, calls, 'p0', { returns: 0 });
  addPlain(manager, calls, 'p1', { returns: 1 });
  const result = manager.hook.h.callExtra([() => (calls.push('extra'), 'E')], { x: 1 });
  assert.deepEqual(calls, ['extra', 'p1', 'p0']);
  assert.deepEqual(list(result), ['E', 1, 0]);
});

test('callExtra: tryfirst implementations still run before the extra ones, trylast after', () => {
  const manager = makeManager();
  const calls: string[] = [];
  addPlain(manager, calls, 'last', { trylast: true });
  addPlain(manager, calls, 'first', { tryfirst: true });
  addPlain(manager, calls, 'plain');
  manager.hook.h.callExtra([() => void calls.push('extra')], { x: 1 });
  assert.deepEqual(calls, ['first', 'extra', 'plain', 'last']);
});

test('callExtra: several extras run as if registered in list order (the last one first)', () => {
  const manager = makeManager();
  const calls: string[] = [];
  addPlain(manager, calls, 'plain');
  manager.hook.h.callExtra(
    [() => void calls.push('e0'), () => void calls.push('e1'), () => void calls.push('e2')],
    { x: 1 },
  );
  assert.deepEqual(calls, ['e2', 'e1', 'e0', 'plain']);
});

test('callExtra: wrappers wrap the extra implementations too', () => {
  const manager = makeManager();
  const calls: string[] = [];
  addWrapper(manager, calls, 'w');
  addPlain(manager, calls, 'p');
  manager.hook.h.callExtra([() => void calls.push('extra')], { x: 1 });
  assert.deepEqual(calls, ['w:before', 'extra', 'p', 'w:after']);
});

test('callExtra: the extras receive the arguments object', () => {
  const manager = makeManager();
  const args = { x: 9 };
  let seen: unknown;
  manager.hook.h.callExtra([(received) => void (seen = received)], args);
  assert.equal(seen, args);
});

test('callExtra: the extras are for that call only', () => {
  const manager = makeManager();
  const calls: string[] = [];
  addPlain(manager, calls, 'p');
  manager.hook.h.callExtra([() => void calls.push('extra')], { x: 1 });
  calls.length = 0;
  manager.hook.h.call({ x: 1 });
  assert.deepEqual(calls, ['p']);
  assert.deepEqual(
    manager.hook.h.implementations().map((info) => info.pluginName),
    ['p'],
  );
});

test('callExtra works on a hook with no registered implementations', () => {
  const manager = makeManager();
  assert.deepEqual(list(manager.hook.h.callExtra([() => 'only'], { x: 1 })), ['only']);
  assert.deepEqual(list(manager.hook.h.callExtra([], { x: 1 })), []);
});

test('callExtra on a firstResult hook: an extra answer wins over plain implementations', () => {
  const manager = makeManager({ firstResult: true });
  const calls: string[] = [];
  addPlain(manager, calls, 'plain', { returns: 'plain' });
  assert.equal(manager.hook.h.callExtra([() => 'extra'], { x: 1 }), 'extra');
  assert.deepEqual(calls, []);
});

test('callExtra on a firstResult hook: a tryfirst answer wins over the extra', () => {
  const manager = makeManager({ firstResult: true });
  const calls: string[] = [];
  addPlain(manager, calls, 'first', { tryfirst: true, returns: 'first' });
  let extraCalled = false;
  assert.equal(manager.hook.h.callExtra([() => ((extraCalled = true), 'extra')], { x: 1 }), 'first');
  assert.equal(extraCalled, false);
});

test('callExtra: an async extra is awaited before the plain implementations run', async () => {
  const manager = makeManager();
  const calls: string[] = [];
  addPlain(manager, calls, 'p', { returns: 'P' });
  const gate = deferred<string>();
  const pending = manager.hook.h.callExtra([() => (calls.push('extra'), gate.promise)], { x: 1 });
  assert.ok(isThenable(pending));
  await flush();
  assert.deepEqual(calls, ['extra']);
  gate.resolve('E');
  assert.deepEqual(list(await pending), ['E', 'P']);
  assert.deepEqual(calls, ['extra', 'p']);
});

test('callExtra is monitored like call()', () => {
  const manager = makeManager();
  const calls: string[] = [];
  addPlain(manager, calls, 'p');
  const seen: string[][] = [];
  manager.addMonitor({ before: ({ pluginNames }) => void seen.push([...pluginNames]) });
  manager.hook.h.callExtra([() => undefined], { x: 1 });
  assert.equal(seen.length, 1);
  assert.equal(seen[0]!.length, 2);
  assert.equal(seen[0]![1], 'p');
});

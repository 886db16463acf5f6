import assert from 'node:assert/strict';
import { test } from 'node:test';
import { HookCallError, HookManager } from '../../src/hooks/index.ts';
import type { Next } from './helpers.ts';
import { addPlain, deferred, flush, isThenable, list, makeManager, thrown } from './helpers.ts';

const historic = () => makeManager({ historic: true });

test('callHistoric calls the current implementations and returns their results', () => {
  const manager = historic();
  const calls: string[] = [];
  addPlain(manager, calls, 'a', { returns: 'A' });
  addPlain(manager, calls, 'b', { returns: 'B' });
  assert.deepEqual(list(manager.hook.h.callHistoric({ x: 1 })), ['B', 'A']);
  assert.deepEqual(calls, ['b', 'a']);
});

test('a plugin registered later receives the historic call at registration, with the same arguments object', () => {
  const manager = historic();
  const args = { x: 5 };
  manager.hook.h.callHistoric(args);
  const seen: unknown[] = [];
  manager.register({ h: (received: { x: number }) => void seen.push(received) }, 'late');
  assert.equal(seen.length, 1);
  assert.equal(seen[0], args);
});

test('the result callback gets each non-empty result now, and again on every replay', () => {
  const manager = historic();
  const calls: string[] = [];
  addPlain(manager, calls, 'a', { returns: 'A' });
  addPlain(manager, calls, 'empty');
  const results: unknown[] = [];
  manager.hook.h.callHistoric({ x: 1 }, (result) => results.push(result));
  assert.deepEqual(results, ['A']);
  addPlain(manager, calls, 'late', { returns: 'LATE' });
  assert.deepEqual(results, ['A', 'LATE']);
  addPlain(manager, calls, 'late-empty', { returns: null });
  assert.deepEqual(results, ['A', 'LATE']);
});

test('every remembered call is replayed to a late plugin, in call order', () => {
  const manager = historic();
  manager.hook.h.callHistoric({ x: 1 });
  manager.hook.h.callHistoric({ x: 2 });
  manager.hook.h.callHistoric({ x: 3 });
  const seen: number[] = [];
  manager.register({ h: ({ x }: { x: number }) => void seen.push(x) }, 'late');
  assert.deepEqual(seen, [1, 2, 3]);
});

test('replays go to the new plugin only; plugins already registered are not called again', () => {
  const manager = historic();
  const calls: string[] = [];
  addPlain(manager, calls, 'early');
  manager.hook.h.callHistoric({ x: 1 });
  addPlain(manager, calls, 'late');
  assert.deepEqual(calls, ['early', 'late']);
});

test('each replay pairs its arguments with its own result callback', () => {
  const manager = historic();
  const first: unknown[] = [];
  const second: unknown[] = [];
  manager.hook.h.callHistoric({ x: 1 }, (result) => first.push(result));
  manager.hook.h.callHistoric({ x: 2 }, (result) => second.push(result));
  manager.register({ h: ({ x }: { x: number }) => x * 10 }, 'late');
  assert.deepEqual(first, [10]);
  assert.deepEqual(second, [20]);
});

test('a historic call with no result callback is replayed too', () => {
  const manager = historic();
  manager.hook.h.callHistoric({ x: 1 });
  const calls: string[] = [];
  addPlain(manager, calls, 'late', { returns: 'ignored' });
  assert.deepEqual(calls, ['late']);
});

test('a plugin unregistered and registered again gets the history again (pluggy)', () => {
  const manager = historic();
  manager.hook.h.callHistoric({ x: 1 });
  const calls: string[] = [];
  addPlain(manager, calls, 'p');
  manager.unregister('p');
  addPlain(manager, calls, 'p');
  assert.deepEqual(calls, ['p', 'p']);
});

test('a blocked plugin is not replayed to', () => {
  const manager = historic();
  manager.hook.h.callHistoric({ x: 1 });
  manager.block('blocked');
  const calls: string[] = [];
  assert.equal(manager.register({ h: () => void calls.push('blocked') }, 'blocked'), undefined);
  assert.deepEqual(calls, []);
});

test('call() on a historic hook is a HookCallError that points at callHistoric()', () => {
  const manager = historic();
  const calls: string[] = [];
  addPlain(manager, calls, 'p');
  const error = thrown(() => manager.hook.h.call({ x: 1 }));
  assert.ok(error instanceof HookCallError);
  assert.match(error.message, /"h"/);
  assert.match(error.message, /callHistoric/);
  assert.throws(() => manager.call('h', { x: 1 }), HookCallError);
  assert.deepEqual(calls, []);
});

test('call() on a historic hook stays an error after registrations and monitors change it', () => {
  const manager = historic();
  const calls: string[] = [];
  addPlain(manager, calls, 'p');
  const stop = manager.addMonitor({ after: () => undefined });
  assert.throws(() => manager.hook.h.call({ x: 1 }), HookCallError);
  stop();
  manager.unregister('p');
  assert.throws(() => manager.hook.h.call({ x: 1 }), HookCallError);
});

test('a rejected plain call is not remembered: late plugins get nothing', () => {
  const manager = historic();
  assert.throws(() => manager.hook.h.call({ x: 1 }));
  const calls: string[] = [];
  addPlain(manager, calls, 'late');
  assert.deepEqual(calls, []);
});

test('callHistoric on a non-historic hook is a HookCallError', () => {
  const manager = makeManager();
  const error = thrown(() => manager.hook.h.callHistoric({ x: 1 }));
  assert.ok(error instanceof HookCallError);
  assert.match(error.message, /not historic/);
});

test('a spec that is both historic and firstResult is rejected', () => {
  const error = thrown(
    () => new HookManager([{ name: 'h', args: ['x'], historic: true, firstResult: true }]),
  );
  assert.ok(error instanceof HookCallError);
  assert.match(error.message, /"h"/);
  assert.match(error.message, /historic/);
  assert.match(error.message, /firstResult/);
  const manager = new HookManager();
  assert.throws(
    () => manager.addSpecs([{ name: 'g', args: [], historic: true, firstResult: true }]),
    HookCallError,
  );
  assert.deepEqual(manager.specs(), []);
});

test('an error during a replay escapes register(), and the call stays remembered for the next plugin', () => {
  const manager = historic();
  manager.hook.h.callHistoric({ x: 1 });
  assert.throws(
    () =>
      manager.register(
        {
          h: () => {
            throw new Error('replay boom');
          },
        },
        'bad',
      ),
    /replay boom/,
  );
  const calls: string[] = [];
  addPlain(manager, calls, 'good');
  assert.deepEqual(calls, ['good']);
});

test('async: callHistoric returns a promise and delivers results to the callback after it settles', async () => {
  const manager = historic();
  const gate = deferred<string>();
  manager.register({ h: () => gate.promise }, 'slow');
  const results: unknown[] = [];
  const pending = manager.hook.h.callHistoric({ x: 1 }, (result) => results.push(result));
  assert.ok(isThenable(pending));
  await flush();
  assert.deepEqual(results, []);
  gate.resolve('done');
  assert.deepEqual(list(await pending), ['done']);
  assert.deepEqual(results, ['done']);
});

test('async: a replay to a late async plugin delivers its result later; replaysSettled() waits for it', async () => {
  const manager = historic();
  const results: unknown[] = [];
  manager.hook.h.callHistoric({ x: 1 }, (result) => results.push(result));
  const gate = deferred<string>();
  manager.register({ h: () => gate.promise }, 'late');
  assert.deepEqual(results, []);
  let settled = false;
  const waiting = manager.replaysSettled().then(() => (settled = true));
  await flush();
  assert.equal(settled, false);
  gate.resolve('late result');
  await waiting;
  assert.deepEqual(results, ['late result']);
});

test('async: replaysSettled() rejects with a failed async replay', async () => {
  const manager = historic();
  manager.hook.h.callHistoric({ x: 1 });
  manager.register(
    {
      h: async () => {
        throw new Error('async replay boom');
      },
    },
    'late',
  );
  await assert.rejects(manager.replaysSettled(), /async replay boom/);
});

test('replaysSettled() resolves at once when nothing is pending', async () => {
  await historic().replaysSettled();
  await makeManager().replaysSettled();
});

test('a wrapper on a historic hook is rejected at registration (pluggy: "historic incompatible with wrapper")', () => {
  const manager = historic();
  const handler = (_args: { x: number }, next: Next) => next();
  assert.throws(() => manager.register({ h: { wrapper: true, handler } }, 'w'), /historic/);
});

test('callExtra on a historic hook is a HookCallError, like call() (pluggy asserts the same)', () => {
  const manager = historic();
  assert.throws(() => manager.hook.h.callExtra([() => 1], { x: 1 }), HookCallError);
});

// ---- historic calls through subset callers (they share the hook's history, as in pluggy) ----

test('a historic call through a subset caller is replayed to plugins registered later', () => {
  const manager = historic();
  const calls: string[] = [];
  addPlain(manager, calls, 'skipped');
  const results: unknown[] = [];
  manager.subsetCaller('h', ['skipped']).callHistoric({ x: 1 }, (result) => results.push(result));
  assert.deepEqual(calls, []);
  addPlain(manager, calls, 'late', { returns: 'LATE' });
  assert.deepEqual(calls, ['late']);
  assert.deepEqual(results, ['LATE']);
});

test('calls through the hook and through its subset callers are replayed in the order they were made', () => {
  const manager = historic();
  manager.hook.h.callHistoric({ x: 1 });
  manager.subsetCaller('h', ['other']).callHistoric({ x: 2 });
  manager.hook.h.callHistoric({ x: 3 });
  const seen: number[] = [];
  manager.register({ h: ({ x }: { x: number }) => void seen.push(x) }, 'late');
  assert.deepEqual(seen, [1, 2, 3]);
});

test('a subset historic call is not replayed to a later plugin the subset leaves out (pluggy would replay it)', () => {
  // Sluice's subset callers leave plugins out by name, including plugins registered after the
  // call; replaying the call to one of them would hand it a call it was meant to miss.
  const manager = historic();
  manager.subsetCaller('h', ['left-out']).callHistoric({ x: 1 });
  manager.hook.h.callHistoric({ x: 2 });
  const seen: number[] = [];
  manager.register({ h: ({ x }: { x: number }) => void seen.push(x) }, 'left-out');
  assert.deepEqual(seen, [2]);
});

test('an async replay of a subset historic call is awaited by replaysSettled()', async () => {
  const manager = historic();
  const results: unknown[] = [];
  manager.subsetCaller('h', []).callHistoric({ x: 1 }, (result) => results.push(result));
  const gate = deferred<string>();
  manager.register({ h: () => gate.promise }, 'late');
  const waiting = manager.replaysSettled();
  gate.resolve('late result');
  await waiting;
  assert.deepEqual(results, ['late result']);
});

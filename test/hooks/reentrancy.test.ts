import assert from 'node:assert/strict';
import { test } from 'node:test';
import { addPlain, deferred, flush, list, makeManager, plain } from './helpers.ts';

// pluggy copies the implementation list per call (#438): changes made during a call apply from the next call.

test('a plugin registered during a call does not run in that call, and runs in the next', () => {
  const manager = makeManager();
  const calls: string[] = [];
  addPlain(manager, calls, 'last');
  manager.register(
    {
      h: () => {
        calls.push('registrar');
        if (!manager.isRegistered('newcomer')) addPlain(manager, calls, 'newcomer');
      },
    },
    'registrar',
  );
  manager.hook.h.call({ x: 1 });
  assert.deepEqual(calls, ['registrar', 'last']);
  calls.length = 0;
  manager.hook.h.call({ x: 1 });
  assert.deepEqual(calls, ['newcomer', 'registrar', 'last']);
});

test('a plugin unregistered during a call still runs in that call (the call uses its snapshot)', () => {
  const manager = makeManager();
  const calls: string[] = [];
  addPlain(manager, calls, 'victim');
  manager.register({ h: () => void (calls.push('remover'), manager.unregister('victim')) }, 'remover');
  manager.hook.h.call({ x: 1 });
  assert.deepEqual(calls, ['remover', 'victim']);
  calls.length = 0;
  manager.hook.h.call({ x: 1 });
  assert.deepEqual(calls, ['remover']);
});

test('a plugin that unregisters itself during a call finishes the call', () => {
  const manager = makeManager();
  const calls: string[] = [];
  addPlain(manager, calls, 'other', { returns: 'other' });
  manager.register({ h: () => (manager.unregister('once'), 'once') }, 'once');
  assert.deepEqual(list(manager.hook.h.call({ x: 1 })), ['once', 'other']);
  assert.deepEqual(list(manager.hook.h.call({ x: 1 })), ['other']);
});

test('async: registering while a call awaits does not change the rest of that call', async () => {
  const manager = makeManager();
  const calls: string[] = [];
  addPlain(manager, calls, 'tail');
  const gate = deferred<undefined>();
  manager.register({ h: () => (calls.push('slow'), gate.promise) }, 'slow');
  const pending = manager.hook.h.call({ x: 1 });
  await flush();
  manager.register(plain(calls, 'newcomer'), 'newcomer');
  gate.resolve(undefined);
  await pending;
  assert.deepEqual(calls, ['slow', 'tail']);
});

test('historic: a plugin registered during a historic call gets that call exactly once, by replay', () => {
  const manager = makeManager({ historic: true });
  const seen: number[] = [];
  manager.register(
    {
      h: () => {
        if (!manager.isRegistered('newcomer'))
          manager.register({ h: ({ x }: { x: number }) => void seen.push(x) }, 'newcomer');
      },
    },
    'registrar',
  );
  manager.hook.h.callHistoric({ x: 7 });
  assert.deepEqual(seen, [7]);
});

test('a hook called from inside another hook call runs normally (nested calls)', () => {
  const manager = makeManager();
  const calls: string[] = [];
  manager.register(
    {
      h: ({ x }: { x: number }) => {
        calls.push(`outer ${x}`);
        if (x > 0) manager.hook.h.call({ x: x - 1 });
      },
    },
    'recursive',
  );
  manager.hook.h.call({ x: 2 });
  assert.deepEqual(calls, ['outer 2', 'outer 1', 'outer 0']);
});

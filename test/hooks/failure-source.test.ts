import assert from 'node:assert/strict';
import { test } from 'node:test';
import { hookFailureSource } from '../../src/plugin-api/index.ts';
import { useGeneratedCallSites } from '../../src/hooks/generated-call-sites.ts';
import type { Next } from './helpers.ts';
import { addPlain, deferred, makeManager } from './helpers.ts';

class Boom extends Error {}

/** Runs `body` on the generated call sites and again on the plain loops. */
function bothPaths(name: string, body: () => unknown): void {
  for (const generated of [true, false]) {
    test(`${name} (${generated ? 'generated call sites' : 'plain loops'})`, async () => {
      const previous = useGeneratedCallSites(generated);
      try {
        await body();
      } finally {
        useGeneratedCallSites(previous);
      }
    });
  }
}

/** What `body` threw (synchronously or by rejecting). */
async function caught(body: () => unknown): Promise<unknown> {
  try {
    await body();
  } catch (error) {
    return error;
  }
  throw new Error('expected a failure, got none');
}

function throwing(value: unknown) {
  return () => {
    throw value;
  };
}

const failing = (error: unknown = new Boom('boom')) => throwing(error);

bothPaths('a synchronous throw names the plugin and the hook', async () => {
  const manager = makeManager();
  const calls: string[] = [];
  addPlain(manager, calls, 'before');
  manager.register({ h: failing() }, 'bad');
  addPlain(manager, calls, 'after', { returns: 'A' });
  const error = await caught(() => manager.hook.h.call({ x: 1 }));
  assert.ok(error instanceof Boom);
  assert.deepEqual(hookFailureSource(error), { pluginName: 'bad', hookName: 'h' });
  assert.deepEqual(calls, ['after']);
});

bothPaths('a rejected promise names the plugin, after an earlier async implementation', async () => {
  const manager = makeManager();
  const gate = deferred<string>();
  manager.register({ h: async () => Promise.reject(new Boom('late boom')) }, 'rejects');
  manager.register({ h: () => gate.promise }, 'slow');
  const pending = manager.hook.h.call({ x: 1 });
  gate.resolve('ok');
  const error = await caught(() => pending);
  assert.deepEqual(hookFailureSource(error), { pluginName: 'rejects', hookName: 'h' });
});

bothPaths('the first async implementation rejecting is named too', async () => {
  const manager = makeManager();
  manager.register({ h: () => Promise.reject(new Boom('first')) }, 'first');
  const error = await caught(() => manager.hook.h.call({ x: 1 }));
  assert.deepEqual(hookFailureSource(error), { pluginName: 'first', hookName: 'h' });
});

bothPaths('a wrapper that rethrows what next() threw does not take the blame', async () => {
  const manager = makeManager();
  manager.register({ h: failing() }, 'inner');
  manager.register(
    {
      h: {
        wrapper: true,
        handler: (_args: { x: number }, next: Next) => {
          try {
            return next();
          } finally {
            // cleanup only
          }
        },
      },
    },
    'wrapper',
  );
  const error = await caught(() => manager.hook.h.call({ x: 1 }));
  assert.deepEqual(hookFailureSource(error), { pluginName: 'inner', hookName: 'h' });
});

bothPaths('an async wrapper that rethrows an inner rejection does not take the blame', async () => {
  const manager = makeManager();
  manager.register({ h: async () => Promise.reject(new Boom('inner')) }, 'inner');
  manager.register(
    { h: { wrapper: true, handler: async (_args: { x: number }, next: Next) => await next() } },
    'wrapper',
  );
  const error = await caught(() => manager.hook.h.call({ x: 1 }));
  assert.deepEqual(hookFailureSource(error), { pluginName: 'inner', hookName: 'h' });
});

bothPaths('a wrapper that throws its own error is blamed, sync and async', async () => {
  for (const isAsync of [false, true]) {
    const manager = makeManager();
    manager.register({ h: failing() }, 'inner');
    const own = (error: unknown) => new Boom('wrapped', { cause: error });
    const handler = isAsync
      ? async (_args: { x: number }, next: Next) => {
          try {
            return await next();
          } catch (error) {
            throw own(error);
          }
        }
      : (_args: { x: number }, next: Next) => {
          try {
            return next();
          } catch (error) {
            throw own(error);
          }
        };
    manager.register({ h: { wrapper: true, handler } }, 'wrapper');
    const error = await caught(() => manager.hook.h.call({ x: 1 }));
    assert.equal((error as Error).message, 'wrapped');
    assert.deepEqual(hookFailureSource(error), { pluginName: 'wrapper', hookName: 'h' });
    assert.deepEqual(hookFailureSource((error as Error).cause), { pluginName: 'inner', hookName: 'h' });
  }
});

bothPaths('a wrapper that never calls next() is blamed for the HookCallError', async () => {
  const manager = makeManager();
  manager.register({ h: { wrapper: true, handler: () => 'skipped' } }, 'lazy');
  const error = await caught(() => manager.hook.h.call({ x: 1 }));
  assert.equal((error as Error).name, 'HookCallError');
  assert.deepEqual(hookFailureSource(error), { pluginName: 'lazy', hookName: 'h' });
  manager.unregister('lazy');
  manager.register({ h: { wrapper: true, handler: async () => 'skipped' } }, 'lazy-async');
  const asyncError = await caught(() => manager.hook.h.call({ x: 1 }));
  assert.deepEqual(hookFailureSource(asyncError), { pluginName: 'lazy-async', hookName: 'h' });
});

bothPaths('a first-result hook names the implementation that threw or rejected', async () => {
  const manager = makeManager({ firstResult: true });
  manager.register({ h: () => 'never reached' }, 'last');
  manager.register({ h: failing() }, 'bad');
  manager.register({ h: () => undefined }, 'empty');
  const error = await caught(() => manager.hook.h.call({ x: 1 }));
  assert.deepEqual(hookFailureSource(error), { pluginName: 'bad', hookName: 'h' });

  const asyncManager = makeManager({ firstResult: true });
  asyncManager.register({ h: () => Promise.reject(new Boom('no')) }, 'rejects');
  asyncManager.register({ h: async () => undefined }, 'empty');
  const rejection = await caught(() => asyncManager.hook.h.call({ x: 1 }));
  assert.deepEqual(hookFailureSource(rejection), { pluginName: 'rejects', hookName: 'h' });
});

bothPaths('historic: a failing live call and a failing replay both name the plugin', async () => {
  const manager = makeManager({ historic: true });
  manager.register({ h: failing() }, 'early');
  const live = await caught(() => manager.hook.h.callHistoric({ x: 1 }));
  assert.deepEqual(hookFailureSource(live), { pluginName: 'early', hookName: 'h' });
  manager.unregister('early');
  const replay = await caught(() => manager.register({ h: failing() }, 'late'));
  assert.deepEqual(hookFailureSource(replay), { pluginName: 'late', hookName: 'h' });
  manager.unregister('late');
  manager.register({ h: () => Promise.reject(new Boom('async replay')) }, 'late-async');
  const asyncReplay = await caught(() => manager.replaysSettled());
  assert.deepEqual(hookFailureSource(asyncReplay), { pluginName: 'late-async', hookName: 'h' });
});

bothPaths('the innermost hook is named when an implementation calls another hook that fails', async () => {
  const manager = makeManager();
  manager.addSpecs([{ name: 'g', args: [] }]);
  manager.register({ g: failing() }, 'deep');
  manager.register({ h: () => manager.call('g' as 'h', {} as { x: number }) }, 'outer');
  const error = await caught(() => manager.hook.h.call({ x: 1 }));
  assert.deepEqual(hookFailureSource(error), { pluginName: 'deep', hookName: 'g' });
});

bothPaths('naming survives monitors and per-implementation tracing', async () => {
  const manager = makeManager();
  manager.register({ h: failing() }, 'bad');
  const tracer = manager.trace();
  const error = await caught(() => manager.hook.h.call({ x: 1 }));
  tracer.stop();
  assert.deepEqual(hookFailureSource(error), { pluginName: 'bad', hookName: 'h' });
});

test('more implementations than are generated: the loop names the one that threw', async () => {
  const manager = makeManager();
  const calls: string[] = [];
  for (let i = 0; i < 70; i++) {
    if (i === 20) manager.register({ h: failing() }, 'bad');
    else addPlain(manager, calls, `p${i}`);
  }
  const error = await caught(() => manager.hook.h.call({ x: 1 }));
  assert.deepEqual(hookFailureSource(error), { pluginName: 'bad', hookName: 'h' });
  assert.equal(calls.length, 49);
});

test('callExtra names an extra implementation by its place', async () => {
  const manager = makeManager();
  const error = await caught(() => manager.hook.h.callExtra([() => undefined, failing()], { x: 1 }));
  assert.deepEqual(hookFailureSource(error), { pluginName: '<extra 1>', hookName: 'h' });
});

test('thrown values that are not objects, and errors no hook threw, have no source', async () => {
  for (const value of ['text', 42, undefined, null]) {
    const manager = makeManager();
    manager.register({ h: throwing(value) }, 'bad');
    const error = await caught(() => manager.hook.h.call({ x: 1 }));
    assert.equal(error, value);
    assert.equal(hookFailureSource(error), undefined);
  }
  assert.equal(hookFailureSource(new Error('not from a hook')), undefined);
});

test('the first implementation to throw an error object keeps it, even when another hook rethrows it later', async () => {
  const manager = makeManager();
  manager.addSpecs([{ name: 'g', args: [] }]);
  const shared = new Boom('shared');
  manager.register({ h: failing(shared) }, 'first');
  await caught(() => manager.hook.h.call({ x: 1 }));
  manager.register({ g: failing(shared) }, 'second');
  await caught(() => manager.call('g' as 'h', {} as { x: number }));
  assert.deepEqual(hookFailureSource(shared), { pluginName: 'first', hookName: 'h' });
});

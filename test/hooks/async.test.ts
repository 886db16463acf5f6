import assert from 'node:assert/strict';
import { createHook } from 'node:async_hooks';
import { test } from 'node:test';
import type { Next } from './helpers.ts';
import {
  addPlain,
  addWrapper,
  deferred,
  flush,
  isThenable,
  list,
  makeManager,
  onBothPaths,
} from './helpers.ts';

/** Counts the promises created while `fn` runs (synchronously). */
function promisesCreatedBy(fn: () => void): number {
  let count = 0;
  const hook = createHook({
    init(_id, type) {
      if (type === 'PROMISE') count++;
    },
  });
  hook.enable();
  try {
    fn();
  } finally {
    hook.disable();
  }
  return count;
}

// ---- async implementations are awaited in order ----

test('async implementations are awaited in call order: the next one starts only after the previous resolves', async () => {
  const manager = makeManager();
  const started: string[] = [];
  const first = deferred<string>();
  const second = deferred<string>();
  manager.register({ h: () => (started.push('p0'), second.promise) }, 'p0');
  manager.register({ h: () => (started.push('p1'), first.promise) }, 'p1');
  const pending = manager.hook.h.call({ x: 1 });
  assert.ok(isThenable(pending));
  await flush();
  assert.deepEqual(started, ['p1']);
  first.resolve('one');
  await flush();
  assert.deepEqual(started, ['p1', 'p0']);
  second.resolve('zero');
  assert.deepEqual(list(await pending), ['one', 'zero']);
});

test('a sync implementation after an async one waits for the async one to resolve', async () => {
  const manager = makeManager();
  const events: string[] = [];
  addPlain(manager, events, 'sync-later', { returns: 'S' });
  const gate = deferred<string>();
  manager.register({ h: () => (events.push('async'), gate.promise) }, 'async');
  const pending = manager.hook.h.call({ x: 1 });
  await flush();
  assert.deepEqual(events, ['async']);
  events.push('resolve');
  gate.resolve('A');
  assert.deepEqual(list(await pending), ['A', 'S']);
  assert.deepEqual(events, ['async', 'resolve', 'sync-later']);
});

test('sync implementations before the first async one run synchronously, inside call()', () => {
  const manager = makeManager();
  const events: string[] = [];
  addPlain(manager, events, 'after-async');
  manager.register({ h: () => (events.push('async'), new Promise(() => undefined)) }, 'async');
  addPlain(manager, events, 'sync-first');
  const pending = manager.hook.h.call({ x: 1 });
  assert.ok(isThenable(pending));
  assert.deepEqual(events, ['sync-first', 'async']);
});

test('mixed sync and async results come back in call order, empty ones dropped', async () => {
  const manager = makeManager();
  manager.register({ h: () => 'sync-0' }, 'p0');
  manager.register({ h: async () => undefined }, 'p1');
  manager.register({ h: async () => 'async-2' }, 'p2');
  manager.register({ h: () => null }, 'p3');
  manager.register({ h: () => 'sync-4' }, 'p4');
  manager.register({ h: async () => null }, 'p5');
  assert.deepEqual(list(await manager.hook.h.call({ x: 1 })), ['sync-4', 'async-2', 'sync-0']);
});

test('a promise that resolves to nothing gives an empty list', async () => {
  const manager = makeManager();
  manager.register({ h: async () => undefined }, 'p');
  const result = manager.hook.h.call({ x: 1 });
  assert.ok(isThenable(result));
  assert.deepEqual(list(await result), []);
});

test('non-Promise thenables are awaited too', async () => {
  const manager = makeManager();
  const events: string[] = [];
  addPlain(manager, events, 'after');
  const thenable = {
    then(resolve: (value: string) => void) {
      events.push('then');
      resolve('from thenable');
    },
  };
  manager.register({ h: () => thenable }, 'thenable');
  assert.deepEqual(list(await manager.hook.h.call({ x: 1 })), ['from thenable']);
  assert.deepEqual(events, ['then', 'after']);
});

test('tryfirst and trylast order holds on the async path', async () => {
  const manager = makeManager();
  const events: string[] = [];
  manager.register({ h: { trylast: true, handler: async () => void events.push('last') } }, 'last');
  manager.register({ h: async () => void events.push('plain') }, 'plain');
  manager.register({ h: { tryfirst: true, handler: async () => void events.push('first') } }, 'first');
  await manager.hook.h.call({ x: 1 });
  assert.deepEqual(events, ['first', 'plain', 'last']);
});

test('the loop path (more than 64 implementations) awaits in order too', async () => {
  const manager = makeManager();
  const events: number[] = [];
  for (let i = 0; i < 70; i++) {
    manager.register(
      { h: i % 3 === 0 ? async () => (events.push(i), i) : () => (events.push(i), i) },
      `p${i}`,
    );
  }
  const result = list(await manager.hook.h.call({ x: 1 })) as number[];
  const expected = Array.from({ length: 70 }, (_, i) => 69 - i);
  assert.deepEqual(events, expected);
  assert.deepEqual(result, expected);
});

// ---- errors on the async path ----

test('the first rejection stops the remaining implementations and rejects the call', async () => {
  const manager = makeManager();
  const events: string[] = [];
  addPlain(manager, events, 'never');
  const error = new Error('async failure');
  manager.register(
    {
      h: async () => {
        events.push('rejects');
        throw error;
      },
    },
    'rejects',
  );
  addPlain(manager, events, 'before');
  await assert.rejects(
    async () => manager.hook.h.call({ x: 1 }),
    (reason) => reason === error,
  );
  assert.deepEqual(events, ['before', 'rejects']);
});

test('a sync throw after the call went async becomes a rejection, not a sync throw', async () => {
  const manager = makeManager();
  manager.register(
    {
      h: () => {
        throw new Error('late sync');
      },
    },
    'thrower',
  );
  manager.register({ h: async () => 'async' }, 'async');
  let result: unknown;
  assert.doesNotThrow(() => {
    result = manager.hook.h.call({ x: 1 });
  });
  assert.ok(isThenable(result));
  await assert.rejects(result as Promise<unknown>, /late sync/);
});

test('a sync throw before anything went async is a sync throw', () => {
  const manager = makeManager();
  const events: string[] = [];
  manager.register({ h: async () => void events.push('async') }, 'async');
  manager.register(
    {
      h: () => {
        throw new Error('early sync');
      },
    },
    'thrower',
  );
  assert.throws(() => manager.hook.h.call({ x: 1 }), /early sync/);
  assert.deepEqual(events, []);
});

test('an async rejection passes through wrappers: the wrapper sees it via next() and can replace it', async () => {
  const manager = makeManager();
  manager.register(
    {
      h: async () => {
        throw new Error('inner');
      },
    },
    'inner',
  );
  const events: string[] = [];
  manager.register(
    {
      h: {
        wrapper: true,
        handler: async (_args: { x: number }, next: Next) => {
          try {
            return await next();
          } catch (error) {
            events.push(`caught ${(error as Error).message}`);
            throw new Error('replaced', { cause: error });
          }
        },
      },
    },
    'w',
  );
  await assert.rejects(async () => manager.hook.h.call({ x: 1 }), /replaced/);
  assert.deepEqual(events, ['caught inner']);
});

test('an async wrapper around sync implementations makes the call async', async () => {
  const manager = makeManager();
  const events: string[] = [];
  addPlain(manager, events, 'p', { returns: 1 });
  manager.register(
    { h: { wrapper: true, handler: async (_args: { x: number }, next: Next) => next() } },
    'w',
  );
  const result = manager.hook.h.call({ x: 1 });
  assert.ok(isThenable(result));
  assert.deepEqual(list(await result), [1]);
});

// ---- the sync fast path allocates no promise ----

test('sync fast path: a call whose implementations are all sync returns a plain value, not a thenable', () => {
  const listHook = makeManager();
  const events: string[] = [];
  addPlain(listHook, events, 'a', { returns: 1 });
  addPlain(listHook, events, 'b');
  assert.equal(isThenable(listHook.hook.h.call({ x: 1 })), false);
  assert.ok(Array.isArray(listHook.hook.h.call({ x: 1 })));

  const firstResult = makeManager({ firstResult: true });
  addPlain(firstResult, events, 'a', { returns: 'answer' });
  assert.equal(firstResult.hook.h.call({ x: 1 }), 'answer');

  const wrapped = makeManager();
  addPlain(wrapped, events, 'p', { returns: 1 });
  addWrapper(wrapped, events, 'w');
  assert.equal(isThenable(wrapped.hook.h.call({ x: 1 })), false);

  const empty = makeManager();
  assert.equal(isThenable(empty.hook.h.call({ x: 1 })), false);
});

test('sync fast path: no promise is created by a batch of sync calls (async_hooks count)', () => {
  const listHook = makeManager();
  const firstResult = makeManager({ firstResult: true });
  const wrapped = makeManager();
  const many = makeManager();
  const empty = makeManager();
  const events: string[] = [];
  for (const manager of [listHook, firstResult, wrapped]) {
    addPlain(manager, events, 'a', { returns: 1 });
    addPlain(manager, events, 'b');
    addPlain(manager, events, 'c', { tryfirst: true });
  }
  addWrapper(wrapped, events, 'w');
  for (let i = 0; i < 70; i++) addPlain(many, events, `p${i}`, { returns: i % 2 === 0 ? i : undefined });

  const count = promisesCreatedBy(() => {
    for (let i = 0; i < 200; i++) {
      listHook.hook.h.call({ x: i });
      firstResult.hook.h.call({ x: i });
      wrapped.hook.h.call({ x: i });
      many.hook.h.call({ x: i });
      empty.hook.h.call({ x: i });
      listHook.call('h', { x: i });
    }
  });
  assert.equal(count, 0);
});

test('sync fast path: monitors and tracing allocate no promise on sync calls either', () => {
  const manager = makeManager();
  const events: string[] = [];
  addPlain(manager, events, 'a', { returns: 1 });
  addWrapper(manager, events, 'w');
  const tracer = manager.trace();
  manager.addMonitor({ before: () => undefined, after: () => undefined });
  const count = promisesCreatedBy(() => {
    for (let i = 0; i < 100; i++) manager.hook.h.call({ x: i });
  });
  tracer.stop();
  assert.equal(count, 0);
  assert.equal(tracer.calls.length, 100);
});

test('the promise counter does see promises (control): an async implementation creates some', async () => {
  const manager = makeManager();
  manager.register({ h: async () => 1 }, 'async');
  let pending: unknown;
  const count = promisesCreatedBy(() => {
    pending = manager.hook.h.call({ x: 1 });
  });
  assert.ok(count > 0);
  assert.ok(isThenable(pending));
  assert.deepEqual(list(await pending), [1]);
});

// ---- the continuation adapts to the hook's last async call; results and failures must not ----

test('repeated calls with one, then several promises: same order, results and failure names each time', async () => {
  const { hookFailureSource } = await import('../../src/plugin-api/index.ts');
  const manager = makeManager();
  // Call order: p4 (sync), p3 (async), p2 (sync), p1 (async when x > 1), p0 (throws or rejects when asked).
  manager.register(
    {
      h: ({ x }: { x: number }) => {
        if (x === 3) throw new Error('sync p0');
        if (x === 4) return Promise.reject(new Error('async p0'));
        return 'p0';
      },
    },
    'p0',
  );
  manager.register({ h: ({ x }: { x: number }) => (x > 1 ? Promise.resolve('p1') : 'p1') }, 'p1');
  manager.register({ h: () => null }, 'p2');
  manager.register({ h: async () => 'p3' }, 'p3');
  manager.register({ h: () => 'p4' }, 'p4');
  for (const round of [1, 2, 3]) {
    // One promise in the call, then several (which changes the continuation), then one again.
    for (const x of [1, 2, 1, 2]) {
      assert.deepEqual(
        list(await manager.hook.h.call({ x })),
        ['p4', 'p3', 'p1', 'p0'],
        `round ${round}, x ${x}`,
      );
    }
    for (const [x, message] of [
      [3, 'sync p0'],
      [4, 'async p0'],
    ] as const) {
      const pending = manager.hook.h.call({ x });
      assert.ok(isThenable(pending));
      const error = await (pending as Promise<unknown>).then(
        () => assert.fail('expected a rejection'),
        (reason: unknown) => reason as Error,
      );
      assert.equal(error.message, message);
      assert.deepEqual(hookFailureSource(error), { pluginName: 'p0', hookName: 'h' });
    }
  }
});

test('a rejection of the first promise after the hook saw several names its implementation', async () => {
  const { hookFailureSource } = await import('../../src/plugin-api/index.ts');
  const manager = makeManager();
  let fail = false;
  manager.register({ h: async () => 'last' }, 'last');
  manager.register(
    {
      h: async () => {
        if (fail) throw new Error('first fails');
        return 'first';
      },
    },
    'first',
  );
  assert.deepEqual(list(await manager.hook.h.call({ x: 1 })), ['first', 'last']);
  fail = true;
  const error = await (manager.hook.h.call({ x: 1 }) as Promise<unknown>).then(
    () => assert.fail('expected a rejection'),
    (reason: unknown) => reason as Error,
  );
  assert.equal(error.message, 'first fails');
  assert.deepEqual(hookFailureSource(error), { pluginName: 'first', hookName: 'h' });
});

test('each result of an async call remembers its plugin, on both paths, with one promise and with several', async () => {
  const { resultSources } = await import('../../src/hooks/results.ts');
  await onBothPaths(async (path) => {
    const manager = makeManager();
    // Call order: p4 (sync), p3 (async), p2 (sync, nothing), p1 (sync; async when x > 1), p0 (sync).
    manager.register({ h: () => 'r0' }, 'p0');
    manager.register({ h: ({ x }: { x: number }) => (x > 1 ? Promise.resolve('r1') : 'r1') }, 'p1');
    manager.register({ h: () => undefined }, 'p2');
    manager.register({ h: async () => 'r3' }, 'p3');
    manager.register({ h: () => 'r4' }, 'p4');
    for (const x of [1, 2, 1]) {
      const results = (await manager.hook.h.call({ x })) as unknown[];
      assert.deepEqual(results, ['r4', 'r3', 'r1', 'r0'], `${path}, x ${x}`);
      assert.deepEqual(resultSources(results), ['p4', 'p3', 'p1', 'p0'], `${path}, x ${x}`);
    }
  });
});

test('a sync throw after the only promise of a call names the implementation that threw, on both paths', async () => {
  const { hookFailureSource } = await import('../../src/plugin-api/index.ts');
  await onBothPaths(async (path) => {
    const manager = makeManager();
    // Call order: before (sync), async, between (sync), thrower, never.
    const events: string[] = [];
    addPlain(manager, events, 'never');
    manager.register(
      {
        h: () => {
          throw new Error('sync after the promise');
        },
      },
      'thrower',
    );
    addPlain(manager, events, 'between');
    manager.register({ h: async () => 'async' }, 'async');
    addPlain(manager, events, 'before');
    for (const round of [1, 2]) {
      const error = await (manager.hook.h.call({ x: 1 }) as Promise<unknown>).then(
        () => assert.fail('expected a rejection'),
        (reason: unknown) => reason as Error,
      );
      assert.equal(error.message, 'sync after the promise');
      assert.deepEqual(
        hookFailureSource(error),
        { pluginName: 'thrower', hookName: 'h' },
        `${path}, round ${round}`,
      );
    }
    assert.deepEqual(events, ['before', 'between', 'before', 'between']);
  });
});

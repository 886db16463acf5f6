import assert from 'node:assert/strict';
import { test } from 'node:test';
import { HookCallError } from '../../src/hooks/index.ts';
import type { Next } from './helpers.ts';
import { addPlain, addWrapper, list, makeManager, thrown } from './helpers.ts';

/** Registers a wrapper whose handler is given directly. */
function addWrapperFn(
  manager: ReturnType<typeof makeManager>,
  id: string,
  handler: (args: { x: number }, next: Next) => unknown,
  order: object = {},
) {
  manager.register({ h: { ...order, wrapper: true, handler } }, id);
}

class Boom extends Error {
  constructor(readonly from: string) {
    super(`boom from ${from}`);
  }
}

test('a wrapper runs around all non-wrappers and passes their result through', () => {
  const manager = makeManager();
  const calls: string[] = [];
  addWrapper(manager, calls, 'w');
  addPlain(manager, calls, 'p0', { returns: 0 });
  addPlain(manager, calls, 'p1', { returns: 1 });
  assert.deepEqual(list(manager.hook.h.call({ x: 1 })), [1, 0]);
  assert.deepEqual(calls, ['w:before', 'p1', 'p0', 'w:after']);
});

test('wrappers receive the arguments object and next()', () => {
  const manager = makeManager();
  const args = { x: 3 };
  let seen: unknown;
  addWrapperFn(manager, 'w', (received, next) => {
    seen = received;
    return next();
  });
  manager.hook.h.call(args);
  assert.equal(seen, args);
});

test('wrappers nest last-registered-outermost', () => {
  const manager = makeManager();
  const calls: string[] = [];
  addWrapper(manager, calls, 'w1');
  addPlain(manager, calls, 'p');
  addWrapper(manager, calls, 'w2');
  manager.hook.h.call({ x: 1 });
  assert.deepEqual(calls, ['w2:before', 'w1:before', 'p', 'w1:after', 'w2:after']);
});

test('a tryfirst wrapper is outermost and a trylast wrapper innermost', () => {
  const manager = makeManager();
  const calls: string[] = [];
  addWrapper(manager, calls, 'outer', { tryfirst: true });
  addWrapper(manager, calls, 'inner', { trylast: true });
  addWrapper(manager, calls, 'mid');
  addPlain(manager, calls, 'p');
  manager.hook.h.call({ x: 1 });
  assert.deepEqual(calls, [
    'outer:before',
    'mid:before',
    'inner:before',
    'p',
    'inner:after',
    'mid:after',
    'outer:after',
  ]);
});

test('a wrapper with no non-wrappers inside gets the empty result from next()', () => {
  const manager = makeManager();
  let inner: unknown = 'unset';
  addWrapperFn(manager, 'w', (_args, next) => (inner = next()));
  assert.deepEqual(list(manager.hook.h.call({ x: 1 })), []);
  assert.deepEqual(list(inner), []);
});

test('a wrapper can replace the result', () => {
  const manager = makeManager();
  const calls: string[] = [];
  addPlain(manager, calls, 'p', { returns: 1 });
  addWrapperFn(manager, 'w', (_args, next) => {
    const inner = next() as number[];
    return inner.map((value) => value * 10);
  });
  assert.deepEqual(list(manager.hook.h.call({ x: 1 })), [10]);
});

test('an outer wrapper sees the result an inner wrapper replaced', () => {
  const manager = makeManager();
  const calls: string[] = [];
  addPlain(manager, calls, 'p', { returns: 1 });
  addWrapperFn(manager, 'inner', (_args, next) => [...(next() as number[]), 'inner']);
  let seenByOuter: unknown;
  addWrapperFn(manager, 'outer', (_args, next) => (seenByOuter = next()));
  assert.deepEqual(list(manager.hook.h.call({ x: 1 })), [1, 'inner']);
  assert.deepEqual(list(seenByOuter), [1, 'inner']);
});

test('whatever a wrapper returns becomes the result, undefined included', () => {
  const manager = makeManager();
  const calls: string[] = [];
  addPlain(manager, calls, 'p', { returns: 1 });
  addWrapperFn(manager, 'w', (_args, next) => {
    next();
    return undefined;
  });
  assert.equal(manager.hook.h.call({ x: 1 }), undefined);
  assert.deepEqual(calls, ['p']);
});

test('an inner error passes through a wrapper that does not catch it, unchanged', () => {
  const manager = makeManager();
  const calls: string[] = [];
  const error = new Boom('p');
  manager.register(
    {
      h: () => {
        calls.push('p');
        throw error;
      },
    },
    'p',
  );
  addPlain(manager, calls, 'never');
  addWrapper(manager, calls, 'w');
  const caught = thrown(() => manager.hook.h.call({ x: 1 }));
  assert.equal(caught, error);
  // 'never' was registered after 'p', so it runs first; w's after-phase is skipped by the throw.
  assert.deepEqual(calls, ['w:before', 'never', 'p']);
});

test('the first error stops the remaining non-wrappers', () => {
  const manager = makeManager();
  const calls: string[] = [];
  addPlain(manager, calls, 'later');
  manager.register(
    {
      h: () => {
        calls.push('thrower');
        throw new Boom('thrower');
      },
    },
    'thrower',
  );
  addPlain(manager, calls, 'earlier');
  assert.throws(() => manager.hook.h.call({ x: 1 }), Boom);
  assert.deepEqual(calls, ['earlier', 'thrower']);
});

test('a wrapper can catch an inner error and return a replacement result', () => {
  const manager = makeManager();
  manager.register(
    {
      h: () => {
        throw new Boom('p');
      },
    },
    'p',
  );
  let caught: unknown;
  addWrapperFn(manager, 'w', (_args, next) => {
    try {
      return next();
    } catch (error) {
      caught = error;
      return ['recovered'];
    }
  });
  assert.deepEqual(list(manager.hook.h.call({ x: 1 })), ['recovered']);
  assert.ok(caught instanceof Boom);
});

test('a wrapper can catch an inner error and throw its own instead', () => {
  const manager = makeManager();
  manager.register(
    {
      h: () => {
        throw new Boom('p');
      },
    },
    'p',
  );
  addWrapperFn(manager, 'w', (_args, next) => {
    try {
      return next();
    } catch (error) {
      throw new Boom(`w (after ${(error as Boom).from})`);
    }
  });
  const caught = thrown(() => manager.hook.h.call({ x: 1 }));
  assert.ok(caught instanceof Boom);
  assert.equal(caught.from, 'w (after p)');
});

test('a wrapper throwing before next() stops everything inside it; outer wrappers see the error', () => {
  const manager = makeManager();
  const calls: string[] = [];
  addPlain(manager, calls, 'p');
  addWrapperFn(manager, 'inner', () => {
    calls.push('inner:before');
    throw new Boom('inner');
  });
  let outerSaw: unknown;
  addWrapperFn(manager, 'outer', (_args, next) => {
    calls.push('outer:before');
    try {
      return next();
    } catch (error) {
      outerSaw = error;
      throw error;
    } finally {
      calls.push('outer:after');
    }
  });
  const caught = thrown(() => manager.hook.h.call({ x: 1 }));
  assert.ok(caught instanceof Boom && caught.from === 'inner');
  assert.equal(outerSaw, caught);
  assert.deepEqual(calls, ['outer:before', 'inner:before', 'outer:after']);
});

test('a wrapper throwing after next() replaces a successful result with its error', () => {
  const manager = makeManager();
  const calls: string[] = [];
  addPlain(manager, calls, 'p', { returns: 1 });
  addWrapperFn(manager, 'w', (_args, next) => {
    next();
    throw new Boom('w');
  });
  const caught = thrown(() => manager.hook.h.call({ x: 1 }));
  assert.ok(caught instanceof Boom && caught.from === 'w');
  assert.deepEqual(calls, ['p']);
});

test("an outer wrapper can recover from an inner wrapper's after-phase error", () => {
  const manager = makeManager();
  const calls: string[] = [];
  addPlain(manager, calls, 'p', { returns: 1 });
  addWrapperFn(manager, 'inner', (_args, next) => {
    next();
    throw new Boom('inner');
  });
  addWrapperFn(manager, 'outer', (_args, next) => {
    try {
      return next();
    } catch {
      return ['outer recovered'];
    }
  });
  assert.deepEqual(list(manager.hook.h.call({ x: 1 })), ['outer recovered']);
});

test('a wrapper calling next() twice gets a HookCallError and the inner implementations run once', () => {
  const manager = makeManager();
  const calls: string[] = [];
  addPlain(manager, calls, 'p');
  let second: unknown;
  addWrapperFn(manager, 'greedy', (_args, next) => {
    const first = next();
    try {
      next();
    } catch (error) {
      second = error;
    }
    return first;
  });
  manager.hook.h.call({ x: 1 });
  assert.deepEqual(calls, ['p']);
  assert.ok(second instanceof HookCallError);
  assert.match(second.message, /"greedy"/);
  assert.match(second.message, /"h"/);
  assert.match(second.message, /twice/);
});

test('the next()-twice error escapes the call when the wrapper does not catch it', () => {
  const manager = makeManager();
  addWrapperFn(manager, 'greedy', (_args, next) => {
    next();
    return next();
  });
  assert.throws(() => manager.hook.h.call({ x: 1 }), HookCallError);
});

test('a wrapper that never calls next() is a HookCallError naming it; nothing inside runs', () => {
  const manager = makeManager();
  const calls: string[] = [];
  addPlain(manager, calls, 'p');
  addWrapperFn(manager, 'lazy', () => ['short-circuit']);
  const error = thrown(() => manager.hook.h.call({ x: 1 }));
  assert.ok(error instanceof HookCallError);
  assert.match(error.message, /"lazy"/);
  assert.match(error.message, /"h"/);
  assert.match(error.message, /next\(\)/);
  assert.deepEqual(calls, []);
});

test('an async wrapper that never calls next() rejects with a HookCallError', async () => {
  const manager = makeManager();
  addWrapperFn(manager, 'lazy', async () => ['short-circuit']);
  await assert.rejects(async () => manager.hook.h.call({ x: 1 }), HookCallError);
});

test('an async wrapper calling next() twice rejects with a HookCallError', async () => {
  const manager = makeManager();
  const calls: string[] = [];
  addPlain(manager, calls, 'p');
  addWrapperFn(manager, 'greedy', async (_args, next) => {
    await next();
    return next();
  });
  await assert.rejects(async () => manager.hook.h.call({ x: 1 }), HookCallError);
  assert.deepEqual(calls, ['p']);
});

test('an async wrapper that calls next() after an await is fine', async () => {
  const manager = makeManager();
  const calls: string[] = [];
  addPlain(manager, calls, 'p', { returns: 'p' });
  addWrapperFn(manager, 'w', async (_args, next) => {
    await Promise.resolve();
    calls.push('w:before');
    const inner = (await next()) as unknown[];
    calls.push('w:after');
    return [...inner, 'w'];
  });
  assert.deepEqual(list(await manager.hook.h.call({ x: 1 })), ['p', 'w']);
  assert.deepEqual(calls, ['w:before', 'p', 'w:after']);
});

test('a sync wrapper around async implementations gets a promise from next() and can chain it', async () => {
  const manager = makeManager();
  manager.register({ h: async () => 'a' }, 'a');
  addWrapperFn(manager, 'w', (_args, next) => (next() as Promise<unknown[]>).then((list) => [...list, 'w']));
  assert.deepEqual(list(await manager.hook.h.call({ x: 1 })), ['a', 'w']);
});

test('an async wrapper can catch a rejected inner implementation and replace the result', async () => {
  const manager = makeManager();
  const calls: string[] = [];
  addPlain(manager, calls, 'never');
  manager.register(
    {
      h: async () => {
        calls.push('rejects');
        throw new Boom('rejects');
      },
    },
    'rejects',
  );
  let caught: unknown;
  addWrapperFn(manager, 'w', async (_args, next) => {
    try {
      return await next();
    } catch (error) {
      caught = error;
      return ['recovered'];
    }
  });
  assert.deepEqual(list(await manager.hook.h.call({ x: 1 })), ['recovered']);
  assert.ok(caught instanceof Boom);
  assert.deepEqual(calls, ['rejects']);
});

test('a rejection passes through an async wrapper that does not catch it, unchanged', async () => {
  const manager = makeManager();
  const error = new Boom('inner');
  manager.register({ h: async () => Promise.reject(error) }, 'p');
  const calls: string[] = [];
  addWrapperFn(manager, 'w', async (_args, next) => {
    calls.push('w:before');
    const result = await next();
    calls.push('w:after');
    return result;
  });
  await assert.rejects(
    async () => manager.hook.h.call({ x: 1 }),
    (reason) => reason === error,
  );
  assert.deepEqual(calls, ['w:before']);
});

test('an async wrapper throwing after next() rejects the call with its own error', async () => {
  const manager = makeManager();
  manager.register({ h: async () => 1 }, 'p');
  addWrapperFn(manager, 'w', async (_args, next) => {
    await next();
    throw new Boom('w');
  });
  await assert.rejects(
    async () => manager.hook.h.call({ x: 1 }),
    (reason) => reason instanceof Boom && reason.from === 'w',
  );
});

test('wrappers with the object form accept ordering options alongside wrapper: true', () => {
  const manager = makeManager();
  const calls: string[] = [];
  addWrapper(manager, calls, 'a', { tryfirst: true });
  addWrapper(manager, calls, 'b');
  addPlain(manager, calls, 'p');
  manager.hook.h.call({ x: 1 });
  assert.deepEqual(calls, ['a:before', 'b:before', 'p', 'b:after', 'a:after']);
});

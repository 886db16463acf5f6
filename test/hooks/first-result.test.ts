import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { Next } from './helpers.ts';
import { addPlain, addWrapper, deferred, flush, isThenable, makeManager, onBothPaths } from './helpers.ts';

const firstResult = () => makeManager({ firstResult: true });

test('firstResult stops at the first implementation that returns something', () => {
  const manager = firstResult();
  const calls: string[] = [];
  addPlain(manager, calls, 'p0', { returns: 'zero' });
  addPlain(manager, calls, 'p1', { returns: 'one' });
  addPlain(manager, calls, 'p2');
  assert.equal(manager.hook.h.call({ x: 1 }), 'one');
  assert.deepEqual(calls, ['p2', 'p1']);
});

test('firstResult returns the single value, not a list', () => {
  const manager = firstResult();
  const calls: string[] = [];
  addPlain(manager, calls, 'p', { returns: 42 });
  assert.equal(manager.hook.h.call({ x: 1 }), 42);
});

test('firstResult: null means "no result", like undefined', () => {
  const manager = firstResult();
  const calls: string[] = [];
  addPlain(manager, calls, 'p0', { returns: 'value' });
  addPlain(manager, calls, 'p1', { returns: null });
  addPlain(manager, calls, 'p2', { returns: undefined });
  assert.equal(manager.hook.h.call({ x: 1 }), 'value');
  assert.deepEqual(calls, ['p2', 'p1', 'p0']);
});

for (const falsy of [0, false, '', Number.NaN]) {
  test(`firstResult: ${String(falsy) || '""'} is a result and stops the call`, () => {
    const manager = firstResult();
    const calls: string[] = [];
    addPlain(manager, calls, 'p0', { returns: 'later' });
    addPlain(manager, calls, 'p1', { returns: falsy });
    assert.equal(manager.hook.h.call({ x: 1 }), falsy);
    assert.deepEqual(calls, ['p1']);
  });
}

test('firstResult with only empty results gives undefined (not a list)', () => {
  const manager = firstResult();
  const calls: string[] = [];
  addPlain(manager, calls, 'p0', { returns: null });
  addPlain(manager, calls, 'p1');
  assert.equal(manager.hook.h.call({ x: 1 }), undefined);
  assert.deepEqual(calls, ['p1', 'p0']);
});

test('firstResult with no implementations gives undefined', () => {
  assert.equal(firstResult().hook.h.call({ x: 1 }), undefined);
});

test('firstResult follows tryfirst / trylast order', () => {
  const manager = firstResult();
  const calls: string[] = [];
  addPlain(manager, calls, 'late', { trylast: true, returns: 'late' });
  addPlain(manager, calls, 'plain', { returns: 'plain' });
  addPlain(manager, calls, 'early', { tryfirst: true, returns: 'early' });
  assert.equal(manager.hook.h.call({ x: 1 }), 'early');
  assert.deepEqual(calls, ['early']);
});

test('firstResult: a trylast implementation answers when nothing else does', () => {
  const manager = firstResult();
  const calls: string[] = [];
  addPlain(manager, calls, 'fallback', { trylast: true, returns: 'fallback' });
  addPlain(manager, calls, 'plain');
  assert.equal(manager.hook.h.call({ x: 1 }), 'fallback');
  assert.deepEqual(calls, ['plain', 'fallback']);
});

test('firstResult: wrappers still complete and see the first result from next()', () => {
  const manager = firstResult();
  const calls: string[] = [];
  addPlain(manager, calls, 'p0', { returns: 'zero' });
  addPlain(manager, calls, 'p1', { returns: 'one' });
  addWrapper(manager, calls, 'w');
  assert.equal(manager.hook.h.call({ x: 1 }), 'one');
  assert.deepEqual(calls, ['w:before', 'p1', 'w:after']);
});

test('firstResult: a wrapper can replace the first result', () => {
  const manager = firstResult();
  const calls: string[] = [];
  addPlain(manager, calls, 'p', { returns: 'inner' });
  manager.register(
    { h: { wrapper: true, handler: (_args: { x: number }, next: Next) => `${String(next())}+wrapped` } },
    'w',
  );
  assert.equal(manager.hook.h.call({ x: 1 }), 'inner+wrapped');
});

test('firstResult: a wrapper sees undefined from next() when nothing answered', () => {
  const manager = firstResult();
  const calls: string[] = [];
  addPlain(manager, calls, 'p');
  let inner: unknown = 'unset';
  manager.register(
    { h: { wrapper: true, handler: (_args: { x: number }, next: Next) => (inner = next()) } },
    'w',
  );
  assert.equal(manager.hook.h.call({ x: 1 }), undefined);
  assert.equal(inner, undefined);
});

test('firstResult: an error before any result escapes; implementations after it do not run', () => {
  const manager = firstResult();
  const calls: string[] = [];
  addPlain(manager, calls, 'p0', { returns: 'never reached' });
  manager.register(
    {
      h: () => {
        calls.push('thrower');
        throw new Error('boom');
      },
    },
    'thrower',
  );
  addPlain(manager, calls, 'p2');
  assert.throws(() => manager.hook.h.call({ x: 1 }), /boom/);
  assert.deepEqual(calls, ['p2', 'thrower']);
});

test('firstResult: an implementation after the first result is not reached even if it would throw', () => {
  const manager = firstResult();
  const calls: string[] = [];
  manager.register(
    {
      h: () => {
        throw new Error('not reached');
      },
    },
    'thrower',
  );
  addPlain(manager, calls, 'answer', { returns: 'ok' });
  assert.equal(manager.hook.h.call({ x: 1 }), 'ok');
});

test('firstResult async: a promise of undefined or null is "no result" and the next one runs', async () => {
  const manager = firstResult();
  const calls: string[] = [];
  manager.register(
    {
      h: async () => {
        calls.push('p0');
        return 'zero';
      },
    },
    'p0',
  );
  manager.register(
    {
      h: async () => {
        calls.push('p1');
        return null;
      },
    },
    'p1',
  );
  manager.register(
    {
      h: async () => {
        calls.push('p2');
        return undefined;
      },
    },
    'p2',
  );
  const result = manager.hook.h.call({ x: 1 });
  assert.ok(isThenable(result));
  assert.equal(await result, 'zero');
  assert.deepEqual(calls, ['p2', 'p1', 'p0']);
});

test('firstResult async: stops at the first resolved value; later implementations never start', async () => {
  const manager = firstResult();
  const calls: string[] = [];
  manager.register({ h: () => void calls.push('never') }, 'never');
  const gate = deferred<string>();
  manager.register(
    {
      h: () => {
        calls.push('slow');
        return gate.promise;
      },
    },
    'slow',
  );
  const pending = manager.hook.h.call({ x: 1 });
  await flush();
  assert.deepEqual(calls, ['slow']);
  gate.resolve('answer');
  assert.equal(await pending, 'answer');
  assert.deepEqual(calls, ['slow']);
});

test('firstResult async: a sync answer after an async non-answer resolves the promise', async () => {
  const manager = firstResult();
  const calls: string[] = [];
  addPlain(manager, calls, 'sync', { returns: 'sync answer' });
  manager.register({ h: async () => undefined }, 'async');
  assert.equal(await manager.hook.h.call({ x: 1 }), 'sync answer');
});

test('firstResult async: a rejection stops the call', async () => {
  const manager = firstResult();
  const calls: string[] = [];
  addPlain(manager, calls, 'after', { returns: 'x' });
  manager.register(
    {
      h: async () => {
        throw new Error('async boom');
      },
    },
    'rejects',
  );
  await assert.rejects(async () => manager.hook.h.call({ x: 1 }), /async boom/);
  assert.deepEqual(calls, []);
});

test('firstResult async: wrappers still complete around the async answer', async () => {
  const manager = firstResult();
  const calls: string[] = [];
  manager.register({ h: async () => 'deep' }, 'p');
  manager.register(
    {
      h: {
        wrapper: true,
        handler: async (_args: { x: number }, next: Next) => {
          calls.push('w:before');
          const inner = await next();
          calls.push(`w:after(${String(inner)})`);
          return inner;
        },
      },
    },
    'w',
  );
  assert.equal(await manager.hook.h.call({ x: 1 }), 'deep');
  assert.deepEqual(calls, ['w:before', 'w:after(deep)']);
});

test('firstResult on the loop path (more than 64 implementations)', async () => {
  const manager = firstResult();
  const calls: string[] = [];
  addPlain(manager, calls, 'answer', { returns: 'found' });
  for (let i = 0; i < 70; i++) addPlain(manager, calls, `p${i}`, { returns: i === 3 ? null : undefined });
  assert.equal(manager.hook.h.call({ x: 1 }), 'found');
  assert.equal(calls.length, 71);

  const asyncManager = firstResult();
  addPlain(asyncManager, [], 'tail', { returns: 'tail' });
  for (let i = 0; i < 70; i++)
    asyncManager.register({ h: async () => (i === 10 ? 'async ten' : undefined) }, `a${i}`);
  assert.equal(await asyncManager.hook.h.call({ x: 1 }), 'async ten');
});

test('firstResult async, repeated calls with one, then several promises: same answer and failure names each time', async () => {
  const { hookFailureSource } = await import('../../src/plugin-api/index.ts');
  await onBothPaths(async (path) => {
    const manager = firstResult();
    const calls: string[] = [];
    // Call order: p4 (async, no answer), p3 (sync, no answer), p2 (async when x > 1, no answer),
    // p1 (answers; throws or rejects when asked), p0 (never reached).
    manager.register({ h: () => (calls.push('p0'), 'p0') }, 'p0');
    manager.register(
      {
        h: ({ x }: { x: number }) => {
          calls.push('p1');
          if (x === 3) throw new Error('sync p1');
          if (x === 4) return Promise.reject(new Error('async p1'));
          return 'p1';
        },
      },
      'p1',
    );
    manager.register(
      { h: ({ x }: { x: number }) => (calls.push('p2'), x > 1 ? Promise.resolve(null) : undefined) },
      'p2',
    );
    manager.register({ h: () => void calls.push('p3') }, 'p3');
    manager.register({ h: async () => void calls.push('p4') }, 'p4');
    for (const round of [1, 2]) {
      for (const x of [1, 2, 1, 2]) {
        calls.length = 0;
        const pending = manager.hook.h.call({ x });
        assert.ok(isThenable(pending));
        assert.equal(await pending, 'p1', `${path}, round ${round}, x ${x}`);
        assert.deepEqual(calls, ['p4', 'p3', 'p2', 'p1']);
      }
      for (const [x, message] of [
        [3, 'sync p1'],
        [4, 'async p1'],
      ] as const) {
        const error = await (manager.hook.h.call({ x }) as Promise<unknown>).then(
          () => assert.fail('expected a rejection'),
          (reason: unknown) => reason as Error,
        );
        assert.equal(error.message, message);
        assert.deepEqual(hookFailureSource(error), { pluginName: 'p1', hookName: 'h' }, `${path}, x ${x}`);
      }
    }
  });
});

test('firstResult async: a rejection of the first promise names its implementation, with one promise and after several', async () => {
  const { hookFailureSource } = await import('../../src/plugin-api/index.ts');
  await onBothPaths(async (path) => {
    const manager = firstResult();
    let fail = false;
    manager.register({ h: async () => 'last' }, 'last');
    manager.register(
      { h: async () => (fail ? Promise.reject(new Error('first fails')) : undefined) },
      'first',
    );
    for (const several of [false, true]) {
      // Before the hook met several promises in a call, then after.
      fail = false;
      if (several) assert.equal(await manager.hook.h.call({ x: 1 }), 'last');
      fail = true;
      const error = await (manager.hook.h.call({ x: 1 }) as Promise<unknown>).then(
        () => assert.fail('expected a rejection'),
        (reason: unknown) => reason as Error,
      );
      assert.equal(error.message, 'first fails');
      assert.deepEqual(hookFailureSource(error), { pluginName: 'first', hookName: 'h' }, path);
    }
  });
});

test('firstResult async: a foreign thenable answers, or is "no result" when it resolves to nothing', async () => {
  await onBothPaths(async (path) => {
    const manager = firstResult();
    let answer: unknown = 'thenable answer';
    manager.register({ h: () => 'sync fallback' }, 'fallback');
    const thenable = { then: (resolve: (value: unknown) => void) => resolve(answer) };
    manager.register({ h: () => thenable }, 'thenable');
    assert.equal(await manager.hook.h.call({ x: 1 }), 'thenable answer', path);
    answer = undefined;
    assert.equal(await manager.hook.h.call({ x: 1 }), 'sync fallback', path);
  });
});

test('firstResult async: a wrapper sees the answer of a sync implementation after a promise, and a rejection', async () => {
  const { hookFailureSource } = await import('../../src/plugin-api/index.ts');
  await onBothPaths(async (path) => {
    const manager = firstResult();
    const seen: string[] = [];
    let fail = false;
    manager.register(
      {
        h: () => {
          if (fail) throw new Error('sync after async');
          return 'sync answer';
        },
      },
      'sync',
    );
    manager.register({ h: async () => undefined }, 'async');
    manager.register(
      {
        h: {
          wrapper: true,
          handler: async (_args: { x: number }, next: Next) => {
            try {
              const inner = await next();
              seen.push(`got ${String(inner)}`);
              return inner;
            } catch (error) {
              seen.push(`caught ${(error as Error).message}`);
              throw error;
            }
          },
        },
      },
      'w',
    );
    assert.equal(await manager.hook.h.call({ x: 1 }), 'sync answer');
    fail = true;
    const error = await (manager.hook.h.call({ x: 1 }) as Promise<unknown>).then(
      () => assert.fail('expected a rejection'),
      (reason: unknown) => reason as Error,
    );
    assert.deepEqual(hookFailureSource(error), { pluginName: 'sync', hookName: 'h' }, path);
    assert.deepEqual(seen, ['got sync answer', 'caught sync after async'], path);
  });
});

/**
 * Conformance family "hook-order": pluggy's call-order, result and error rules, answered by the
 * real HookManager. Each impl becomes its own plugin, registered in list order; the one hook `h`
 * is called once with `{ x: 1 }`. Cases marked `historic` (an extension that only
 * scripts/pluggy-oracle.py produces) make historic calls, some through subset callers, between
 * registrations instead.
 */
import { HookManager } from '../../src/plugin-api/index.ts';

interface ImplCase {
  id: string;
  wrapper: boolean;
  tryfirst: boolean;
  trylast: boolean;
  raises: boolean;
  returns: unknown;
  raise_phase?: 'before' | 'after' | null;
}

interface HookOrderCase {
  firstresult: boolean;
  impls: ImplCase[];
  historic?: boolean;
  historic_calls?: { after: number; x: number; exclude: string[] }[];
}

/** An error that remembers which impl threw it, so the answer can name `error_from`. */
class RaisedByImpl extends Error {
  constructor(readonly from: string) {
    super(`raised by ${from}`);
  }
}

type Specs = { h(args: { x: number }): unknown };

/**
 * With `asyncImpls`, every implementation returns a promise: the same rules must hold on the
 * async path (the tests run both).
 */
export async function answer(testCase: HookOrderCase, options: { asyncImpls?: boolean } = {}) {
  if (testCase.historic) return answerHistoric(testCase, options);
  const calls: string[] = [];
  const settle = <T>(value: T): T | Promise<T> => (options.asyncImpls ? Promise.resolve(value) : value);
  const manager = new HookManager<Specs>([{ name: 'h', args: ['x'], firstResult: testCase.firstresult }]);
  for (const impl of testCase.impls) {
    const order = { tryfirst: impl.tryfirst, trylast: impl.trylast };
    const plugin = impl.wrapper
      ? {
          h: {
            ...order,
            wrapper: true as const,
            handler: options.asyncImpls ? asyncWrapper(impl, calls) : syncWrapper(impl, calls),
          },
        }
      : {
          h: {
            ...order,
            handler: () => {
              calls.push(impl.id);
              if (impl.raises) throw new RaisedByImpl(impl.id);
              return settle(impl.returns ?? undefined);
            },
          },
        };
    manager.register(plugin, impl.id);
  }
  try {
    const result = await manager.hook.h.call({ x: 1 });
    return { calls, result: result ?? null, error: null, error_from: null };
  } catch (error) {
    if (!(error instanceof RaisedByImpl)) throw error;
    return { calls, result: null, error: 'raised', error_from: error.from };
  }
}

/** The format of the historic cases is described in scripts/pluggy-oracle.py. */
async function answerHistoric(testCase: HookOrderCase, options: { asyncImpls?: boolean }) {
  const calls: string[] = [];
  const results: unknown[] = [];
  const manager = new HookManager<Specs>([{ name: 'h', args: ['x'], historic: true }]);
  const historicCalls = testCase.historic_calls ?? [];
  try {
    for (let position = 0; position <= testCase.impls.length; position++) {
      for (const { after, x, exclude } of historicCalls) {
        if (after !== position) continue;
        const caller = exclude.length === 0 ? manager.hook.h : manager.subsetCaller('h', exclude);
        await caller.callHistoric({ x }, (result) => results.push(result));
      }
      const impl = testCase.impls[position];
      if (impl === undefined) continue;
      const handler = ({ x }: { x: number }) => {
        calls.push(`${impl.id}@${x}`);
        if (impl.raises) throw new RaisedByImpl(impl.id);
        const value = impl.returns ?? undefined;
        return options.asyncImpls ? Promise.resolve(value) : value;
      };
      manager.register({ h: { tryfirst: impl.tryfirst, trylast: impl.trylast, handler } }, impl.id);
      await manager.replaysSettled();
    }
    return { calls, result: results, error: null, error_from: null };
  } catch (error) {
    if (!(error instanceof RaisedByImpl)) throw error;
    return { calls, result: results, error: 'raised', error_from: error.from };
  }
}

function syncWrapper(impl: ImplCase, calls: string[]) {
  return (_args: { x: number }, next: () => unknown) => {
    calls.push(`${impl.id}:before`);
    if (impl.raise_phase === 'before') throw new RaisedByImpl(impl.id);
    let inner: unknown;
    let innerError: { error: unknown } | undefined;
    try {
      inner = next();
    } catch (error) {
      innerError = { error };
    }
    calls.push(`${impl.id}:after`);
    if (impl.raise_phase === 'after') throw new RaisedByImpl(impl.id);
    if (innerError !== undefined) throw innerError.error;
    return impl.returns ?? inner;
  };
}

function asyncWrapper(impl: ImplCase, calls: string[]) {
  return async (_args: { x: number }, next: () => unknown) => {
    calls.push(`${impl.id}:before`);
    if (impl.raise_phase === 'before') throw new RaisedByImpl(impl.id);
    let inner: unknown;
    let innerError: { error: unknown } | undefined;
    try {
      inner = await next();
    } catch (error) {
      innerError = { error };
    }
    calls.push(`${impl.id}:after`);
    if (impl.raise_phase === 'after') throw new RaisedByImpl(impl.id);
    if (innerError !== undefined) throw innerError.error;
    return impl.returns ?? inner;
  };
}

/**
 * Conformance family "hook-order": pluggy's call-order, result and error rules, answered by the
 * real HookManager. Each impl becomes its own plugin, registered in list order; the one hook `h`
 * is called once with `{ x: 1 }`.
 */
import { HookManager } from '../../src/index.ts';

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

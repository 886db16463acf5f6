/**
 * Small helpers shared by the hook manager tests: a one-hook manager (`h`, receiving `{ x }`),
 * recording implementations, and deferred promises to prove async ordering.
 */
import { useGeneratedCallSites } from '../../src/hooks/generated-call-sites.ts';
import { HookManager } from '../../src/hooks/index.ts';
import type { HookSpecDefinition } from '../../src/hooks/index.ts';

/** One hook `h` that receives `{ x }` and may return anything. */
export type Specs = { h(args: { x: number }): unknown };

/** `next()` as a wrapper sees it in these tests. */
export type Next = () => unknown;

export function makeManager(
  spec: Partial<Omit<HookSpecDefinition, 'name' | 'args'>> = {},
): HookManager<Specs> {
  return new HookManager<Specs>([{ name: 'h', args: ['x'], ...spec }]);
}

export interface Order {
  tryfirst?: boolean;
  trylast?: boolean;
  before?: string | string[];
  after?: string | string[];
}

/** A plugin whose `h` records `id` in `calls` and returns `returns` (nothing by default). */
export function plain(calls: string[], id: string, options: Order & { returns?: unknown } = {}): object {
  const { returns, ...order } = options;
  return {
    h: {
      ...order,
      handler: () => {
        calls.push(id);
        return returns;
      },
    },
  };
}

/** A wrapper plugin that records `id:before` and `id:after` around `next()` and passes the result through. */
export function wrapper(calls: string[], id: string, order: Order = {}): object {
  return {
    h: {
      ...order,
      wrapper: true,
      handler: (_args: { x: number }, next: Next) => {
        calls.push(`${id}:before`);
        const result = next();
        calls.push(`${id}:after`);
        return result;
      },
    },
  };
}

/** Registers `plain(calls, id, options)` under the name `id`. */
export function addPlain(
  manager: HookManager<Specs>,
  calls: string[],
  id: string,
  options: Order & { returns?: unknown } = {},
): void {
  manager.register(plain(calls, id, options), id);
}

export function addWrapper(
  manager: HookManager<Specs>,
  calls: string[],
  id: string,
  order: Order = {},
): void {
  manager.register(wrapper(calls, id, order), id);
}

export interface Deferred<T> {
  readonly promise: Promise<T>;
  resolve(value: T): void;
  reject(error: unknown): void;
}

export function deferred<T = unknown>(): Deferred<T> {
  let resolve!: (value: T) => void;
  let reject!: (error: unknown) => void;
  const promise = new Promise<T>((res, rej) => {
    resolve = res;
    reject = rej;
  });
  return { promise, resolve, reject };
}

/** Lets every pending promise callback run (a macrotask boundary). */
export function flush(): Promise<void> {
  return new Promise((resolve) => setImmediate(resolve));
}

export function isThenable(value: unknown): boolean {
  return typeof (value as { then?: unknown } | null | undefined)?.then === 'function';
}

/** Calls `fn` and returns what it threw; fails when it didn't throw. */
export function thrown(fn: () => unknown): Error {
  try {
    fn();
  } catch (error) {
    if (error instanceof Error) return error;
    throw new Error(`threw a non-Error: ${String(error)}`, { cause: error });
  }
  throw new Error('expected a throw, got none');
}

/**
 * The elements of a list result, as a plain array: the manager may attach bookkeeping (such as the
 * plugin that returned each entry) to the list it returns, which these tests don't compare.
 * Anything that isn't an array is returned as is, so a wrong kind of result still fails clearly.
 */
export function list(value: unknown): unknown {
  return Array.isArray(value) ? [...(value as unknown[])] : value;
}

/** Runs `body` with calls compiled on the generated call sites, then on the plain loops. */
export async function onBothPaths(body: (path: 'generated' | 'loop') => Promise<void>): Promise<void> {
  for (const generated of [true, false]) {
    const previous = useGeneratedCallSites(generated);
    try {
      await body(generated ? 'generated' : 'loop');
    } finally {
      useGeneratedCallSites(previous);
    }
  }
}

import { performance } from 'node:perf_hooks';
import { isPromiseLike } from '../maybe-promise.ts';
import type { CompiledCall, Fn } from './call-loops.ts';
import type { HookImpl } from './implementation.ts';
import type { HookMonitor } from './monitor.ts';

/** Reports every call of a hook to the monitors' `before` and `after`. */
export function monitored(
  hookName: string,
  pluginNames: string[],
  call: CompiledCall,
  monitors: readonly HookMonitor[],
): CompiledCall {
  return (args) => {
    const start = { hookName, pluginNames, args };
    for (const monitor of monitors) monitor.before?.(start);
    const began = performance.now();
    const finish = (failed: boolean, outcome: unknown) => {
      const end = {
        ...start,
        durationMs: performance.now() - began,
        failed,
        ...(failed ? { error: outcome } : { result: outcome }),
      };
      for (const monitor of monitors) monitor.after?.(end);
    };
    let result: unknown;
    try {
      result = call(args);
    } catch (error) {
      finish(true, error);
      throw error;
    }
    if (result != null && isPromiseLike(result)) {
      return Promise.resolve(result).then(
        (value) => {
          finish(false, value);
          return value;
        },
        (error: unknown) => {
          finish(true, error);
          throw error;
        },
      );
    }
    finish(false, result);
    return result;
  };
}

export function timed(impl: HookImpl, monitors: readonly HookMonitor[]): Fn {
  const report = (began: number, failed: boolean) => {
    const event = {
      hookName: impl.hookName,
      pluginName: impl.pluginName,
      wrapper: impl.wrapper,
      durationMs: performance.now() - began,
      failed,
    };
    for (const monitor of monitors) monitor.implementation?.(event);
  };
  return (args: object, next?: () => unknown) => {
    const began = performance.now();
    let result: unknown;
    try {
      result = impl.fn(args, next);
    } catch (error) {
      report(began, true);
      throw error;
    }
    if (result != null && isPromiseLike(result)) {
      return Promise.resolve(result).then(
        (value) => {
          report(began, false);
          return value;
        },
        (error: unknown) => {
          report(began, true);
          throw error;
        },
      );
    }
    report(began, false);
    return result;
  };
}

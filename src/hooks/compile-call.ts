import type { CompiledCall, Fn, WrapperFn } from './call-loops.ts';
import { firstResultLoop, listLoop, wrapped } from './call-loops.ts';
import { monitored, timed } from './call-monitoring.ts';
import { generatedLoop, shouldGenerate } from './generated-call-sites.ts';
import type { HookImpl } from './implementation.ts';
import type { HookMonitor } from './monitor.ts';
import { callOrder } from './call-order.ts';
import { NO_RESULTS } from './results.ts';
import type { HookSpecDefinition } from './spec-definition.ts';

/**
 * Builds the call function for `impls` (in registration order): the loops of call-loops.ts, in
 * pluggy's order, with wrappers and monitors around them when there are any. The common case,
 * plain implementations with no monitors, is a bare loop over the functions that allocates nothing
 * unless an implementation returns a result, and never allocates a promise unless one does.
 * `oneOff` is for a call made once (an extra implementation, a historic replay).
 */
export function compileCall(
  spec: HookSpecDefinition,
  impls: readonly HookImpl[],
  monitors: readonly HookMonitor[],
  options: { oneOff?: boolean } = {},
): {
  call: CompiledCall;
  order: HookImpl[];
} {
  const { wrappers, plain } = callOrder(impls);
  const order = [...wrappers, ...plain];
  const timing = monitors.filter((monitor) => monitor.implementation !== undefined);
  const plainFns = plain.map((impl) => (timing.length === 0 ? (impl.fn as Fn) : timed(impl, timing)));
  const wrapperFns = wrappers.map((impl) =>
    timing.length === 0 ? (impl.fn as WrapperFn) : (timed(impl, timing) as WrapperFn),
  );

  let call: CompiledCall;
  if (plainFns.length === 0 && wrapperFns.length === 0) {
    call = spec.firstResult ? () => undefined : () => NO_RESULTS;
  } else {
    const loop = spec.firstResult ? firstResultLoop : listLoop;
    // The generated equivalent of the loop is faster, but costs a compilation: only for calls made many times.
    const inner =
      !options.oneOff && shouldGenerate(plainFns.length)
        ? generatedLoop(plainFns, plain, !!spec.firstResult)
        : loop(plainFns, plain);
    call = wrapperFns.length === 0 ? inner : wrapped(wrappers, wrapperFns, inner);
  }
  if (monitors.some((monitor) => monitor.before !== undefined || monitor.after !== undefined)) {
    call = monitored(
      spec.name,
      order.map((impl) => impl.pluginName),
      call,
      monitors,
    );
  }
  return { call, order };
}

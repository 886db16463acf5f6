/**
 * Calls step hooks so that they can't hurt the node: each one in turn (an async one is awaited
 * before the next starts), and whatever one throws or rejects with is logged and recorded, never
 * passed on. A node's own error stays the run's error; a successful node stays successful.
 */
import type { StepHookContext } from '../../plugin-api/index.ts';
import { asError, isPromiseLike } from '../../plugin-api/index.ts';
import type { StepHookKind } from './hooks-config.ts';
import type { ConfiguredHook } from './references.ts';

/** A step hook that threw. */
export interface StepHookFailure {
  readonly nodeName: string;
  readonly kind: StepHookKind;
  /** The hook's reference as written, or its function name. */
  readonly hook: string;
  readonly error: Error;
}

/** Where failures go: a log line and a record. */
export interface FailureSink {
  (failure: StepHookFailure): void;
}

/** Calls `hooks` with `context`; synchronous when every hook is. */
export function invokeHooks(
  hooks: readonly ConfiguredHook[],
  kind: StepHookKind,
  context: StepHookContext,
  onFailure: FailureSink,
): void | Promise<void> {
  for (let index = 0; index < hooks.length; index++) {
    const pending = invokeOne(hooks[index]!, kind, context, onFailure);
    if (pending !== undefined)
      return pending.then(() => invokeHooks(hooks.slice(index + 1), kind, context, onFailure));
  }
  return undefined;
}

function invokeOne(
  hook: ConfiguredHook,
  kind: StepHookKind,
  context: StepHookContext,
  onFailure: FailureSink,
): Promise<void> | undefined {
  const fail = (thrown: unknown) =>
    onFailure({ nodeName: context.node.name, kind, hook: hook.label, error: asError(thrown) });
  try {
    const result = hook.hook(context as never);
    if (isPromiseLike(result)) return Promise.resolve(result).then(() => undefined, fail);
  } catch (thrown) {
    fail(thrown);
  }
  return undefined;
}

/** The one line a failed step hook leaves on stderr. */
export function formatFailure(failure: StepHookFailure): string {
  const message = failure.error.message.split('\n', 1)[0]!.trim() || failure.error.name;
  return `sluice: step hook ${failure.kind} "${failure.hook}" of node "${failure.nodeName}" failed: ${failure.error.name}: ${message}`;
}

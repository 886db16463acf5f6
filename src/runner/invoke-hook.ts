import { hookFailureSource } from '../hooks/failure-source.ts';
import { isPromiseLike } from '../maybe-promise.ts';
import type { Node } from '../pipeline/node.ts';
import { asError } from '../errors.ts';
import { NodeDataError, PluginHookError, RunCancelledError } from './errors.ts';

export interface Caller<Args, Result> {
  call(args: Args): Result | Promise<Result>;
}

/**
 * Calls one hook on behalf of a node, turning an implementation's failure (sync or async) into a
 * `PluginHookError` that names the plugin, the hook and the node (a `NodeDataError` passes as is). No allocation when the hook
 * answers synchronously.
 */
export function invokeHook<Args, Result>(
  node: Node,
  hookName: string,
  caller: Caller<Args, Result>,
  args: Args,
): Result | Promise<Result> {
  let result: Result | Promise<Result>;
  try {
    result = caller.call(args);
  } catch (error) {
    throw pluginFailure(node, hookName, error);
  }
  if (isPromiseLike(result))
    return Promise.resolve(result).catch((error: unknown) => {
      throw pluginFailure(node, hookName, error);
    });
  return result;
}

export function pluginFailure(node: Node, hookName: string, thrown: unknown): Error {
  if (thrown instanceof PluginHookError || thrown instanceof RunCancelledError) return thrown;
  // A plugin rejecting the node's data reports the node's failure, not its own.
  if (thrown instanceof NodeDataError) return thrown;
  const cause = asError(thrown);
  const source = hookFailureSource(thrown);
  return new PluginHookError({
    pluginName: source?.pluginName,
    hookName: source?.hookName ?? hookName,
    nodeName: node.name,
    cause,
  });
}

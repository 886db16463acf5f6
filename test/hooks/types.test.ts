/**
 * Type-level tests for the hook manager, checked by `npx tsc -p tsconfig.json --noEmit`. Each
 * `@ts-expect-error` line must be an error: if the types stop rejecting it, tsc fails on the unused
 * directive. The runtime tests at the bottom only make sure the file runs and the typed plugins work.
 */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import type {
  HookArgs,
  HookCallResult,
  HookReturn,
  NoUnknownHooks,
  PluginOf,
} from '../../src/hooks/index.ts';
import { HookManager } from '../../src/hooks/index.ts';
import type { MaybePromise } from '../../src/maybe-promise.ts';

interface Specs {
  beforeNodeRun(args: { node: string; inputs: Record<string, unknown> }): Record<string, unknown> | void;
  afterNodeRun(args: { node: string; outputs: Record<string, unknown> }): void;
  cachedOutputs(args: { node: string }): Record<string, unknown>;
}
type FirstResult = 'cachedOutputs';

const SPECS = [
  { name: 'beforeNodeRun', args: ['node', 'inputs'] },
  { name: 'afterNodeRun', args: ['node', 'outputs'] },
  { name: 'cachedOutputs', args: ['node'], firstResult: true },
] as const;

type Equal<A, B> = (<T>() => T extends A ? 1 : 2) extends <T>() => T extends B ? 1 : 2 ? true : false;
type Expect<T extends true> = T;

// ---- utility types ----

export type _Args = Expect<
  Equal<HookArgs<Specs, 'beforeNodeRun'>, { node: string; inputs: Record<string, unknown> }>
>;
export type _Return = Expect<Equal<HookReturn<Specs, 'beforeNodeRun'>, Record<string, unknown> | void>>;
export type _ListResult = Expect<
  Equal<HookCallResult<Specs, 'beforeNodeRun'>, readonly Record<string, unknown>[]>
>;
export type _VoidListResult = Expect<Equal<HookCallResult<Specs, 'afterNodeRun'>, readonly never[]>>;
export type _FirstResult = Expect<
  Equal<HookCallResult<Specs, 'cachedOutputs', FirstResult>, Record<string, unknown> | undefined>
>;

// ---- NoUnknownHooks ----

type WithExtras = {
  name: string;
  beforeNodeRun: () => void;
  beforeSomething: () => void;
  afterwards: number;
  onward: () => void;
  onError: () => void;
  format(): string;
  state: number;
};
type Checked = NoUnknownHooks<WithExtras, Specs>;
export type _RejectsBeforeSomething = Expect<Equal<Checked['beforeSomething'], never>>;
export type _RejectsOnError = Expect<Equal<Checked['onError'], never>>;
export type _KeepsHook = Expect<Equal<Checked['beforeNodeRun'], () => void>>;
export type _KeepsName = Expect<Equal<Checked['name'], string>>;
export type _KeepsHelper = Expect<Equal<Checked['format'], () => string>>;
export type _KeepsState = Expect<Equal<Checked['state'], number>>;
// Lower-case after the prefix is not hook-like: `afterwards`, `onward` stay allowed.
export type _KeepsAfterwards = Expect<Equal<Checked['afterwards'], number>>;
export type _KeepsOnward = Expect<Equal<Checked['onward'], () => void>>;

/** The pattern a typed `definePlugin` uses: infer the plugin, then reject hook-like extras. */
function typed<T extends PluginOf<Specs, FirstResult>>(plugin: T & NoUnknownHooks<T, Specs>): T {
  return plugin;
}

export function _typeLevelChecks(manager: HookManager<Specs, FirstResult>): void {
  // A correct plugin object: every form, any subset of the arguments.
  const ok: PluginOf<Specs, FirstResult> = {
    name: 'ok',
    beforeNodeRun: ({ node }) => ({ [node]: true }),
    afterNodeRun: { trylast: true, before: ['other'], handler: ({ outputs }) => void outputs },
    cachedOutputs: { wrapper: true, handler: (_args, next) => next() },
  };
  void ok;

  const misspelt: PluginOf<Specs> = {
    // @ts-expect-error a misspelt hook name is not a key of the plugin type
    beforeNodeRUn: () => undefined,
  };
  void misspelt;

  const unknownArgument: PluginOf<Specs> = {
    // @ts-expect-error `nod` is not one of beforeNodeRun's arguments
    beforeNodeRun: ({ nod }) => ({ nod }),
  };
  void unknownArgument;

  const otherHooksArgument: PluginOf<Specs> = {
    // @ts-expect-error `outputs` belongs to afterNodeRun, not beforeNodeRun
    beforeNodeRun: ({ outputs }) => outputs,
  };
  void otherHooksArgument;

  const wrongReturn: PluginOf<Specs> = {
    // @ts-expect-error beforeNodeRun returns input overrides (a record) or nothing, not a number
    beforeNodeRun: () => 42,
  };
  void wrongReturn;

  const wrongAsyncReturn: PluginOf<Specs> = {
    // @ts-expect-error a promise of the wrong type is wrong too
    beforeNodeRun: async () => 'text',
  };
  void wrongAsyncReturn;

  const wrongFirstResult: PluginOf<Specs, FirstResult> = {
    // @ts-expect-error cachedOutputs answers with a record, not a string
    cachedOutputs: () => 'cached',
  };
  void wrongFirstResult;

  const wrongOption: PluginOf<Specs> = {
    // @ts-expect-error tryfirst is a boolean
    beforeNodeRun: { tryfirst: 'yes', handler: () => undefined },
  };
  void wrongOption;

  const unknownOption: PluginOf<Specs> = {
    // @ts-expect-error `priority` is not an option of the object form
    beforeNodeRun: { priority: 1, handler: () => undefined },
  };
  void unknownOption;

  const asyncOk: PluginOf<Specs> = {
    beforeNodeRun: async ({ inputs }) => ({ ...inputs, extra: 1 }),
    afterNodeRun: async () => undefined,
  };
  void asyncOk;

  // NoUnknownHooks through an inferring helper: helpers and state are fine, hook-like extras are not.
  typed({
    name: 'helpers',
    count: 0,
    format(node: string) {
      return `[${node}]`;
    },
    beforeNodeRun: ({ node }) => ({ node }),
  });
  typed({
    // @ts-expect-error beforeSomething looks like a hook but is not one
    beforeSomething: () => undefined,
  });

  // Calling: arguments and results are typed per hook.
  const list = manager.hook.beforeNodeRun.call({ node: 'n', inputs: {} });
  const _list: MaybePromise<readonly Record<string, unknown>[]> = list;
  const first = manager.hook.cachedOutputs.call({ node: 'n' });
  const _first: MaybePromise<Record<string, unknown> | undefined> = first;
  void _list;
  void _first;
  // @ts-expect-error `inputs` is missing
  manager.hook.beforeNodeRun.call({ node: 'n' });
  // @ts-expect-error `node` must be a string
  manager.hook.cachedOutputs.call({ node: 1 });
  // @ts-expect-error there is no such hook
  void manager.hook.beforeNodeRUn;
  // @ts-expect-error there is no such hook
  manager.call('afterNodeRUn', { node: 'n', outputs: {} });
  manager.call('afterNodeRun', { node: 'n', outputs: {} });
}

// ---- runtime: the file runs, and the typed plugins behave as typed ----

test('types: a typed plugin registers and its hooks are called with typed arguments', () => {
  const manager = new HookManager<Specs, FirstResult>(SPECS);
  const plugin: PluginOf<Specs, FirstResult> = {
    name: 'typed',
    beforeNodeRun: ({ node, inputs }) => ({ ...inputs, seen: node }),
    cachedOutputs: { tryfirst: true, handler: ({ node }) => ({ [node]: 'cached' }) },
  };
  assert.equal(manager.register(plugin), 'typed');
  assert.deepEqual(
    [...(manager.hook.beforeNodeRun.call({ node: 'n', inputs: { a: 1 } }) as readonly unknown[])],
    [{ a: 1, seen: 'n' }],
  );
  assert.deepEqual(manager.hook.cachedOutputs.call({ node: 'n' }), { n: 'cached' });
});

test('types: the inferring helper returns the plugin unchanged, helpers included', () => {
  const plugin = typed({
    name: 'helpers',
    format(node: string) {
      return `[${node}]`;
    },
    beforeNodeRun: ({ node }) => ({ node }),
  });
  assert.equal(plugin.format('x'), '[x]');
  const manager = new HookManager<Specs, FirstResult>(SPECS);
  manager.register(plugin);
  assert.deepEqual(
    [...(manager.hook.beforeNodeRun.call({ node: 'n', inputs: {} }) as readonly unknown[])],
    [{ node: 'n' }],
  );
});

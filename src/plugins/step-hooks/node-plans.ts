/**
 * What each node gets from the step-hooks plugin, prepared once per node and run: its hooks, ready
 * to call (references imported), and the retry policy hooks.yml gives it.
 */
import type { Node, RetryPolicy, StepHookReference } from '../../plugin-api/index.ts';
import { isPromiseLike } from '../../plugin-api/index.ts';
import type { HooksConfig, StepHookKind } from './hooks-config.ts';
import { STEP_HOOK_KINDS } from './hooks-config.ts';
import type { StepHookFailure } from './invoke.ts';
import type { HookSetting } from './precedence.ts';
import { settingsFor } from './precedence.ts';
import type { ConfiguredHook, ReferenceResolver } from './references.ts';
import { functionHook } from './references.ts';

export interface NodePlan {
  readonly hooks: Readonly<Record<StepHookKind, readonly ConfiguredHook[]>>;
  readonly retries: RetryPolicy | undefined;
  readonly active: boolean;
}

export const NO_PLAN: NodePlan = {
  hooks: { onSuccess: [], onFailure: [], onRetry: [] },
  retries: undefined,
  active: false,
};

/**
 * The plans of one run (a new context starts a new set, so that a late import of the last run
 * can't land in this one). Plans are prepared strictly in the main process before the run, where
 * a bad reference refuses the run, and leniently where a node runs, where it is logged instead.
 */
export class NodePlans {
  /** hooks.yml of the run's environment. */
  readonly config: HooksConfig;
  readonly #references: () => ReferenceResolver;
  readonly #record: (failure: StepHookFailure) => void;
  readonly #log: (line: string) => void;
  readonly #plans = new WeakMap<Node, NodePlan | Promise<NodePlan>>();

  constructor(
    config: HooksConfig,
    references: () => ReferenceResolver,
    record: (failure: StepHookFailure) => void,
    log: (line: string) => void,
  ) {
    this.config = config;
    this.#references = references;
    this.#record = record;
    this.#log = log;
  }

  /** Prepares a node's plan before the run; a reference that doesn't resolve throws. */
  async prepare(node: Node): Promise<void> {
    this.#plans.set(node, await this.#build(node, true));
  }

  /** The node's plan, prepared now if need be; one that can't be prepared is logged and empty. */
  planFor(node: Node): NodePlan | Promise<NodePlan> {
    let plan = this.#plans.get(node);
    if (plan === undefined) {
      plan = this.#build(node, false);
      // A plan that can't be prepared is logged, never turned into a failure of the node or the run.
      if (isPromiseLike(plan)) {
        plan = Promise.resolve(plan).catch((error: unknown) => {
          this.#log(
            `sluice: step hooks of node "${node.name}" could not be prepared: ${(error as Error)?.message ?? String(error)}`,
          );
          return NO_PLAN;
        });
      }
      this.#plans.set(node, plan);
      if (isPromiseLike(plan)) void plan.then((ready) => this.#plans.set(node, ready));
    }
    return plan;
  }

  /** The plan once `onNodeStart` prepared it; nodes nothing prepared have none. */
  readyPlan(node: Node): NodePlan {
    const plan = this.#plans.get(node);
    return plan === undefined || isPromiseLike(plan) ? NO_PLAN : plan;
  }

  #build(node: Node, strict: boolean): NodePlan | Promise<NodePlan> {
    const settings = settingsFor(node, this.config);
    const retries =
      settings.retries !== undefined && 'policy' in settings.retries ? settings.retries.policy : undefined;
    const needsImport = STEP_HOOK_KINDS.some((kind) => {
      const setting = settings.hooks[kind];
      return (
        setting !== undefined &&
        'code' in setting &&
        setting.code.some((reference) => typeof reference === 'string')
      );
    });
    const assemble = (hooks: Record<StepHookKind, readonly ConfiguredHook[]>): NodePlan => ({
      hooks,
      retries,
      active: STEP_HOOK_KINDS.some((kind) => hooks[kind].length > 0),
    });
    if (!needsImport) {
      const hooks = { onSuccess: [], onFailure: [], onRetry: [] } as Record<
        StepHookKind,
        readonly ConfiguredHook[]
      >;
      for (const kind of STEP_HOOK_KINDS) {
        const setting = settings.hooks[kind];
        if (setting === undefined) continue;
        hooks[kind] =
          'code' in setting
            ? setting.code.map((hook) => functionHook(hook as ConfiguredHook['hook']))
            : setting.hooks;
      }
      return retries === undefined && !STEP_HOOK_KINDS.some((kind) => hooks[kind].length > 0)
        ? NO_PLAN
        : assemble(hooks);
    }
    return (async () => {
      const hooks = { onSuccess: [], onFailure: [], onRetry: [] } as Record<
        StepHookKind,
        readonly ConfiguredHook[]
      >;
      for (const kind of STEP_HOOK_KINDS) {
        const setting = settings.hooks[kind];
        if (setting !== undefined) hooks[kind] = await this.#codeHooks(node, kind, setting, strict);
      }
      return assemble(hooks);
    })();
  }

  /** Imports a code setting's references. Strict (at run start, main process): a bad one throws. */
  async #codeHooks(
    node: Node,
    kind: StepHookKind,
    setting: HookSetting,
    strict: boolean,
  ): Promise<ConfiguredHook[]> {
    if (!('code' in setting)) return [...setting.hooks];
    const hooks: ConfiguredHook[] = [];
    for (const reference of setting.code as readonly StepHookReference<any>[]) {
      if (typeof reference === 'function') {
        hooks.push(functionHook(reference));
        continue;
      }
      const what = setting.source === 'node' ? 'option' : 'pipeline default';
      try {
        hooks.push(
          await this.#references().resolve(reference, {
            description: `The ${kind} ${what} of node "${node.name}"`,
          }),
        );
      } catch (error) {
        if (strict) throw error;
        this.#record({ nodeName: node.name, kind, hook: reference, error: error as Error });
      }
    }
    return hooks;
  }
}

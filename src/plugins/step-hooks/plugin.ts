import type {
  StepOutcome,
  Node,
  ProjectContext,
  RetryPolicy,
  SluicePlugin,
  StepHookContext,
  StepHookReference,
} from '../../plugin-api/index.ts';
import { PluginHookError, StepTracker, definePlugin, isPromiseLike } from '../../plugin-api/index.ts';
import type { HooksConfig, StepHookKind } from './hooks-config.ts';
import { EMPTY_HOOKS_CONFIG, loadHooksConfig, STEP_HOOK_KINDS } from './hooks-config.ts';
import type { StepHookFailure } from './invoke.ts';
import { formatFailure, invokeHooks } from './invoke.ts';
import type { HookSetting } from './precedence.ts';
import { settingsFor } from './precedence.ts';
import type { ConfiguredHook } from './references.ts';
import { functionHook, ReferenceResolver } from './references.ts';
import { checkHookTargets } from './targets.ts';

/** The step-hooks plugin's name, as registered (and as `disableHooksForPlugins` names it). */
export const STEP_HOOKS_PLUGIN_NAME = 'sluice:step-hooks';

/** Options of {@link stepHooksPlugin}. */
export interface StepHooksOptions {
  /** Where a failed step hook's one line goes. Default: stderr. */
  readonly log?: ((line: string) => void) | undefined;
  /** The clock for durations, in milliseconds. Default `performance.now`. */
  readonly now?: (() => number) | undefined;
}

/** The plugin, with what it recorded in this process. */
export interface StepHooksPlugin extends SluicePlugin {
  readonly name: string;
  /** Every step hook that threw, in order. */
  readonly failures: readonly StepHookFailure[];
  /** Step hook functions called, per kind (failed ones included). */
  readonly calls: Readonly<Record<StepHookKind, number>>;
}

/** What a node gets: its hooks, ready to call, and the retry policy hooks.yml gives it. */
interface NodePlan {
  readonly hooks: Readonly<Record<StepHookKind, readonly ConfiguredHook[]>>;
  readonly retries: RetryPolicy | undefined;
  readonly active: boolean;
}

const NO_PLAN: NodePlan = {
  hooks: { onSuccess: [], onFailure: [], onRetry: [] },
  retries: undefined,
  active: false,
};

/**
 * Delivers step hooks (ZenML's success and failure hooks): `onSuccess`, `onFailure` and `onRetry`
 * from node options, pipeline defaults and `conf/<env>/hooks.yml`, in the precedence that
 * precedence.ts describes; plus the retries hooks.yml sets, through the `nodeRetryPolicy` hook.
 *
 * Built on the public hook API only. It runs where the node runs (`process: 'node'`), so hooks see
 * the node's real parameters and errors on every runner. Registered by default for every project;
 * turn it off with `disableHooksForPlugins: ['sluice:step-hooks']`.
 */
export function stepHooksPlugin(options: StepHooksOptions = {}): StepHooksPlugin {
  const log = options.log ?? ((line: string) => void process.stderr.write(`${line}\n`));
  const tracker = new StepTracker(options.now);
  const failures: StepHookFailure[] = [];
  const calls: Record<StepHookKind, number> = { onSuccess: 0, onFailure: 0, onRetry: 0 };
  let project: ProjectContext | undefined;
  let config: HooksConfig = EMPTY_HOOKS_CONFIG;
  let resolver: ReferenceResolver | undefined;
  let plans = new WeakMap<Node, NodePlan | Promise<NodePlan>>();

  const record = (failure: StepHookFailure): void => {
    failures.push(failure);
    const line = formatFailure(failure);
    log(project === undefined ? line : project.redact(line));
  };
  const references = (): ReferenceResolver =>
    (resolver ??= new ReferenceResolver(project?.projectPath ?? process.cwd()));

  /** Imports a code setting's references. Strict (at run start, main process): a bad one throws. */
  const codeHooks = async (
    node: Node,
    kind: StepHookKind,
    setting: HookSetting,
    strict: boolean,
  ): Promise<ConfiguredHook[]> => {
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
          await references().resolve(reference, {
            description: `The ${kind} ${what} of node "${node.name}"`,
          }),
        );
      } catch (error) {
        if (strict) throw error;
        record({ nodeName: node.name, kind, hook: reference, error: error as Error });
      }
    }
    return hooks;
  };

  const buildPlan = (node: Node, strict: boolean): NodePlan | Promise<NodePlan> => {
    const settings = settingsFor(node, config);
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
        if (setting !== undefined) hooks[kind] = await codeHooks(node, kind, setting, strict);
      }
      return assemble(hooks);
    })();
  };

  const planFor = (node: Node): NodePlan | Promise<NodePlan> => {
    const runPlans = plans; // a later run starts a new map; a late import must not land in it
    let plan = runPlans.get(node);
    if (plan === undefined) {
      plan = buildPlan(node, false);
      // A plan that can't be prepared is logged, never turned into a failure of the node or the run.
      if (isPromiseLike(plan)) {
        plan = Promise.resolve(plan).catch((error: unknown) => {
          log(
            `sluice: step hooks of node "${node.name}" could not be prepared: ${(error as Error)?.message ?? String(error)}`,
          );
          return NO_PLAN;
        });
      }
      runPlans.set(node, plan);
      if (isPromiseLike(plan)) void plan.then((ready) => runPlans.set(node, ready));
    }
    return plan;
  };
  /** The plan once `onNodeStart` prepared it; nodes nothing prepared have none. */
  const readyPlan = (node: Node): NodePlan => {
    const plan = plans.get(node);
    return plan === undefined || isPromiseLike(plan) ? NO_PLAN : plan;
  };

  const fire = (kind: StepHookKind, outcome: StepOutcome, plan: NodePlan): void | Promise<void> => {
    const hooks = plan.hooks[kind];
    if (hooks.length === 0) return undefined;
    calls[kind] += hooks.length;
    const context = {
      ...outcome,
      pipelineName: project?.pipelineName ?? '__default__',
      project,
    } as StepHookContext;
    return invokeHooks(hooks, kind, context, record);
  };

  return definePlugin({
    name: STEP_HOOKS_PLUGIN_NAME,
    failures,
    calls,
    async afterContextCreated({ context }) {
      project = context;
      resolver = new ReferenceResolver(context.projectPath);
      plans = new WeakMap();
      config = await loadHooksConfig(context.config, resolver);
    },
    async validatePipelineRun({ pipeline, runParams }) {
      // Main process, before the run starts: refuse it when hooks.yml or a node names nothing real.
      await checkHookTargets(config, pipeline, runParams.projectPath, project?.config);
      for (const node of pipeline.nodes) plans.set(node, await buildPlan(node, true));
    },
    onNodeStart({ node, runId }) {
      const begin = (plan: NodePlan) => {
        if (plan.active) tracker.start(node, runId);
      };
      const plan = planFor(node);
      return isPromiseLike(plan) ? plan.then(begin) : begin(plan);
    },
    // First, so that hooks.yml's policy wins over other plugins' answers.
    nodeRetryPolicy: {
      tryfirst: true,
      handler({ node }) {
        const plan = planFor(node);
        return isPromiseLike(plan) ? plan.then((ready) => ready.retries) : plan.retries;
      },
    },
    onNodeRetry({ error, node, catalog, attempt, delayMs, runId }) {
      const plan = readyPlan(node);
      if (!plan.active) return undefined;
      return fire('onRetry', tracker.retry(node, error, attempt, delayMs, catalog, runId), plan);
    },
    // Last, so that every other plugin saw the node end first.
    onNodeEnd: {
      trylast: true,
      handler({ node, catalog, runId, error }) {
        const plan = readyPlan(node);
        if (!plan.active) return undefined;
        // A plugin's failure is not the node's: step hooks describe the node's own outcome.
        if (error instanceof PluginHookError) return void tracker.forget(node);
        const outcome = tracker.end(node, error, catalog, runId);
        return fire(outcome.outcome === 'success' ? 'onSuccess' : 'onFailure', outcome, plan);
      },
    },
  });
}

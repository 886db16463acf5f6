import type {
  Node,
  StepOutcome,
  ProjectContext,
  SluicePlugin,
  StepHook,
  StepHookContext,
} from '../../plugin-api/index.ts';
import {
  PluginHookError,
  definePlugin,
  endStepOutcome,
  isPromiseLike,
  retryStepOutcome,
} from '../../plugin-api/index.ts';
import type { DescribedStepHooks } from './describe.ts';
import { describeStepHooks } from './describe.ts';
import type { StepHookKind } from './hooks-config.ts';
import { HOOKS_CONFIG_KEY } from './hooks-config.ts';
import { EMPTY_HOOKS_CONFIG, loadHooksConfig } from './hooks-config.ts';
import type { StepHookFailure } from './invoke.ts';
import { formatFailure, invokeHooks } from './invoke.ts';
import { ReferenceResolver } from './references.ts';
import type { NodePlan } from './node-plans.ts';
import { NodePlans } from './node-plans.ts';
import { checkHookTargets } from './targets.ts';

/** The step-hooks plugin's name, as registered (and as `disableHooksForPlugins` names it). */
export const STEP_HOOKS_PLUGIN_NAME = 'sluice:step-hooks';

/** Options of {@link stepHooksPlugin}. */
export interface StepHooksOptions {
  /** Where a failed step hook's one line goes. Default: stderr. */
  readonly log?: ((line: string) => void) | undefined;
  /**
   * The step hooks a `sluice#<name>` reference names (Sluice's own: `alertOnFailure`,
   * `alertOnSuccess`; the `stepHooksPlugin` of the `sluice` module passes them). Without them,
   * `sluice` resolves from the project like any installed package.
   */
  readonly builtInHooks?: Readonly<Record<string, StepHook<any>>> | undefined;
}

/** The plugin, with what it recorded in this process. */
export interface StepHooksPlugin extends SluicePlugin {
  readonly name: string;
  /** Every step hook that threw, in order. */
  readonly failures: readonly StepHookFailure[];
  /** Step hook functions called, per kind (failed ones included). */
  readonly calls: Readonly<Record<StepHookKind, number>>;
  /**
   * The step hooks a run would call for `node`, per kind, each with where it was set (node option,
   * pipeline default, or which hooks.yml entry and line), by the precedence the plugin applies.
   * hooks.yml is the one of the last project context created (`afterContextCreated`); before
   * that, only the code's settings count. The pipeline page's side panel shows this.
   */
  describeStepHooks(node: Node): DescribedStepHooks;
}

/** What the plugin keeps between hooks, in this process. */
interface StepHooksState {
  /** The project of the last context created; undefined for a bare `runPipeline`. */
  project: ProjectContext | undefined;
  /** Imports `"module#export"` references, each module once; one per context. */
  resolver: ReferenceResolver | undefined;
  /** This run's hooks.yml and per-node plans; a new context starts new ones. */
  plans: NodePlans;
  readonly failures: StepHookFailure[];
  readonly calls: Record<StepHookKind, number>;
}

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
  const state: StepHooksState = {
    project: undefined,
    resolver: undefined,
    plans: new NodePlans(
      EMPTY_HOOKS_CONFIG,
      () => references(),
      (failure) => record(failure),
      log,
    ),
    failures: [],
    calls: { onSuccess: 0, onFailure: 0, onRetry: 0 },
  };

  const record = (failure: StepHookFailure): void => {
    state.failures.push(failure);
    const line = formatFailure(failure);
    log(state.project === undefined ? line : state.project.redact(line));
  };
  const references = (): ReferenceResolver =>
    (state.resolver ??= new ReferenceResolver(
      state.project?.projectPath ?? process.cwd(),
      options.builtInHooks,
    ));

  const fire = (kind: StepHookKind, outcome: StepOutcome, plan: NodePlan): void | Promise<void> => {
    const hooks = plan.hooks[kind];
    if (hooks.length === 0) return undefined;
    state.calls[kind] += hooks.length;
    const context = {
      ...outcome,
      pipelineName: state.project?.pipelineName ?? '__default__',
      project: state.project,
    } as StepHookContext;
    return invokeHooks(hooks, kind, context, record);
  };

  return definePlugin({
    name: STEP_HOOKS_PLUGIN_NAME,
    failures: state.failures,
    calls: state.calls,
    describeStepHooks(node: Node): DescribedStepHooks {
      const loader = state.project?.config;
      return describeStepHooks(
        node,
        state.plans.config,
        loader === undefined ? undefined : (path) => loader.locate(HOOKS_CONFIG_KEY, path),
      );
    },
    async afterContextCreated({ context }) {
      state.project = context;
      state.resolver = new ReferenceResolver(context.projectPath, options.builtInHooks);
      // No plan of an earlier run carries over, even while hooks.yml loads.
      state.plans = new NodePlans(state.plans.config, references, record, log);
      const config = await loadHooksConfig(context.config, state.resolver);
      state.plans = new NodePlans(config, references, record, log);
    },
    async validatePipelineRun({ pipeline, registeredPipelines }) {
      // Main process, before the run starts: refuse it when hooks.yml or a node names nothing real.
      await checkHookTargets(state.plans.config, pipeline, registeredPipelines, state.project?.config);
      for (const node of pipeline.nodes) await state.plans.prepare(node);
    },
    // Prepares the node's plan (its references imported) before its first attempt.
    onNodeStart({ node }) {
      const plan = state.plans.planFor(node);
      return isPromiseLike(plan) ? plan.then(() => undefined) : undefined;
    },
    // First, so that hooks.yml's policy wins over other plugins' answers.
    nodeRetryPolicy: {
      tryfirst: true,
      handler({ node }) {
        const plan = state.plans.planFor(node);
        return isPromiseLike(plan) ? plan.then((ready) => ready.retries) : plan.retries;
      },
    },
    // A node resumed in this process (the distributed runner's retries) had no onNodeStart here:
    // nodeRetryPolicy, asked before every run of attempts, prepared its plan.
    onNodeRetry(args) {
      const plan = state.plans.readyPlan(args.node);
      if (!plan.active) return undefined;
      return fire('onRetry', retryStepOutcome(args), plan);
    },
    // Last, so that every other plugin saw the node end first.
    onNodeEnd: {
      trylast: true,
      handler(args) {
        const plan = state.plans.readyPlan(args.node);
        if (!plan.active) return undefined;
        // A plugin's failure is not the node's: step hooks describe the node's own outcome.
        if (args.error instanceof PluginHookError) return undefined;
        const outcome = endStepOutcome(args);
        return fire(outcome.outcome === 'success' ? 'onSuccess' : 'onFailure', outcome, plan);
      },
    },
  });
}

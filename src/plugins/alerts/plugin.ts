import type {
  StepOutcome,
  Node,
  ProjectContext,
  SluicePlugin,
  StepHookContext,
} from '../../plugin-api/index.ts';
import {
  NodeFailuresError,
  PluginHookError,
  endStepOutcome,
  retryStepOutcome,
  definePlugin,
  isPromiseLike,
} from '../../plugin-api/index.ts';
import { nodeAlert, pipelineAlert } from './alert.ts';
import type { AttachSettings, NodeAlertKind } from './alerts-config.ts';
import { AlertsFailedError } from './errors.ts';
import type { AlertService, AlertSummary } from './service.ts';
import { alertServiceFor, formatSummary } from './service.ts';
import { ALERTS_TOPIC } from './ledger.ts';
import type { LedgerEntry } from './ledger.ts';

/** The alerts plugin's name, as registered (and as `disableHooksForPlugins` names it). */
export const ALERTS_PLUGIN_NAME = 'sluice:alerts';

/** Options of {@link alertsPlugin}; each one overrides the same setting of alerts.yml. */
export interface AlertsOptions {
  /** Alert on every node (`all`), or only on tagged ones (`none` plus `tags`). alerts.yml: `attach.nodes`. */
  readonly nodes?: 'all' | 'none' | undefined;
  /** Alert on nodes with any of these tags. alerts.yml: `attach.tags`. */
  readonly tags?: readonly string[] | undefined;
  /** Which node outcomes alert. Default `['failure']`. alerts.yml: `attach.on`. */
  readonly on?: readonly NodeAlertKind[] | undefined;
  /** One alert at the end of a failed run, listing the failed nodes. Default true. */
  readonly pipelineAlert?: boolean | undefined;
  /** Fail a run whose alerts could not all be delivered. Default false. */
  readonly failPipeline?: boolean | undefined;
  /** Where delivery failures and the run's alert summary go. Default: stderr. */
  readonly log?: ((line: string) => void) | undefined;
}

export interface AlertsPlugin extends SluicePlugin {
  readonly name: string;
  /** The alert counts of the last run that ended in this process (the main one). */
  readonly lastSummary: AlertSummary | undefined;
}

/** alerts.yml's settings, with the plugin's options over them. */
interface AlertSettings {
  readonly attach: AttachSettings;
  readonly pipelineAlert: boolean;
  readonly failPipeline: boolean;
}

/** What the plugin keeps between hooks, in this process. */
interface AlertsState {
  /** The project of the last context created. */
  project: ProjectContext | undefined;
  /** The alerters of that project's alerts.yml; undefined before the first context. */
  service: AlertService | undefined;
  settings: AlertSettings;
  runStartedAt: number;
  /** The run's end was handled: once, by whichever of the two end hooks fires. */
  ended: boolean;
  /** The alert counts of the last run that ended in this process. */
  lastSummary: AlertSummary | undefined;
}

const NO_SETTINGS: AlertSettings = {
  attach: { nodes: 'none', tags: [], on: new Set() },
  pipelineAlert: true,
  failPipeline: false,
};

/**
 * Alerts through the alerters of conf/<env>/alerts.yml: per-node alerts for every node or tagged
 * ones (the same messages as the `alertOnFailure`/`alertOnSuccess` step hooks), one alert at the
 * end of a failed run listing the failed nodes, and a summary of deliveries when the run ends.
 *
 * Registered by default for every project and idle until alerts.yml declares an alerter. List
 * your own instance in `hooks` to configure it in code: `alertsPlugin({ tags: ['critical'] })`.
 * Node alerts go out where the node runs (`process: 'node'`); the pipeline alert and the summary
 * in the main process, from the entries every process posts to it (`context.post`).
 */
export function alertsPlugin(options: AlertsOptions = {}): AlertsPlugin {
  const log = options.log ?? ((line: string) => void process.stderr.write(`${line}\n`));
  const state: AlertsState = {
    project: undefined,
    service: undefined,
    settings: NO_SETTINGS,
    runStartedAt: 0,
    ended: false,
    lastSummary: undefined,
  };

  const attached = (node: Node): boolean =>
    state.service !== undefined &&
    state.service.active &&
    (state.settings.attach.nodes === 'all' || state.settings.attach.tags.some((tag) => node.tags.has(tag)));

  /** Node hooks must never throw: the node's own outcome is what the run reports. */
  const safely = (action: () => void | Promise<unknown>): void | Promise<void> => {
    const report = (error: unknown) => {
      const message = error instanceof Error ? error.message : String(error);
      log(
        `sluice: the alerts plugin failed: ${state.service?.redact(message) ?? state.project?.redact(message) ?? message}`,
      );
    };
    try {
      const pending = action();
      if (isPromiseLike(pending)) return Promise.resolve(pending).then(() => undefined, report);
    } catch (error) {
      report(error);
    }
    return undefined;
  };
  const alertFor = (kind: NodeAlertKind, outcome: StepOutcome): Promise<unknown> | undefined => {
    if (!state.settings.attach.on.has(kind)) return undefined;
    const context = {
      ...outcome,
      pipelineName: state.project?.pipelineName ?? '__default__',
      project: state.project,
    } as StepHookContext;
    return state.service!.send(nodeAlert(context));
  };

  return definePlugin({
    name: ALERTS_PLUGIN_NAME,
    get lastSummary() {
      return state.lastSummary;
    },
    onRunMessage({ topic, message }) {
      if (topic === ALERTS_TOPIC) state.service?.ledger.receive(message as LedgerEntry);
    },
    afterContextCreated({ context }) {
      state.project = context;
      state.ended = false;
      state.service = alertServiceFor(context, log);
      state.settings = settingsOf(options, state.service.config);
    },
    beforePipelineRun() {
      state.runStartedAt = performance.now();
    },
    onNodeRetry(args) {
      if (!attached(args.node)) return undefined;
      return safely(() => alertFor('retry', retryStepOutcome(args)));
    },
    onNodeEnd(args) {
      const { node, error } = args;
      const service = state.service;
      if (service === undefined || !service.active) return undefined;
      // A plugin's failure is not the node's; the run's pipeline alert reports it.
      if (error instanceof PluginHookError) return undefined;
      return safely(() => {
        if (error !== undefined && state.settings.pipelineAlert) service.recordNodeFailure(node.name, error);
        if (!attached(node)) return undefined;
        const outcome = endStepOutcome(args);
        return alertFor(outcome.outcome, outcome);
      });
    },
    // First, so that with fail_pipeline its error comes before any other plugin hears of success:
    // the run then ends with onPipelineError alone, never with afterPipelineRun as well.
    afterPipelineRun: {
      tryfirst: true,
      handler({ runParams }) {
        return endRun(state, log, undefined, runParams.pipelineName, runParams.runId);
      },
    },
    onPipelineError({ error, runParams }) {
      return endRun(state, log, error, runParams.pipelineName, runParams.runId);
    },
  }) as unknown as AlertsPlugin;
}

function settingsOf(options: AlertsOptions, configured: AlertService['config']): AlertSettings {
  return {
    attach: {
      nodes: options.nodes ?? (options.tags !== undefined ? 'none' : configured.attach.nodes),
      tags: options.tags ?? configured.attach.tags,
      on: options.on === undefined ? configured.attach.on : new Set(options.on),
    },
    pipelineAlert: options.pipelineAlert ?? configured.pipelineAlert,
    failPipeline: options.failPipeline ?? configured.failPipeline,
  };
}

/**
 * The run ended (`error` undefined: it succeeded): the pipeline alert for a failed run, the
 * delivery summary, and with fail_pipeline an error when alerts could not all be delivered.
 */
async function endRun(
  state: AlertsState,
  log: (line: string) => void,
  error: Error | undefined,
  pipelineName: string,
  runId: string,
): Promise<void> {
  const service = state.service;
  if (service === undefined || !service.active || state.ended) return;
  state.ended = true;
  if (error !== undefined && state.settings.pipelineAlert && !(error instanceof AlertsFailedError)) {
    const failed = service.failedNodes();
    if (error instanceof NodeFailuresError) {
      for (const failure of error.failures)
        if (!failed.some((known) => known.node === failure.nodeName))
          failed.push({ node: failure.nodeName, error: failure.error });
    }
    await service.send(
      pipelineAlert({
        pipelineName,
        runId,
        error,
        failedNodes: failed,
        durationMs: performance.now() - state.runStartedAt,
      }),
    );
  }
  const summary = service.summary();
  state.lastSummary = summary;
  if (summary.sent + summary.failed > 0) log(formatSummary(summary));
  if (error === undefined && state.settings.failPipeline && summary.failed > 0) {
    const reasons = summary.failures.map(
      (failure) =>
        `${failure.alerter}${failure.node === null ? '' : ` (node ${failure.node})`}: ${failure.error}`,
    );
    throw new AlertsFailedError(
      `${summary.failed} alert(s) could not be delivered:\n  - ${reasons.join('\n  - ')}`,
      {
        hint: 'Every node succeeded; the run fails because fail_pipeline is on. Check the alerters in conf/<env>/alerts.yml.',
      },
    );
  }
}

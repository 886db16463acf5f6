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
  StepTracker,
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
  const tracker = new StepTracker();
  let project: ProjectContext | undefined;
  let service: AlertService | undefined;
  let attach: AttachSettings = { nodes: 'none', tags: [], on: new Set() };
  let pipelineAlertOn = true;
  let failPipeline = false;
  let ended = false;
  let runStartedAt = 0;
  const state: { lastSummary: AlertSummary | undefined } = { lastSummary: undefined };

  const attached = (node: Node): boolean =>
    service !== undefined &&
    service.active &&
    (attach.nodes === 'all' || attach.tags.some((tag) => node.tags.has(tag)));

  /** Node hooks must never throw: the node's own outcome is what the run reports. */
  const safely = (action: () => void | Promise<unknown>): void | Promise<void> => {
    const report = (error: unknown) => {
      const message = error instanceof Error ? error.message : String(error);
      log(`sluice: the alerts plugin failed: ${service === undefined ? message : service.redact(message)}`);
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
    if (!attach.on.has(kind)) return undefined;
    const context = {
      ...outcome,
      pipelineName: project?.pipelineName ?? '__default__',
      project,
    } as StepHookContext;
    return service!.send(nodeAlert(context));
  };

  const end = async (error: Error | undefined, pipelineName: string, runId: string): Promise<void> => {
    if (service === undefined || !service.active || ended) return;
    ended = true;
    if (error !== undefined && pipelineAlertOn && !(error instanceof AlertsFailedError)) {
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
          durationMs: performance.now() - runStartedAt,
        }),
      );
    }
    const summary = service.summary();
    state.lastSummary = summary;
    if (summary.sent + summary.failed > 0) log(formatSummary(summary));
    if (error === undefined && failPipeline && summary.failed > 0) {
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
  };

  return definePlugin({
    name: ALERTS_PLUGIN_NAME,
    get lastSummary() {
      return state.lastSummary;
    },
    onRunMessage({ topic, message }) {
      if (topic === ALERTS_TOPIC) service?.ledger.receive(message as LedgerEntry);
    },
    afterContextCreated({ context }) {
      project = context;
      ended = false;
      service = alertServiceFor(context, log);
      const configured = service.config;
      attach = {
        nodes: options.nodes ?? (options.tags !== undefined ? 'none' : configured.attach.nodes),
        tags: options.tags ?? configured.attach.tags,
        on: options.on === undefined ? configured.attach.on : new Set(options.on),
      };
      pipelineAlertOn = options.pipelineAlert ?? configured.pipelineAlert;
      failPipeline = options.failPipeline ?? configured.failPipeline;
    },
    beforePipelineRun() {
      runStartedAt = performance.now();
    },
    onNodeStart({ node, runId }) {
      if (attached(node)) tracker.start(node, runId);
    },
    onNodeRetry({ error, node, catalog, attempt, delayMs, runId }) {
      if (!attached(node)) return undefined;
      return safely(() => alertFor('retry', tracker.retry(node, error, attempt, delayMs, catalog, runId)));
    },
    onNodeEnd({ node, catalog, runId, error }) {
      if (service === undefined || !service.active) return undefined;
      // A plugin's failure is not the node's; the run's pipeline alert reports it.
      if (error instanceof PluginHookError) return void tracker.forget(node);
      return safely(() => {
        if (error !== undefined && pipelineAlertOn) service!.recordNodeFailure(node.name, error);
        if (!attached(node)) return undefined;
        const outcome = tracker.end(node, error, catalog, runId);
        return alertFor(outcome.outcome, outcome);
      });
    },
    // First, so that with fail_pipeline its error comes before any other plugin hears of success:
    // the run then ends with onPipelineError alone, never with afterPipelineRun as well.
    afterPipelineRun: {
      tryfirst: true,
      handler({ runParams }) {
        return end(undefined, runParams.pipelineName, runParams.runId);
      },
    },
    onPipelineError({ error, runParams }) {
      return end(error, runParams.pipelineName, runParams.runId);
    },
  }) as unknown as AlertsPlugin;
}

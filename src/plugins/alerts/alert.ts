import type { StepHookContext } from '../../plugin-api/index.ts';
/**
 * What an alert says, whatever carries it: a node that failed, succeeded or will be retried, or a
 * run that failed. Each alerter turns it into its own format (Slack blocks, JSON, an email).
 */

/** `failure`, `retry`, `success`: one node. `pipeline`: the end of a failed run. */
export type AlertKind = 'failure' | 'retry' | 'success' | 'pipeline';

export const ALERT_KINDS: readonly AlertKind[] = ['failure', 'retry', 'success', 'pipeline'];

export interface AlertError {
  readonly name: string;
  readonly message: string;
}

export interface Alert {
  readonly kind: AlertKind;
  /** One line: `Node train_model failed`. */
  readonly title: string;
  readonly pipelineName: string;
  readonly runId: string;
  /** The node's full name (node alerts only). */
  readonly node?: string | undefined;
  readonly error?: AlertError | undefined;
  readonly durationMs?: number | undefined;
  readonly attempt?: number | undefined;
  readonly params?: Readonly<Record<string, unknown>> | undefined;
  /** The failed nodes of a failed run (pipeline alerts only). */
  readonly failedNodes?: readonly { readonly node: string; readonly error: AlertError }[] | undefined;
}

/** The alert a step hook sends for its node's outcome. */
export function nodeAlert(context: StepHookContext): Alert {
  const title =
    context.outcome === 'success'
      ? `Node ${context.node.name} succeeded`
      : context.outcome === 'retry'
        ? `Node ${context.node.name} failed attempt ${context.attempt}, retrying`
        : `Node ${context.node.name} failed`;
  return {
    kind: context.outcome,
    title,
    pipelineName: context.pipelineName,
    runId: context.runId,
    node: context.node.name,
    error: context.error === undefined ? undefined : describeError(context.error),
    durationMs: context.durationMs,
    attempt: context.attempt,
    params: context.params,
  };
}

/** The alert at the end of a failed run. */
export function pipelineAlert(args: {
  pipelineName: string;
  runId: string;
  error: Error;
  failedNodes: readonly { node: string; error: Error }[];
  durationMs?: number | undefined;
}): Alert {
  const count = args.failedNodes.length;
  const title =
    count === 0
      ? `Pipeline ${args.pipelineName} failed`
      : `Pipeline ${args.pipelineName} failed: ${count} node${count === 1 ? '' : 's'} failed`;
  return {
    kind: 'pipeline',
    title,
    pipelineName: args.pipelineName,
    runId: args.runId,
    error: describeError(args.error),
    durationMs: args.durationMs,
    failedNodes: args.failedNodes.map(({ node, error }) => ({ node, error: describeError(error) })),
  };
}

export function describeError(error: Error): AlertError {
  return { name: error.name, message: error.message };
}

/** `850 ms`, `12.3 s`, `4 min 05 s`. */
export function formatDuration(ms: number): string {
  if (ms < 1000) return `${Math.round(ms)} ms`;
  if (ms < 60_000) return `${(ms / 1000).toFixed(1)} s`;
  const seconds = Math.round(ms / 1000);
  return `${Math.floor(seconds / 60)} min ${String(seconds % 60).padStart(2, '0')} s`;
}

/** Cuts long text (error messages, stacks) to what a message can carry, marking the cut. */
export function truncate(text: string, max: number): string {
  return text.length <= max ? text : `${text.slice(0, max - 1)}…`;
}

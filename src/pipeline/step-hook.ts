/**
 * Step hooks (ZenML's success and failure hooks): functions a node or a pipeline names in its
 * options, called by the step-hooks plugin when a node succeeds, fails for good, or fails an
 * attempt that will be retried. Only the types live here: the pipeline model declares them, the
 * plugin (src/plugins/step-hooks) delivers them.
 */
import type { ProjectContext } from '../run-types/project-context.ts';
import type { Node } from './node.ts';

/** What every step hook receives, whatever the outcome. */
interface StepHookContextBase {
  /** The node: `name` (full), `shortName`, `namespace`, `tags`. */
  readonly node: Node;
  /** The registered pipeline the run takes its nodes from (`__default__` unless `--pipeline` named one). */
  readonly pipelineName: string;
  readonly runId: string;
  /**
   * The values of the node's `params:` inputs, keyed by parameter name without the prefix
   * (`params:model.test_size` → `model.test_size`); `parameters` when the node reads them all.
   */
  readonly params: Readonly<Record<string, unknown>>;
  /** The attempt that just ended, from 1. Above 1 only for nodes with retries. */
  readonly attempt: number;
  /** Milliseconds since the node's first attempt started, waits between retries included. */
  readonly durationMs: number;
  /** Milliseconds the attempt that just ended took. */
  readonly attemptDurationMs: number;
  /**
   * The project (configuration, credentials through `config`), when the node runs inside a
   * session; `undefined` when `runNode` is called on its own.
   */
  readonly project: ProjectContext | undefined;
}

/** An `onSuccess` hook's context: the node ran and its outputs are saved. */
export interface StepSuccessContext extends StepHookContextBase {
  readonly outcome: 'success';
  readonly error?: undefined;
}

/** An `onFailure` hook's context: the node failed for good (its last attempt, or a load or save). */
export interface StepFailureContext extends StepHookContextBase {
  readonly outcome: 'failure';
  readonly error: Error;
}

/** An `onRetry` hook's context: an attempt failed and the node will run again after `delayMs`. */
export interface StepRetryContext extends StepHookContextBase {
  readonly outcome: 'retry';
  readonly error: Error;
  readonly delayMs: number;
}

/** What a step hook receives: one object, discriminated by `outcome`. */
export type StepHookContext = StepSuccessContext | StepFailureContext | StepRetryContext;

/** A step hook. It may be async; what it throws is logged and never changes the node's outcome. */
export type StepHook<Context extends StepHookContext = StepHookContext> = (
  context: Context,
) => void | Promise<void>;

/**
 * A step hook, or a reference to one: `"./src/alerts.ts#pageOnCall"` (a module path relative to
 * the project, `#` and the export's name), or `"sluice#alertOnFailure"` for a built-in one.
 */
export type StepHookReference<Context extends StepHookContext = StepHookContext> = StepHook<Context> | string;

/** One step hook or a list of them; an empty list means "none", overriding a default. */
export type StepHooks<Context extends StepHookContext = StepHookContext> =
  StepHookReference<Context> | readonly StepHookReference<Context>[];

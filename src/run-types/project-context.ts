import type { ConfigLoader } from '../config/index.ts';
import type { Redactor } from '../secrets/redactor.ts';

/**
 * What `afterContextCreated` receives: the loaded project, before any catalog exists. Kedro's
 * `KedroContext`, trimmed to what a plugin can rely on.
 */
export interface ProjectContext {
  /** Absolute path of the project root (the folder holding `sluice.config.ts`). */
  readonly projectPath: string;
  /** The configuration environment layered over `base` (default `local`). */
  readonly env: string;
  /** The configuration folder, relative to the project (default `conf`). */
  readonly confSource: string;
  /** The loader for every config key (`catalog`, `parameters`, `credentials`, `globals`, plugin keys). */
  readonly config: ConfigLoader;
  /** The merged parameters, runtime `--params` applied. */
  readonly params: Readonly<Record<string, unknown>>;
  /** The `--params` given for this run. */
  readonly runtimeParams: Readonly<Record<string, unknown>>;
  /** The run this context serves. The same in the main process and in every worker of the run. */
  readonly runId: string;
  /** The registered pipeline the run takes its nodes from (`__default__` unless `--pipeline` named one). */
  readonly pipelineName: string;
  /**
   * Sends a message (structured-clone-safe data) to the run's main process, where every plugin's
   * `onRunMessage` hook receives it; in the main process it is delivered at once. A plugin's
   * instance in a worker uses it to report to its main-process instance (alert counts, say).
   */
  readonly post: (topic: string, message: unknown) => void;
  /**
   * Fires a hook that a plugin announces rather than Sluice's lifecycle (`afterDatasetValidated`,
   * or a spec of the plugin's own added with `addSpecs`), in the run's main process: from a worker
   * it travels like a `post` message, so its arguments must be structured-clone-safe. pytest's
   * `config.hook`, narrowed. Failing implementations are reported on stderr, never thrown; in the
   * main process the returned promise settles once they ran. Typed form: `announce` from
   * `sluice/plugin`.
   */
  readonly announce: (hookName: string, args: Readonly<Record<string, unknown>>) => void | Promise<void>;
  /**
   * Aborted when the run is cancelled (Ctrl-C, SIGTERM, an aborted `signal` run option). A plugin
   * doing slow work of its own (sending alerts, uploading) passes it on so that a cancelled run
   * stops at once. Outside a run it never aborts; in parallel workers neither: the parallel runner
   * terminates a cancelled run's busy workers after its grace period (`cancelGraceMs`).
   */
  readonly signal: AbortSignal;
  /**
   * Masks the project's secrets (credentials values in credential positions, see
   * `Redactor.fromCredentials`) and any credential position (`scheme://user:***@host`) in
   * `text`. A plugin passes everything it prints, logs, stores or sends through it.
   */
  readonly redact: (text: string) => string;
  /** The run's redactor, for values and errors as well as text; the same as `catalog.redactor`. */
  readonly redactor: Redactor;
}

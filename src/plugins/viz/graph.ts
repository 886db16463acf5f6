/**
 * The pipeline page's model: what `sluice viz` serves and `sluice viz build` embeds. Plain JSON
 * (no classes, no functions), shared by the server side and the page's bundle. Every string in it
 * is shown by the page as text, never parsed as markup.
 */

/** Where a node's function is defined, relative to the project folder. */
export interface SourceLocation {
  readonly file: string;
  readonly line: number;
  readonly column: number;
}

/** A parameter a node reads, with its value (parameters are configuration, not data). */
export interface VizParameter {
  readonly name: string;
  readonly value: unknown;
}

/** One step hook of a node, and where it was set (the step-hooks plugin's `DescribedStepHook`). */
export interface VizStepHook {
  /** The function's name or the `module#export` reference as written. */
  readonly hook: string;
  /** `node` (its option), `pipeline-default`, `yaml-node`, `yaml-tag` or `yaml-pipeline`. */
  readonly source: string;
  /** For hooks.yml: the entry naming it, `nodes.train_model`, `tags.critical`, `pipeline`. */
  readonly entry?: string | undefined;
  /** For hooks.yml: `conf/base/hooks.yml:4:3`, when known. */
  readonly location?: string | undefined;
}

/** A task node: one function of the pipeline. */
export interface VizNode {
  readonly kind: 'node';
  /** Unique across nodes and datasets: `node:<full name>`. */
  readonly id: string;
  readonly name: string;
  readonly shortName: string;
  /** `a.b` for a node of the nested namespace `b` in `a`; null outside namespaces. */
  readonly namespace: string | null;
  readonly functionName: string;
  readonly source: SourceLocation | null;
  readonly inputs: readonly string[];
  readonly outputs: readonly string[];
  readonly tags: readonly string[];
  readonly parameters: readonly VizParameter[];
  /**
   * `onSuccess`, `onFailure`, `onRetry`: the hooks a run would call for this node (from its options,
   * its pipeline's defaults and hooks.yml, by the step-hooks plugin's precedence), each with where
   * it was set. A kind that calls none is left out.
   */
  readonly stepHooks: Readonly<Record<string, readonly VizStepHook[]>>;
  /** The retry policy in words (`2 retries, 500 ms exponential`), or null for none. */
  readonly retries: string | null;
  /** The registered pipelines this node belongs to. */
  readonly pipelines: readonly string[];
}

/** A dataset or a parameter dataset (`params:x`), as the flowchart shows it. */
export interface VizDataset {
  readonly kind: 'dataset' | 'parameters';
  /** `dataset:<name>`. */
  readonly id: string;
  readonly name: string;
  /**
   * The innermost namespace holding every node that writes or reads it; null when one is outside
   * any namespace, or when nothing writes it or nothing reads it (a pipeline's inputs and outputs).
   */
  readonly namespace: string | null;
  /** The catalog type (`csv`, `parquet`, `memory`...). */
  readonly type: string;
  /** The layer from the catalog entry's `metadata.layer` (Kedro's `raw`, `primary`...), or null. */
  readonly layer: string | null;
  /** The catalog's description with credentials redacted (filepath, versioned, options). */
  readonly description: Readonly<Record<string, unknown>>;
  /** A parameter dataset's value; undefined for datasets. */
  readonly value?: unknown;
  readonly pipelines: readonly string[];
}

/** One arrow, in data-flow direction: dataset → node (input) or node → dataset (output). */
export interface VizEdge {
  readonly source: string;
  readonly target: string;
}

/** Everything the page draws. */
export interface VizGraph {
  readonly projectName: string;
  /** Registered pipelines, the default one first, each with the ids of its nodes. */
  readonly pipelines: readonly { readonly name: string; readonly nodeIds: readonly string[] }[];
  readonly nodes: readonly VizNode[];
  readonly datasets: readonly VizDataset[];
  readonly edges: readonly VizEdge[];
  /** The layers in data-flow order (the order the catalog's datasets first name them). */
  readonly layers: readonly string[];
}

/** A node's status as the page shows it. */
export type NodeStatus = 'queued' | 'running' | 'done' | 'failed' | 'skipped';

/** What the page knows about one node in one run. */
export interface NodeRunState {
  readonly status: NodeStatus;
  readonly durationMs?: number | undefined;
  readonly attempts?: number | undefined;
  /** The error's first line, credentials redacted; or the reason a node was skipped. */
  readonly message?: string | undefined;
}

/** A run as the page lists it: live, or from the run store. */
export interface VizRunSummary {
  readonly runId: string;
  readonly pipelineName: string;
  /** The run store's statuses: `interrupted` when the run's process died mid-run. */
  readonly status: 'running' | 'success' | 'failed' | 'cancelled' | 'interrupted';
  readonly startedAt: string;
  readonly durationMs?: number | undefined;
}

/** A run with the state of each node. */
export interface VizRun extends VizRunSummary {
  readonly nodes: Readonly<Record<string, NodeRunState>>;
  /** Per dataset: the versions saved and stats recorded in the run store. */
  readonly datasets?: Readonly<Record<string, Readonly<Record<string, unknown>>>> | undefined;
  readonly error?: string | undefined;
  /** Notes other plugins attached to a node or dataset id: target → label → text. */
  readonly annotations?: Readonly<Record<string, Readonly<Record<string, string>>>> | undefined;
}

/**
 * One event a run reports to an open `sluice viz`, and the page receives over server-sent events.
 * Another plugin can report its own annotations with `annotation` (see docs/viz.md).
 */
export type VizEvent =
  | {
      readonly type: 'runStarted';
      readonly runId: string;
      readonly pipelineName: string;
      readonly runner: string;
      readonly nodes: readonly string[];
      readonly startedAt: string;
    }
  | { readonly type: 'nodeStarted'; readonly runId: string; readonly node: string }
  | {
      readonly type: 'nodeRetried';
      readonly runId: string;
      readonly node: string;
      readonly attempt: number;
      readonly message: string;
    }
  | {
      readonly type: 'nodeEnded';
      readonly runId: string;
      readonly node: string;
      readonly status: 'done' | 'failed';
      readonly durationMs: number;
      readonly attempts: number;
      readonly message?: string | undefined;
    }
  | { readonly type: 'nodeSkipped'; readonly runId: string; readonly node: string; readonly reason: string }
  | {
      readonly type: 'runEnded';
      readonly runId: string;
      readonly status: 'success' | 'failed';
      readonly durationMs: number;
      readonly skipped: readonly string[];
      readonly message?: string | undefined;
    }
  | {
      readonly type: 'annotation';
      readonly runId: string;
      readonly target: string;
      readonly label: string;
      readonly text: string;
    };

/** What the page starts from: the graph, the runs known so far, and whether updates stream in. */
export interface VizPageData {
  readonly graph: VizGraph;
  readonly runs: readonly VizRunSummary[];
  /** The run shown first (the latest), with its node states; null when there are none. */
  readonly run: VizRun | null;
  /** True when served by `sluice viz` (live updates, run history); false in a static export. */
  readonly live: boolean;
  /** Node positions computed ahead for the default view, so that a large graph shows at once. */
  readonly layout: unknown;
}

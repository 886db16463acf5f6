import type { NodeProgress, RunProgress } from './state.ts';

/** How a display shows a run; the plugin turns hook calls into these. */
export interface ProgressRenderer {
  runStarted(run: RunProgress): void;
  nodeStarted(run: RunProgress, entry: NodeProgress): void;
  /** The node is `done` or `failed`. */
  nodeEnded(run: RunProgress, entry: NodeProgress): void;
  /** `skipped`: every skipped node, in run order. */
  runEnded(run: RunProgress, skipped: readonly NodeProgress[]): void;
  /** The run failed before its first node: no node lines and no summary table, only cleanup. */
  runAbandoned(run: RunProgress): void;
}

/** What every renderer is given. */
export interface RendererSettings {
  readonly write: (text: string) => void;
  readonly color: boolean;
  readonly summary: boolean;
  readonly now: () => number;
}

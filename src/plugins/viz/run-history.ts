import { existsSync } from 'node:fs';
import type { RunDetail, RunStore, RunSummary } from '../../plugin-api/index.ts';
import { openRunStore, runStorePath } from '../../plugin-api/index.ts';
import type { NodeRunState, VizRun, VizRunSummary } from './graph.ts';

/**
 * Past runs for the page, read from the project's run store (`.sluice/runs.db`, written by the
 * tracking plugin). The one place that knows the store: everything else asks this module.
 */
export interface RunHistory {
  /** Every recorded run, newest first; none when the project has no run store yet. */
  list(): Promise<readonly VizRunSummary[]>;
  /** A run by id or unique id prefix, with its node states; undefined when unknown. */
  get(idOrPrefix: string): Promise<VizRun | undefined>;
  close(): void;
}

const NODE_STATUS: Record<string, NodeRunState['status']> = {
  running: 'running',
  success: 'done',
  failed: 'failed',
  skipped: 'skipped',
  interrupted: 'failed',
};

/**
 * The project's run history. The store is opened on first use and only when its file exists:
 * looking at a project never creates one. Until then the page says "no runs yet".
 */
export async function openRunHistory(projectPath: string): Promise<RunHistory> {
  let store: RunStore | undefined;
  const opened = (): RunStore | undefined => {
    if (store === undefined && existsSync(runStorePath(projectPath))) store = openRunStore(projectPath);
    return store;
  };
  return {
    list: async () => (opened()?.listRuns() ?? []).map(summarize),
    get: async (idOrPrefix) => {
      const current = opened();
      if (current === undefined) return undefined;
      let detail: RunDetail;
      try {
        detail = current.getRun(idOrPrefix);
      } catch {
        return undefined; // unknown or ambiguous id
      }
      return toVizRun(detail);
    },
    close: () => {
      store?.close();
      store = undefined;
    },
  };
}

function summarize(run: RunSummary): VizRunSummary {
  return {
    runId: run.id,
    pipelineName: run.pipeline,
    status: run.status,
    startedAt: run.startedAt,
    durationMs: run.durationMs,
  };
}

/** A recorded run as the page shows it: node states, and per dataset what its saves recorded. */
export function toVizRun(detail: RunDetail): VizRun {
  const nodes: Record<string, NodeRunState> = {};
  for (const node of detail.nodes) {
    nodes[node.name] = {
      status: NODE_STATUS[node.status] ?? 'failed',
      durationMs: node.durationMs,
      attempts: node.attempts,
      message: node.status === 'interrupted' ? 'interrupted: its process died' : (node.error ?? node.reason),
    };
  }
  const datasets: Record<string, Record<string, unknown>> = {};
  for (const event of detail.datasets) {
    const entry = (datasets[event.dataset] ??= {});
    const prefix = event.operation === 'save' ? 'saved' : 'loaded';
    entry[`${prefix} by`] = event.node;
    if (event.version !== undefined) entry[`${prefix} version`] = event.version;
    if (event.rows !== undefined) entry.rows = event.rows;
    if (event.columns !== undefined) entry.columns = event.columns;
    if (event.bytes !== undefined) entry.bytes = event.bytes;
    if (event.schema !== undefined)
      entry.schema = event.schema.map((column) => `${column.name}: ${column.type}`);
  }
  for (const artifact of detail.artifacts) {
    const entry = (datasets[artifact.dataset] ??= {});
    if (artifact.path !== undefined) entry.file = artifact.path;
    if (artifact.version !== undefined) entry.version = artifact.version;
  }
  return { ...summarize(detail), nodes, datasets, error: detail.error };
}

import type { VizRun, VizRunSummary } from './graph.ts';

/**
 * Past runs for the page, read from the run store (issue 13). The one place that knows the
 * store: everything else asks this module.
 */
export interface RunHistory {
  list(): Promise<readonly VizRunSummary[]>;
  /** A run by id or unique id prefix, with its node states; undefined when unknown. */
  get(idOrPrefix: string): Promise<VizRun | undefined>;
  close(): void;
}

/**
 * The project's run history. The run store is being built on another branch; until it is
 * merged, a project has no history and the page says "no runs yet".
 */
export async function openRunHistory(_projectPath: string): Promise<RunHistory> {
  return {
    list: async () => [],
    get: async () => undefined,
    close: () => undefined,
  };
}

import type { SluiceHookManager } from '../hooks/sluice-manager.ts';
import type { DataCatalog } from '../io/catalog.ts';
import type { Pipeline } from '../pipeline/pipeline.ts';
import type { RunResult } from '../run-types/run-params.ts';
import type { RunOptions, Runner } from './runner.ts';
import { runInProcess } from './sequential-runner.ts';

/** Options of {@link AsyncRunner}. */
export interface AsyncRunnerOptions {
  /** How many nodes may be in flight at once. Default 8. */
  readonly concurrency?: number;
}

/**
 * Runs independent nodes concurrently in this process, for nodes that wait on I/O (HTTP, SQL,
 * object stores). CPU-bound nodes gain nothing here: use the parallel runner for them. Node and
 * dataset hooks of concurrent nodes interleave; each node's own events keep their order.
 */
export class AsyncRunner implements Runner {
  readonly name: string = 'async';
  readonly concurrency: number;

  constructor(options: AsyncRunnerOptions = {}) {
    const concurrency = options.concurrency ?? 8;
    if (!Number.isInteger(concurrency) || concurrency < 1) {
      throw new RangeError(
        `AsyncRunner concurrency must be a whole number of at least 1, got ${concurrency}.`,
      );
    }
    this.concurrency = concurrency;
  }

  async run(
    pipeline: Pipeline,
    catalog: DataCatalog,
    hooks: SluiceHookManager,
    options: RunOptions,
  ): Promise<RunResult> {
    return runInProcess(pipeline, catalog, hooks, options, this.concurrency);
  }
}

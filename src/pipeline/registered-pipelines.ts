import type { Pipeline } from './pipeline.ts';

/**
 * A project's registered pipelines, as a plugin sees them before a run (`validatePipelineRun`):
 * their names, and each one built on demand, so that a plugin checking its configuration against
 * every pipeline of the project needn't load the project again.
 */
export interface RegisteredPipelines {
  /** Every registered name, `__default__` included. */
  readonly names: readonly string[];
  /** The pipeline registered under `name`, built on first use. */
  get(name: string): Promise<Pipeline>;
}

export type { RunParams, RunResult } from './run-params.ts';
export type { ProjectContext } from './context.ts';
export { runPipeline } from './run-pipeline.ts';

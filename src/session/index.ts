export type { RunParams, RunResult } from '../run-types/run-params.ts';
export { defaultRunParams } from '../run-types/run-params.ts';
export type { ProjectContext } from '../run-types/project-context.ts';
export { runPipeline } from './run-pipeline.ts';
export { Session, resumeCommandFor } from './session.ts';
export type { SessionOptions, SessionRunOptions, RunReport } from './session.ts';
export { RunNotStartedError, UnknownTagsError } from './errors.ts';
export { checkRun } from './check-run.ts';
export type { RunCheck } from './check-run.ts';
export type { UnsavedOutput } from './unsaved-outputs.ts';
export {
  defineConfig,
  findConfigFile,
  loadSettings,
  ProjectSettings,
  SettingsError,
  DEFAULT_PIPELINE,
} from '../project/settings.ts';
export type {
  SluiceConfig,
  PipelineSource,
  RunnerSettings,
  DistributedSettings,
} from '../project/settings.ts';
export { createProjectHooks, pluginProcess } from '../project/project-hooks.ts';
export type { PluginProcess, ProjectHooks } from '../project/project-hooks.ts';
export { buildCatalog } from '../project/build-catalog.ts';
export type { BuildCatalogOptions } from '../project/build-catalog.ts';
export { newRunId } from './run-id.ts';
export { SLUICE_VERSION } from '../version.ts';

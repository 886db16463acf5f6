/** The pipeline page: `sluice viz`, its live status reports, and the static export. */
export { vizPlugin, VIZ_PLUGIN_NAME, VIZ_ANNOTATION_TOPIC } from './plugin.ts';
export type { VizPluginOptions, VizAnnotation } from './plugin.ts';
export { startVizServer } from './server.ts';
export type { VizServer, VizServerOptions } from './server.ts';
export { describeGraph } from './describe-graph.ts';
export type { GraphSource } from './describe-graph.ts';
export { FunctionLocator } from './function-source.ts';
export { buildStaticPage } from './static-page.ts';
export { openRunHistory } from './run-history.ts';
export type { RunHistory } from './run-history.ts';
export { readServerAddress, serverAddressFile } from './server-address.ts';
export type { ServerAddress } from './server-address.ts';
export { VizAssetsMissingError, VizServerError } from './errors.ts';
export type {
  NodeRunState,
  NodeStatus,
  SourceLocation,
  VizDataset,
  VizEdge,
  VizEvent,
  VizGraph,
  VizNode,
  VizPageData,
  VizParameter,
  VizRun,
  VizRunSummary,
  VizStepHook,
} from './graph.ts';

export { progressPlugin, PROGRESS_PLUGIN_NAME } from './plugin.ts';
export type { ProgressOptions, ProgressMode } from './plugin.ts';
export { formatSummary } from './format.ts';
export type { FormatSummaryOptions, ProgressStatus, SummaryRow } from './format.ts';
export { failedNodesPlugin, FAILED_NODES_PLUGIN_NAME } from './failed-nodes.ts';

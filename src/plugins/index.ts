/** Built-in plugins, each built on the public hook API only. */
export { progressPlugin, PROGRESS_PLUGIN_NAME, formatSummary } from './progress/index.ts';
export type {
  ProgressOptions,
  ProgressMode,
  FormatSummaryOptions,
  ProgressStatus,
  SummaryRow,
} from './progress/index.ts';

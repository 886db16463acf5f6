export { incrementalPlugin, INCREMENTAL_PLUGIN_NAME, INCREMENTAL_DECISION_TOPIC } from './plugin.ts';
export type { IncrementalOptions, IncrementalDecision } from './plugin.ts';
export { INCREMENTAL_STATE_FOLDER } from './state-store.ts';

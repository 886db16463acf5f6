import type { PluginRecordInput } from './run-store.ts';

/** The `context.post` topic on which plugins send records for the run store. */
export const RUN_RECORD_TOPIC = 'sluice:run-record';

/**
 * Adds a plugin's record to the current run, from any process (main, worker thread, distributed
 * worker): it travels as a run message to the tracking plugin, which stores it with the run's
 * other writes. `post` is the `context.post` of the plugin's `afterContextCreated`. Does nothing
 * when tracking is off. Read them back with `RunStore.records(runId, { plugin, kind })`.
 */
export function postRunRecord(
  post: (topic: string, message: unknown) => void,
  record: PluginRecordInput,
): void {
  post(RUN_RECORD_TOPIC, record);
}

/** True for a message sent by {@link postRunRecord}. */
export function isRunRecord(message: unknown): message is PluginRecordInput {
  if (typeof message !== 'object' || message === null) return false;
  const { plugin, kind } = message as Partial<PluginRecordInput>;
  return typeof plugin === 'string' && typeof kind === 'string';
}

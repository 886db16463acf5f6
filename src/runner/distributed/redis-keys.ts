/**
 * Sluice's own Redis keys (BullMQ keeps its queue under `sluice:<queue>:...`). A run's keys carry
 * its id, so several runs on one Redis stay apart, and all expire.
 */
export const KEY_PREFIX = 'sluice';

/** A key of one run: `sluice:run:<runId>:<part>:...`. */
export function runKey(runId: string, ...parts: string[]): string {
  return [KEY_PREFIX, 'run', runId, ...parts].join(':');
}

/** A key of one queue's workers: `sluice:workers:<queue>[:<workerId>]`. */
export function workersKey(queue: string, workerId?: string): string {
  return workerId === undefined
    ? `${KEY_PREFIX}:workers:${queue}`
    : `${KEY_PREFIX}:workers:${queue}:${workerId}`;
}

/** The pub/sub channel on which coordinators announce a cancelled run's id to a queue's workers. */
export function cancelChannel(queue: string): string {
  return `${KEY_PREFIX}:cancel:${queue}`;
}

import { hostname } from 'node:os';

/**
 * Where a node ran, as the node lifecycle hooks' `worker` argument names it. Each runner computes
 * its name once (per process, thread or slot) and hands the same string to every `runNode` call,
 * so naming the place costs nothing per node.
 */

/** Nodes run by the process that called `runNode` itself: the sequential and async runners, the parallel runner's main-thread lane. */
export const MAIN_WORKER = 'main';

/** A parallel-runner worker thread, by its `threadId`: `thread 2`. */
export function threadWorker(threadId: number): string {
  return `thread ${threadId}`;
}

/** One concurrent slot of a distributed worker process: `build-7:41822/slot 1`. */
export function distributedWorker(slot: number, host = hostname(), pid = process.pid): string {
  return `${host}:${pid}/slot ${slot}`;
}

import type { RelayedEvent, SerializedError } from '../relay.ts';
import type { ProjectReference } from '../runner.ts';

/** What a worker is started with (`workerData`). */
export interface WorkerSetup {
  readonly project: ProjectReference;
  readonly runId: string;
  readonly saveVersion: string;
  readonly isAsync: boolean;
  /** Relay node and dataset events to the main process (some plugin there asked for them). */
  readonly relay: boolean;
}

/** Main → worker. */
export type ToWorker =
  | {
      readonly type: 'run';
      readonly nodeName: string;
      /** The node's ephemeral inputs (memory datasets), copied from the main process. */
      readonly inputs: Readonly<Record<string, unknown>>;
    }
  | { readonly type: 'stop' };

/** Worker → main. Messages from one worker arrive in order, so relayed events precede `done`. */
export type FromWorker =
  | { readonly type: 'ready' }
  | { readonly type: 'setup-failed'; readonly error: SerializedError }
  /** The worker has the node: if it dies from here on, the node failed (before, it never ran). */
  | { readonly type: 'started'; readonly nodeName: string }
  | { readonly type: 'event'; readonly event: RelayedEvent }
  | { readonly type: 'run-message'; readonly topic: string; readonly message: unknown }
  | {
      readonly type: 'done';
      readonly nodeName: string;
      /** The node's ephemeral outputs, to be saved into the main process's memory datasets. */
      readonly outputs: Readonly<Record<string, unknown>>;
      /** Set when a `nodeSkip` plugin skipped the node: the reason it gave. */
      readonly skipped?: string;
    }
  | { readonly type: 'failed'; readonly nodeName: string; readonly error: SerializedError };

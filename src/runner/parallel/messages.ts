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
      /**
       * The node's ephemeral inputs (memory datasets) this worker doesn't hold, copied from the
       * main process.
       */
      readonly inputs: Readonly<Record<string, unknown>>;
      /** Ephemeral outputs that later nodes read: the worker keeps them, sending back only their size. */
      readonly keep: readonly string[];
      /**
       * The node's persisted inputs whose load this worker shares (`SharedLoads`), each with
       * whether more readers of it come after this node (then the worker keeps the value).
       */
      readonly share: Readonly<Record<string, boolean>>;
    }
  /** Send these kept values to the main process (a node elsewhere needs them): `values` answers. */
  | { readonly type: 'fetch'; readonly id: number; readonly names: readonly string[] }
  /** No node needs these kept values any more. */
  | { readonly type: 'release'; readonly names: readonly string[] }
  /** No more readers of these shared loads will come to this worker (`SharedLoads.noneLater`). */
  | { readonly type: 'unshare'; readonly names: readonly string[] }
  /** Another thread saved these datasets: shared loads of what they overwrote are stale. */
  | { readonly type: 'saved'; readonly names: readonly string[] }
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
      /** The node's ephemeral outputs not kept, to be saved into the main process's memory datasets. */
      readonly outputs: Readonly<Record<string, unknown>>;
      /** Outputs the worker kept (asked for in `keep`), with their size in elements (`sizeOf`). */
      readonly kept: Readonly<Record<string, number>>;
      /** The persisted datasets whose shared load the worker holds now, for later readers. */
      readonly sharing: readonly string[];
      /** Set when a `nodeSkip` plugin skipped the node: the reason it gave. */
      readonly skipped?: string;
    }
  | { readonly type: 'failed'; readonly nodeName: string; readonly error: SerializedError }
  | {
      readonly type: 'values';
      readonly id: number;
      readonly values: Readonly<Record<string, unknown>>;
      /** Set when a value asked for was not there. */
      readonly error?: SerializedError;
    };

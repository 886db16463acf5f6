import type { ProjectReference } from '../../project/project-reference.ts';
import type { RunParams } from '../../run-types/run-params.ts';
import type { RelayedEvent, SerializedError } from '../relay.ts';
import type { NodeResume } from '../run-node.ts';
import type { ExchangeStore } from './exchange-store.ts';

/** One node of one run, as a job on the queue: names and plain data only. */
export interface NodeJob {
  readonly runId: string;
  readonly nodeName: string;
  /** The coordinator's project fingerprint: a worker whose copy differs refuses the job. */
  readonly fingerprint: string;
  /** How to open the project; a worker replaces `projectPath` with its own copy's. */
  readonly project: ProjectReference;
  readonly saveVersion: string;
  readonly isAsync: boolean;
  /** Relay node and dataset events back (some `process: 'main'` plugin asked for them). */
  readonly relay: boolean;
  /** The run's parameters, for a worker that reports the run's failure when its coordinator is lost. */
  readonly runParams?: RunParams | undefined;
  /**
   * Set on a job handed back for a retry: the node started already (its `onNodeStart` fired), and
   * this delivery runs its attempt `resume.attempt`.
   */
  readonly resume?: NodeResume | undefined;
}

/** A due retry a worker handed back: the job goes back on the queue for `delayMs`, with `resume`. */
export interface RetryHandBack {
  readonly resume: NodeResume;
  readonly delayMs: number;
}

/**
 * Worker → coordinator, on the run's channel. Messages about one node arrive in the order its
 * worker sent them, so relayed events precede `done` or `failed`.
 */
export type RunMessage =
  | { readonly type: 'event'; readonly event: RelayedEvent }
  | { readonly type: 'run-message'; readonly topic: string; readonly message: unknown }
  /**
   * An attempt failed and the node's job went back on the queue for its retry (`onNodeRetry`
   * fired): the node is neither done nor failed, and holds no worker slot until the retry is due.
   */
  | {
      readonly type: 'retrying';
      readonly nodeName: string;
      readonly attempt: number;
      readonly delayMs: number;
    }
  /** The node ran (or a `nodeSkip` plugin skipped it, `skipped` being its reason); its in-memory outputs are in the exchange. */
  | { readonly type: 'done'; readonly nodeName: string; readonly skipped?: string }
  | { readonly type: 'failed'; readonly nodeName: string; readonly error: SerializedError };

/** A job taken back from the queue before a worker ran it. */
export interface WithdrawnJob {
  /** Set when the job waited for a retry: the node had started. */
  readonly resume?: NodeResume | undefined;
}

/** The live workers of a queue. */
export interface WorkerCapacity {
  readonly alive: number;
  /** The sum of their `--concurrency`. */
  readonly slots: number;
}

/** The coordinator's side of one run. */
export interface RunChannel {
  /** Puts a node job on the queue. */
  enqueue(job: NodeJob): Promise<void>;
  /**
   * Takes back a job no worker has taken yet: undefined when one already has it (or it is gone).
   * A job waiting for a retry (its node started) is taken back only with `includeRetries` (the
   * run was cancelled); the answer then holds where the node was (`resume`).
   */
  withdraw(nodeName: string, includeRetries: boolean): Promise<WithdrawnJob | undefined>;
  /** The workers that answered their heartbeat lately, and how many nodes they run at once in all. */
  workers(): Promise<WorkerCapacity>;
  /** Tells the workers running the run's nodes that it was cancelled (their nodes' `signal` aborts). */
  cancel(): Promise<void>;
  /**
   * Claims the run's outcome as the run ends, before its pipeline hooks: resolves to undefined
   * once claimed (no worker may report the run lost after that), or to the id of the worker that
   * already reported it lost (this coordinator stalled, or was cut off from Redis, longer than its
   * heartbeat lives), so that `onPipelineError` fired there and must not fire a second time here.
   */
  claimOutcome(): Promise<string | undefined>;
  /** Stops receiving and removes the run's keys (messages, exchange values). */
  close(): Promise<void>;
}

/**
 * How a distributed run reaches its workers. The scheduling (`coordinateRun`) sees only this, so
 * it runs the same against BullMQ on Redis and against an in-process transport in tests.
 */
export interface CoordinatorTransport {
  /** The queue name, for messages. */
  readonly queue: string;
  readonly exchange: ExchangeStore;
  /** Opens the run's channel; `receive` gets every message of the run, in order. */
  openRun(runId: string, receive: (message: RunMessage) => void): Promise<RunChannel>;
}

/**
 * A job's way back to its run (the BullMQ transport gives every job of a run in one worker process
 * the same one). Messages and exchange writes leave in the order they were made, batched: whatever
 * a node sends within one turn of the event loop goes out in one Redis transaction, so a node
 * costs a few round trips however many hook events it relays.
 */
export interface JobReply {
  /** Sends a message to the run; settles once it, and everything queued before it, reached the run. */
  send(message: RunMessage): Promise<void>;
  /**
   * The run's exchange as this job sees it: a value is checked (serialisable, within the limit)
   * when saved, and written with the job's next batch, before the `done` that announces it.
   */
  readonly exchange: ExchangeStore;
}

/**
 * What a worker does with one job. `signal` is the run's cancellation as this worker hears of it:
 * it aborts when the coordinator cancels the run (SIGINT, SIGTERM). It resolves to a
 * `RetryHandBack` when the node's attempt failed and its retry is due later: the transport puts
 * the job back on the queue (delayed, with `resume`) instead of completing it.
 */
export type NodeJobHandler = (
  job: NodeJob,
  reply: JobReply,
  signal: AbortSignal,
  delivery?: NodeDelivery,
) => Promise<RetryHandBack | undefined>;

/** How a job reached this worker. */
export interface NodeDelivery {
  /** An earlier delivery of this job was lost with its worker (the queue handed the job on). */
  readonly redelivered: boolean;
}

/** The worker's side: takes jobs from the queue and announces itself while it does. */
export interface WorkerTransport {
  readonly queue: string;
  readonly exchange: ExchangeStore;
  /**
   * Starts taking jobs, at most `concurrency` at once. While it does, it watches the coordinators
   * of the runs it served: when one stops renewing its heartbeat mid-run, exactly one worker (by a
   * Redis lock) calls `onCoordinatorLost` with a job of that run, and the run's queued jobs are
   * removed.
   */
  consume(
    handler: NodeJobHandler,
    concurrency: number,
    onCoordinatorLost?: (job: NodeJob) => Promise<void>,
  ): Promise<void>;
  /** Stops taking jobs, lets the running ones finish, and disconnects. */
  close(): Promise<void>;
}

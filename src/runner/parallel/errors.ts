import { SluiceError } from '../../errors.ts';

/**
 * The parallel runner can't run here or lost a worker thread: no project reference, a worker
 * failed to start, died mid-node, or was terminated after a cancellation's grace period.
 */
export class ParallelRunnerError extends SluiceError {}

/**
 * A worker thread died after it was handed a node but before it said it had started it, so the
 * node never ran: the runner gives the node to another worker instead of failing it.
 */
export class NodeNotStartedError extends ParallelRunnerError {}

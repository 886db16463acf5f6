export { runNode } from './run-node.ts';
export type { NodeRunContext } from './run-node.ts';
export { SharedLoads } from './shared-loads.ts';
export type { Runner, RunOptions, RunState, RunWarmUp } from './runner.ts';
export { newRunState } from './runner.ts';
export { SequentialRunner } from './sequential-runner.ts';
export { AsyncRunner } from './async-runner.ts';
export type { AsyncRunnerOptions } from './async-runner.ts';
export {
  RunCancelledError,
  MissingInputsError,
  InputOverrideError,
  NodeFailuresError,
  PluginHookError,
} from './errors.ts';
export { findMissingInputs } from './missing-inputs.ts';
export type { MissingInput } from './missing-inputs.ts';
export type { NodeFailure } from './errors.ts';
export { resumeFromNodes, resumeCommand } from './resume.ts';
export { nodesWithMissingOutputs } from './missing-outputs.ts';
export { ParallelRunner, ParallelRunnerError } from './parallel/parallel-runner.ts';
export type { ParallelRunnerOptions } from './parallel/parallel-runner.ts';
export type { NodePlacementReason, ParallelTraceEvent } from './parallel/trace.ts';
export type { ProjectReference } from './runner.ts';
export { RelayedData, isRelayed } from './relay.ts';
export type { RelayedEvent } from './relay.ts';
export { DistributedRunner } from './distributed/distributed-runner.ts';
export type { DistributedRunnerOptions } from './distributed/distributed-runner.ts';
export {
  DistributedRunnerError,
  RedisUnreachableError,
  NoWorkerError,
  ProjectMismatchError,
  CoordinatorLostError,
  RedisLostError,
  ExchangeValueTooLargeError,
  ExchangeValueNotSerializableError,
} from './distributed/errors.ts';
export type { ExchangeStore } from './distributed/exchange-store.ts';
export type {
  CoordinatorTransport,
  WorkerTransport,
  RunChannel,
  RunMessage,
  NodeJob,
  NodeJobHandler,
  JobReply,
} from './distributed/transport.ts';

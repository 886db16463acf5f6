/**
 * The pipeline model: `node()`, `Pipeline` with Kedro's filters and set operations, and the
 * modular `pipeline()` factory with namespaces and remapping.
 */
export { node, Node } from './node.ts';
export type { AnyNodeFunction, NodeChanges } from './node.ts';
export type { NodeBehaviour, NodeBehaviourName, NodeOptions } from './options.ts';
export type {
  StepFailureContext,
  StepHook,
  StepHookContext,
  StepHookReference,
  StepHooks,
  StepRetryContext,
  StepSuccessContext,
} from './step-hook.ts';
export type {
  ArgumentsFor,
  Awaitable,
  CheckArity,
  DatasetValues,
  DatasetWiring,
  NodeFunction,
  ResultFor,
  WiringMismatch,
} from './wiring.ts';
export { Pipeline } from './pipeline.ts';
export type { EdgeJSON, NodeJSON, PipelineFilter, PipelineJSON } from './pipeline.ts';
export { pipeline } from './modular-pipeline.ts';
export type { ModularPipelineOptions, NameMapping } from './modular-pipeline.ts';
export { TRANSCODING_SEPARATOR, isTranscoded, splitTranscoding, stripTranscoding } from './transcoding.ts';
export { compareCodePoints } from './ordering.ts';
export {
  CircularDependencyError,
  DuplicateNodeNameError,
  EmptyPipelineError,
  NodeDefinitionError,
  NodeInputError,
  NodeOutputError,
  OutputNotUniqueError,
  PipelineError,
  TranscodingError,
  UnknownDatasetError,
  UnknownNamespaceError,
  UnknownNodeError,
} from './errors.ts';
export type { RetryPolicy } from './retry-policy.ts';
export { retryDelay, isRetryable } from './retry-policy.ts';

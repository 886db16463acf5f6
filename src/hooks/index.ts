export { HookManager } from './manager.ts';
export type { HookCallers } from './manager.ts';
export { HookCaller } from './hook-caller.ts';
export type { ImplementationInfo } from './hook-caller.ts';
export { NO_RESULTS, resultSources } from './results.ts';
export { hookFailureSource } from './failure-source.ts';
export type { HookFailureSource } from './failure-source.ts';
export type { HookSpecDefinition } from './spec-definition.ts';
export type {
  HookArgs,
  HookCallResult,
  HookHandler,
  HookImplementation,
  HookName,
  HookReturn,
  ImplementationOrder,
  NoUnknownHooks,
  PluginOf,
  ObjectFormHandler,
  WrapperHandler,
} from './plugin.ts';
export type { HookMonitor, HookCallStart, HookCallEnd, HookImplementationTiming } from './monitor.ts';
export { HookTracer } from './trace.ts';
export type { HookCallRecord, HookProfileRow } from './trace.ts';
export { HookRegistrationError, HookCallError } from './errors.ts';
export { destructuredArgumentNames } from './argument-names.ts';
export { discoverPlugins, PluginDiscoveryError } from './discovery.ts';
export type { DiscoveredPlugin, DiscoveryResult } from './discovery.ts';
export type {
  HookSpecs,
  FirstResultHookSpecs,
  InputOverrides,
  ProjectMetadata,
  WorkerName,
} from './specs.ts';
export { SLUICE_HOOK_SPECS } from './specs.ts';
export { createHookManager, definePlugin } from './sluice-manager.ts';
export type { SluiceHookManager, SluicePlugin, FirstResultHookName } from './sluice-manager.ts';

/**
 * Sluice's public API. Everything a user or plugin author imports comes from here; each domain
 * folder keeps its own barrel so that the list below stays short.
 */
export { SluiceError } from './errors.ts';
export * from './hooks/index.ts';
export * from './pipeline/index.ts';
export * from './io/index.ts';
export * from './config/index.ts';
export * from './runner/index.ts';
export * from './session/index.ts';
export type { MaybePromise } from './maybe-promise.ts';
export { isPromiseLike } from './maybe-promise.ts';
export * from './plugins/index.ts';
export * from './secrets/index.ts';

/**
 * One registered implementation, normalised from whichever form the plugin used (a bare
 * function, `{ handler, tryfirst }`, or `{ wrapper: true, handler }`).
 */
export interface HookImpl {
  readonly pluginName: string;
  readonly plugin: object;
  readonly hookName: string;
  /** The handler, bound to its plugin so class plugins keep `this`. Wrappers take `(args, next)`. */
  readonly fn: (args: any, next?: () => unknown) => unknown;
  readonly wrapper: boolean;
  readonly tryfirst: boolean;
  readonly trylast: boolean;
  readonly before: readonly string[];
  readonly after: readonly string[];
  /** Registration sequence: pluggy's ordering rules are defined in terms of it. */
  readonly sequence: number;
}

/** The options the object form accepts, besides `handler`. */
export const IMPLEMENTATION_OPTIONS = [
  'handler',
  'wrapper',
  'tryfirst',
  'trylast',
  'before',
  'after',
] as const;

/**
 * Observes hook calls (pluggy's `add_hookcall_monitoring`, with timing). Monitors see the
 * arguments object by reference; tracing built on them records names and durations only.
 */
export interface HookMonitor {
  /** Before a hook call, with the plugins about to run in call order. */
  before?(event: HookCallStart): void;
  /** After a hook call settles (after its promise, for async calls). */
  after?(event: HookCallEnd): void;
  /**
   * Per-implementation timings. Asking for them makes every call slower (each implementation is
   * timed), so only tracing and profiling set it. A wrapper's time includes what it wraps.
   */
  implementation?(event: HookImplementationTiming): void;
}

export interface HookCallStart {
  readonly hookName: string;
  readonly pluginNames: readonly string[];
  readonly args: object;
}

export interface HookCallEnd extends HookCallStart {
  readonly durationMs: number;
  /** The call's result when it succeeded. */
  readonly result?: unknown;
  /** The error that escaped the call, if one did. */
  readonly error?: unknown;
  readonly failed: boolean;
}

export interface HookImplementationTiming {
  readonly hookName: string;
  readonly pluginName: string;
  readonly wrapper: boolean;
  readonly durationMs: number;
  readonly failed: boolean;
}

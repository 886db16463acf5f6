import type { HookImplementationTiming, HookMonitor } from './monitor.ts';

/** One traced hook call: names and timing only, never argument values (kedro #4504). */
export interface HookCallRecord {
  readonly hookName: string;
  readonly pluginNames: readonly string[];
  readonly durationMs: number;
  readonly failed: boolean;
}

/** One row of a run's hook time profile. */
export interface HookProfileRow {
  readonly hookName: string;
  /** The plugin, or `*` for the whole call including the manager's own overhead. */
  readonly pluginName: string;
  readonly calls: number;
  readonly totalMs: number;
  readonly meanMs: number;
  readonly maxMs: number;
  readonly failures: number;
}

/**
 * Records every hook call while active. `profile()` sums time per hook and per plugin, slowest
 * first, so that a slow plugin is easy to find. Stop it with `stop()`.
 */
export class HookTracer {
  readonly calls: HookCallRecord[] = [];
  readonly implementations: HookImplementationTiming[] = [];
  /** Removes the tracer's monitor from the manager. Set by `HookManager.trace()`. */
  stop: () => void = () => undefined;
  readonly monitor: HookMonitor;

  constructor(timeImplementations: boolean) {
    this.monitor = {
      after: ({ hookName, pluginNames, durationMs, failed }) => {
        this.calls.push({ hookName, pluginNames, durationMs, failed });
      },
      ...(timeImplementations
        ? { implementation: (timing: HookImplementationTiming) => void this.implementations.push(timing) }
        : {}),
    };
  }

  profile(): HookProfileRow[] {
    const rows = new Map<
      string,
      {
        hookName: string;
        pluginName: string;
        calls: number;
        totalMs: number;
        maxMs: number;
        failures: number;
      }
    >();
    const add = (hookName: string, pluginName: string, durationMs: number, failed: boolean) => {
      const key = `${hookName}\u0000${pluginName}`;
      let row = rows.get(key);
      if (row === undefined)
        rows.set(key, (row = { hookName, pluginName, calls: 0, totalMs: 0, maxMs: 0, failures: 0 }));
      row.calls++;
      row.totalMs += durationMs;
      row.maxMs = Math.max(row.maxMs, durationMs);
      if (failed) row.failures++;
    };
    for (const call of this.calls) add(call.hookName, '*', call.durationMs, call.failed);
    for (const timing of this.implementations)
      add(timing.hookName, timing.pluginName, timing.durationMs, timing.failed);
    return [...rows.values()]
      .map((row) => ({ ...row, meanMs: row.totalMs / row.calls }))
      .sort((a, b) => b.totalMs - a.totalMs);
  }

  /** The profile as an aligned text table, for logs and `--profile-hooks` style output. */
  formatProfile(): string {
    const rows = this.profile();
    const header = ['hook', 'plugin', 'calls', 'total ms', 'mean ms', 'max ms', 'failed'];
    const body = rows.map((row) => [
      row.hookName,
      row.pluginName,
      String(row.calls),
      row.totalMs.toFixed(3),
      row.meanMs.toFixed(4),
      row.maxMs.toFixed(3),
      String(row.failures),
    ]);
    const widths = header.map((title, column) =>
      Math.max(title.length, ...body.map((cells) => cells[column]!.length)),
    );
    const line = (cells: string[]) =>
      cells
        .map((cell, column) => (column < 2 ? cell.padEnd(widths[column]!) : cell.padStart(widths[column]!)))
        .join('  ');
    return [line(header), ...body.map(line)].join('\n');
  }
}

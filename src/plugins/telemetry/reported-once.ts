/**
 * Reports an exporter's trouble once per run: a collector that is down would otherwise print a
 * line per batch, per node or per metric. Later failures of the same exporter are counted and
 * summed up in `summary()`.
 */
export class ReportedOnce {
  readonly #log: (line: string) => void;
  readonly #redact: () => (text: string) => string;
  readonly #failures = new Map<string, number>();

  constructor(log: (line: string) => void, redact: () => (text: string) => string) {
    this.#log = log;
    this.#redact = redact;
  }

  /** Logs the first failure of `exporter`; counts the others. Never throws. */
  failure(exporter: string, target: string, error: unknown): void {
    const count = this.#failures.get(exporter) ?? 0;
    this.#failures.set(exporter, count + 1);
    if (count > 0) return;
    const reason = error instanceof Error ? error.message : String(error ?? 'unknown error');
    this.#log(
      this.#redact()(
        `sluice: telemetry: ${exporter} to ${target} failed (${reason}); the run goes on without it, and further failures are not reported.`,
      ),
    );
  }

  /** How many times each exporter failed in this run. */
  counts(): ReadonlyMap<string, number> {
    return this.#failures;
  }

  reset(): void {
    this.#failures.clear();
  }
}

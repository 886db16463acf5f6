import type { Colors } from './format.ts';
import { COLORS, formatSeconds, formatSummary, NO_COLORS, paintStatus, SYMBOLS } from './format.ts';
import type { ProgressRenderer, RendererSettings } from './renderer.ts';
import type { NodeProgress, RunProgress } from './state.ts';

/** The prefix of every plain line, for grepping logs. */
export const PLAIN_PREFIX = '[sluice]';

/**
 * One node event as a plain line, without the trailing newline:
 *
 * ```
 * [sluice] ▶ double
 * [sluice] ✓ double 0.12s
 * [sluice] ✗ shift 0.01s: shift failed on purpose
 * [sluice] - describe skipped
 * ```
 *
 * A node that failed before it started (one of its loads) has no duration: `[sluice] ✗ shift: …`.
 */
export function plainLine(entry: NodeProgress, colors: Colors): string {
  const prefix = colors.dim(PLAIN_PREFIX);
  const symbol = paintStatus(colors, entry.status, SYMBOLS[entry.status]);
  const seconds =
    entry.durationMs === undefined ? '' : ` ${colors.dim(`${formatSeconds(entry.durationMs)}s`)}`;
  switch (entry.status) {
    case 'running':
    case 'queued':
      return `${prefix} ${symbol} ${entry.name}`;
    case 'done':
      return `${prefix} ${symbol} ${entry.name}${seconds}`;
    case 'failed':
      return `${prefix} ${symbol} ${entry.name}${seconds}${entry.error === undefined ? '' : `: ${colors.red(entry.error)}`}`;
    case 'skipped':
      return `${prefix} ${symbol} ${entry.name} skipped${entry.reason === undefined ? '' : ` (${entry.reason})`}`;
  }
}

/** The line that opens a run: `[sluice] ○ 5 nodes queued (sequential runner)`. */
export function plainRunLine(run: RunProgress, colors: Colors): string {
  const count = run.nodes.length;
  return `${colors.dim(PLAIN_PREFIX)} ${colors.dim(SYMBOLS.queued)} ${count} ${count === 1 ? 'node' : 'nodes'} queued (${run.runner} runner)`;
}

/** Without a terminal: one line per event, then the summary table. */
export class PlainRenderer implements ProgressRenderer {
  readonly #settings: RendererSettings;
  readonly #colors: Colors;

  constructor(settings: RendererSettings) {
    this.#settings = settings;
    this.#colors = settings.color ? COLORS : NO_COLORS;
  }

  runStarted(run: RunProgress): void {
    this.#settings.write(`${plainRunLine(run, this.#colors)}\n`);
  }

  nodeStarted(_run: RunProgress, entry: NodeProgress): void {
    this.#settings.write(`${plainLine(entry, this.#colors)}\n`);
  }

  nodeEnded(_run: RunProgress, entry: NodeProgress): void {
    this.#settings.write(`${plainLine(entry, this.#colors)}\n`);
  }

  runAbandoned(): void {}

  runEnded(run: RunProgress, skipped: readonly NodeProgress[]): void {
    let text = '';
    // Nodes a plugin skipped were announced as it happened; the others only now.
    for (const entry of skipped)
      if (entry.reason === undefined) text += `${plainLine(entry, this.#colors)}\n`;
    if (this.#settings.summary) {
      const totalSeconds = run.elapsed(this.#settings.now()) / 1000;
      text += `${formatSummary(run.summaryRows(), {
        totalSeconds,
        concurrent: run.runner !== 'sequential',
        oneAtATime: run.ranOneAtATime,
        color: this.#settings.color,
      })}\n`;
    }
    if (text !== '') this.#settings.write(text);
  }
}

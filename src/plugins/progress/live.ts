import type { Colors, ProgressStatus } from './format.ts';
import { COLORS, formatSeconds, formatSummary, NO_COLORS, paintStatus, SYMBOLS } from './format.ts';
import { plainLine } from './plain.ts';
import type { ProgressRenderer, RendererSettings } from './renderer.ts';
import type { NodeProgress, RunProgress } from './state.ts';

/** The live block is redrawn at most this often (ms), and this often while nodes run. */
export const REFRESH_MS = 80;

const SPINNER = ['⠋', '⠙', '⠹', '⠸', '⠼', '⠴', '⠦', '⠧', '⠇', '⠏'] as const;
const NAME_WIDTH_CAP = 40;
const ESC = '\x1b[';

/** Settings of the live display beyond the common ones. */
export interface LiveSettings extends RendererSettings {
  /** How many node lines the block shows at most; more nodes show as counts. */
  readonly maxLines: number;
  /** The terminal's width, read at each frame (lines are cut to fit, so the block never wraps). */
  readonly columns: () => number | undefined;
}

/** A piece of a line: text and how to paint it. */
type Segment = readonly [text: string, paint?: (text: string) => string];

/**
 * On a terminal: a compact block redrawn in place (cursor up, clear line), one line per node with
 * its status symbol, name and seconds, under a header with the counts. Events redraw at once
 * unless the last frame is younger than {@link REFRESH_MS}; an unref'd timer draws whatever they
 * left pending and keeps running nodes' seconds moving. Failures are printed above the block, so
 * they stay in the scrollback. At the end the block gives way to the summary table.
 */
export class LiveRenderer implements ProgressRenderer {
  readonly #settings: LiveSettings;
  readonly #colors: Colors;
  #run: RunProgress | undefined;
  #timer: ReturnType<typeof setInterval> | undefined;
  /** Lines of the block on screen, below which the cursor sits. */
  #drawn = 0;
  #lastFrame = '';
  #lastDrawAt = -Infinity;

  constructor(settings: LiveSettings) {
    this.#settings = settings;
    this.#colors = settings.color ? COLORS : NO_COLORS;
  }

  runStarted(run: RunProgress): void {
    this.#stopTimer();
    this.#run = run;
    this.#drawn = 0;
    this.#lastFrame = '';
    const timer = setInterval(() => this.#draw(), REFRESH_MS);
    timer.unref();
    this.#timer = timer;
    this.#draw();
  }

  nodeStarted(): void {
    this.#drawSoon();
  }

  nodeEnded(_run: RunProgress, entry: NodeProgress): void {
    if (entry.status !== 'failed') {
      this.#drawSoon();
      return;
    }
    // Above the block, for good: erase it, print the failure, draw it again below.
    this.#settings.write(`${this.#erase()}${plainLine(entry, this.#colors)}\n`);
    this.#drawn = 0;
    this.#lastFrame = '';
    this.#draw();
  }

  runEnded(run: RunProgress): void {
    this.#stopTimer();
    if (this.#settings.summary) {
      const totalSeconds = run.elapsed(this.#settings.now()) / 1000;
      this.#settings.write(
        `${this.#erase()}${formatSummary(run.summaryRows(), {
          totalSeconds,
          concurrent: run.runner !== 'sequential',
          oneAtATime: run.ranOneAtATime,
          color: this.#settings.color,
        })}\n`,
      );
      this.#drawn = 0;
    } else {
      this.#draw();
    }
    this.#run = undefined;
  }

  runAbandoned(): void {
    this.#stopTimer();
    const erase = this.#erase();
    if (erase !== '') this.#settings.write(erase);
    this.#drawn = 0;
    this.#run = undefined;
  }

  /** Draws now, unless a frame went out less than REFRESH_MS ago: then the timer will. */
  #drawSoon(): void {
    if (this.#settings.now() - this.#lastDrawAt >= REFRESH_MS) this.#draw();
  }

  #draw(): void {
    const run = this.#run;
    if (run === undefined) return;
    const now = this.#settings.now();
    const lines = this.#frame(run, now);
    const frame = lines.join('\n');
    this.#lastDrawAt = now;
    if (frame === this.#lastFrame) return;
    let text = this.#drawn > 0 ? `${ESC}${this.#drawn}A\r` : '';
    for (const line of lines) text += `${ESC}2K${line}\n`;
    if (lines.length < this.#drawn) text += `${ESC}J`;
    this.#settings.write(text);
    this.#drawn = lines.length;
    this.#lastFrame = frame;
  }

  /** Moves up over the block and clears to the end of the screen. */
  #erase(): string {
    return this.#drawn > 0 ? `${ESC}${this.#drawn}A\r${ESC}J` : '';
  }

  #stopTimer(): void {
    if (this.#timer !== undefined) clearInterval(this.#timer);
    this.#timer = undefined;
  }

  /** The block's lines: the header, the visible nodes in run order, then counts of the hidden ones. */
  #frame(run: RunProgress, now: number): string[] {
    const colors = this.#colors;
    const width = this.#settings.columns();
    const visible = visibleNodes(run, this.#settings.maxLines);
    const nameWidth = Math.min(
      NAME_WIDTH_CAP,
      visible.reduce((max, entry) => Math.max(max, entry.name.length), 0),
    );
    const lines = [fit(this.#header(run, now), width)];
    for (const entry of visible) lines.push(fit(this.#nodeLine(entry, nameWidth, now), width));
    const hidden = run.nodes.length - visible.length;
    if (hidden > 0) {
      const shown: Record<ProgressStatus, number> = { queued: 0, running: 0, done: 0, failed: 0, skipped: 0 };
      for (const entry of visible) shown[entry.status]++;
      const parts = (['running', 'queued', 'done', 'failed', 'skipped'] as const)
        .filter((status) => run.counts[status] - shown[status] > 0)
        .map((status) => `${run.counts[status] - shown[status]} ${status}`);
      lines.push(fit([[`  … ${hidden} more: ${parts.join(', ')}`, colors.dim]], width));
    }
    return lines;
  }

  #header(run: RunProgress, now: number): Segment[] {
    const colors = this.#colors;
    const { counts } = run;
    const ended = run.endedAt !== undefined;
    const symbol: Segment = ended
      ? counts.failed > 0
        ? [SYMBOLS.failed, colors.red]
        : [SYMBOLS.done, colors.green]
      : [SPINNER[Math.floor(now / REFRESH_MS) % SPINNER.length]!, colors.cyan];
    const settled = counts.done + counts.failed + counts.skipped;
    const segments: Segment[] = [
      symbol,
      [` ${run.runner} run`, colors.bold],
      [` · ${settled}/${run.nodes.length} nodes · ${(run.elapsed(now) / 1000).toFixed(1)}s`],
    ];
    if (counts.running > 0) segments.push([` · ${counts.running} running`, colors.cyan]);
    if (counts.failed > 0) segments.push([` · ${counts.failed} failed`, colors.red]);
    return segments;
  }

  #nodeLine(entry: NodeProgress, nameWidth: number, now: number): Segment[] {
    const colors = this.#colors;
    const symbol =
      entry.status === 'running'
        ? SPINNER[Math.floor(now / REFRESH_MS) % SPINNER.length]!
        : SYMBOLS[entry.status];
    const segments: Segment[] = [
      ['  '],
      [symbol, (text) => paintStatus(colors, entry.status, text)],
      [` ${entry.name}`],
    ];
    const pad = ' '.repeat(Math.max(0, nameWidth - entry.name.length) + 2);
    switch (entry.status) {
      case 'running':
        segments.push([pad], [`${((now - (entry.startedAt ?? now)) / 1000).toFixed(1)}s`, colors.cyan]);
        break;
      case 'done':
        if (entry.durationMs !== undefined)
          segments.push([pad], [`${formatSeconds(entry.durationMs)}s`, colors.dim]);
        break;
      case 'failed':
        segments.push([pad]);
        if (entry.durationMs !== undefined)
          segments.push([`${formatSeconds(entry.durationMs)}s  `, colors.dim]);
        if (entry.error !== undefined) segments.push([entry.error, colors.red]);
        break;
      case 'skipped':
        segments.push(
          [pad],
          [entry.reason === undefined ? 'skipped' : `skipped (${entry.reason})`, colors.yellow],
        );
        break;
      case 'queued':
        break;
    }
    return segments;
  }
}

/**
 * The nodes the block shows, in run order: all of them when they fit; otherwise the running ones,
 * then the most recently finished, then the next queued, up to `maxLines`.
 */
export function visibleNodes(run: RunProgress, maxLines: number): NodeProgress[] {
  if (run.nodes.length <= maxLines) return run.nodes;
  const picked = new Set<NodeProgress>();
  for (const entry of run.running) {
    if (picked.size >= maxLines) break;
    picked.add(entry);
  }
  for (let i = run.finished.length - 1; i >= 0 && picked.size < maxLines; i--) picked.add(run.finished[i]!);
  for (let i = 0; i < run.nodes.length && picked.size < maxLines; i++) {
    const entry = run.nodes[i]!;
    if (entry.status === 'queued' || entry.status === 'skipped') picked.add(entry);
  }
  return [...picked].sort((a, b) => a.index - b.index);
}

/** Paints the segments, cut to `width - 1` visible characters so the line never wraps. */
function fit(segments: readonly Segment[], width: number | undefined): string {
  let room = width === undefined || width <= 0 ? Infinity : width - 1;
  let line = '';
  for (const [text, paint] of segments) {
    if (room <= 0) break;
    const cut = text.length > room ? `${text.slice(0, Math.max(0, room - 1))}…` : text;
    room -= cut.length;
    line += paint === undefined ? cut : paint(cut);
  }
  return line.trimEnd();
}

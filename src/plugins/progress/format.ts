import pc from 'picocolors';

/** Where a node stands in the progress display. */
export type ProgressStatus = 'queued' | 'running' | 'done' | 'failed' | 'skipped';

/** One row of the summary table. */
export interface SummaryRow {
  /** The node's full name (`namespace.name`). */
  readonly node: string;
  /** How long the node ran (`beforeNodeRun` to `afterNodeRun`/`onNodeError`); undefined if it never started. */
  readonly seconds?: number | undefined;
  readonly status: ProgressStatus;
  /** A few words after the status: why a plugin skipped the node ("up to date"). */
  readonly note?: string | undefined;
}

/** Options of {@link formatSummary}. */
export interface FormatSummaryOptions {
  /** The run's wall-clock time for the totals line. Default: the sum of the rows' seconds. */
  readonly totalSeconds?: number | undefined;
  /** Colour the header, the statuses and the totals with ANSI codes. Default false. */
  readonly color?: boolean | undefined;
}

export type Colors = ReturnType<typeof pc.createColors>;

/** The colourless formatter set, shared: `createColors(false)` returns identity formatters. */
export const NO_COLORS: Colors = pc.createColors(false);
export const COLORS: Colors = pc.createColors(true);

/** The symbol of each status in plain lines (running is `▶` there; the live view spins instead). */
export const SYMBOLS: Readonly<Record<ProgressStatus, string>> = {
  queued: '○',
  running: '▶',
  done: '✓',
  failed: '✗',
  skipped: '-',
};

/** Colours a status word or symbol. */
export function paintStatus(colors: Colors, status: ProgressStatus, text: string): string {
  switch (status) {
    case 'done':
      return colors.green(text);
    case 'failed':
      return colors.red(text);
    case 'running':
      return colors.cyan(text);
    case 'skipped':
      return colors.yellow(text);
    case 'queued':
      return colors.dim(text);
  }
}

/** Seconds with two decimals, from milliseconds: `123.4` → `0.12`. */
export function formatSeconds(ms: number): string {
  return (Math.max(0, ms) / 1000).toFixed(2);
}

/** The first line of an error's message (its name when the message is empty). */
export function firstLine(error: Error): string {
  const line = String(error.message ?? '')
    .split('\n', 1)[0]!
    .trim();
  return line === '' ? error.name : line;
}

const STATUS_ORDER: readonly ProgressStatus[] = ['done', 'failed', 'skipped', 'running', 'queued'];

/**
 * The summary table printed when a run ends: one row per node (node, seconds, status) with aligned
 * columns, then a totals line such as `5 nodes: 4 done, 1 failed, 0 skipped in 1.23s`. Nodes that
 * never started show `-` for seconds. Pure: the same rows give the same text. No trailing newline.
 */
export function formatSummary(rows: readonly SummaryRow[], options: FormatSummaryOptions = {}): string {
  const colors = options.color === true ? COLORS : NO_COLORS;
  const seconds = rows.map((row) => (row.seconds === undefined ? '-' : row.seconds.toFixed(2)));
  const nodeWidth = rows.reduce((width, row) => Math.max(width, row.node.length), 'node'.length);
  const secondsWidth = seconds.reduce((width, cell) => Math.max(width, cell.length), 'seconds'.length);
  const lines = [colors.bold(`${'node'.padEnd(nodeWidth)}  ${'seconds'.padStart(secondsWidth)}  status`)];
  const counts: Record<ProgressStatus, number> = { queued: 0, running: 0, done: 0, failed: 0, skipped: 0 };
  rows.forEach((row, index) => {
    counts[row.status]++;
    lines.push(
      `${row.node.padEnd(nodeWidth)}  ${seconds[index]!.padStart(secondsWidth)}  ${paintStatus(colors, row.status, row.status)}${row.note === undefined ? '' : ` (${row.note})`}`,
    );
  });
  const total = options.totalSeconds ?? rows.reduce((sum, row) => sum + (row.seconds ?? 0), 0);
  const parts = STATUS_ORDER.filter(
    (status) => counts[status] > 0 || status === 'done' || status === 'failed' || status === 'skipped',
  ).map((status) => {
    const text = `${counts[status]} ${status}`;
    return counts[status] > 0 && status !== 'done' ? paintStatus(colors, status, text) : text;
  });
  lines.push(
    `${rows.length} ${rows.length === 1 ? 'node' : 'nodes'}: ${parts.join(', ')} in ${total.toFixed(2)}s`,
  );
  return lines.join('\n');
}

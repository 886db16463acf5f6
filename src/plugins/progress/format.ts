import pc from 'picocolors';

/** Where a node stands in the progress display. */
export type ProgressStatus = 'queued' | 'running' | 'done' | 'failed' | 'skipped';

/** One row of the summary table. */
export interface SummaryRow {
  /** The node's full name (`namespace.name`). */
  readonly node: string;
  /** How long the node's function ran (`beforeNodeRun` to `afterNodeRun`/`onNodeError`); undefined if it never started. */
  readonly seconds?: number | undefined;
  /** The time its inputs took to load (the datasets' `load()` calls, summed). */
  readonly loadSeconds?: number | undefined;
  /** The time its outputs took to save (the datasets' `save()` calls, summed). */
  readonly saveSeconds?: number | undefined;
  /** The node from `onNodeStart` to `onNodeEnd`: loads, function, saves, hooks and retries. */
  readonly totalSeconds?: number | undefined;
  /** Where each output went (a file path, a table, `memory`), in declared order. */
  readonly writtenTo?: readonly string[] | undefined;
  readonly status: ProgressStatus;
  /** A few words after the status: why a plugin skipped the node ("up to date"). */
  readonly note?: string | undefined;
}

/** Options of {@link formatSummary}. */
export interface FormatSummaryOptions {
  /** The run's wall-clock time for the totals line. Default: the sum of the rows' seconds. */
  readonly totalSeconds?: number | undefined;
  /**
   * True when nodes may overlap (any runner but the sequential one): node times then add up to
   * more than the wall time, so no unaccounted rest is printed.
   */
  readonly concurrent?: boolean | undefined;
  /** Colour the header, the statuses and the totals with ANSI codes. Default false. */
  readonly color?: boolean | undefined;
  /**
   * True when the parallel runner never ran two nodes at once (`RunProgress.ranOneAtATime`): a
   * last line says the sequential runner would run this pipeline without the worker threads.
   */
  readonly oneAtATime?: boolean | undefined;
}

/** The summary's last line when the parallel runner never ran two nodes at once. */
export const ONE_AT_A_TIME_NOTE =
  "No two nodes ran at once: here the parallel runner's worker threads only added their start-up. The sequential runner, or `runner: { startInMainThread: true }`, runs this pipeline without it (docs/running.md).";

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
 * The summary table printed when a run ends: one row per node with where its time went (load,
 * function, save, and its total from start to end, hooks included), its status and where its
 * outputs were written; when node times are known, a line that adds them up against the wall time
 * and prints the rest nothing accounts for; then a totals line such as
 * `5 nodes: 4 done, 1 failed, 0 skipped in 1.23s`; and when the parallel runner never ran two
 * nodes at once (`oneAtATime`), a line saying that the sequential runner avoids its start-up.
 * Nodes that never started show `-`. Pure: the same rows give the same text. No trailing newline.
 */
export function formatSummary(rows: readonly SummaryRow[], options: FormatSummaryOptions = {}): string {
  const colors = options.color === true ? COLORS : NO_COLORS;
  const cell = (value: number | undefined) => (value === undefined ? '-' : value.toFixed(2));
  const header = ['node', 'load', 'run', 'save', 'total', 'status', 'written to'];
  const table = rows.map((row) => [
    row.node,
    cell(row.loadSeconds),
    cell(row.seconds),
    cell(row.saveSeconds),
    cell(row.totalSeconds),
    row.note === undefined ? row.status : `${row.status} (${row.note})`,
    row.writtenTo === undefined || row.writtenTo.length === 0 ? '' : row.writtenTo.join(', '),
  ]);
  const widths = header.map((title, column) =>
    table.reduce((width, cells) => Math.max(width, cells[column]!.length), title.length),
  );
  const NUMERIC = new Set([1, 2, 3, 4]);
  const line = (cells: readonly string[], paint: (status: string) => string = (text) => text) =>
    cells
      .map((text, column) => {
        if (NUMERIC.has(column)) return text.padStart(widths[column]!);
        const padded = column === cells.length - 1 ? text : text.padEnd(widths[column]!);
        return column === 5 ? padded.replace(text, paint(text)) : padded;
      })
      .join('  ')
      .trimEnd();
  const lines = [colors.bold(line(header))];
  const counts: Record<ProgressStatus, number> = { queued: 0, running: 0, done: 0, failed: 0, skipped: 0 };
  rows.forEach((row, index) => {
    counts[row.status]++;
    lines.push(line(table[index]!, (text) => paintStatus(colors, row.status, text)));
  });
  const total = options.totalSeconds ?? rows.reduce((sum, row) => sum + (row.seconds ?? 0), 0);
  const parts = STATUS_ORDER.filter(
    (status) => counts[status] > 0 || status === 'done' || status === 'failed' || status === 'skipped',
  ).map((status) => {
    const text = `${counts[status]} ${status}`;
    return counts[status] > 0 && status !== 'done' ? paintStatus(colors, status, text) : text;
  });
  const accounting = timeAccounting(rows, total, options.concurrent === true);
  if (accounting !== undefined) lines.push(colors.dim(accounting));
  lines.push(
    `${rows.length} ${rows.length === 1 ? 'node' : 'nodes'}: ${parts.join(', ')} in ${total.toFixed(2)}s`,
  );
  if (options.oneAtATime === true) lines.push(colors.dim(ONE_AT_A_TIME_NOTE));
  return lines.join('\n');
}

/**
 * Where the run's time went, summed over the nodes: `time: load 2.10s + run 0.15s + save 0.80s +
 * hooks 0.01s = 3.06s in nodes; 0.04s (1.3%) outside them`. "hooks" is each node's total minus its
 * load, run and save (plugins, retries). Undefined when no node has a total.
 */
function timeAccounting(
  rows: readonly SummaryRow[],
  wallSeconds: number,
  concurrent: boolean,
): string | undefined {
  if (!rows.some((row) => row.totalSeconds !== undefined)) return undefined;
  let load = 0;
  let run = 0;
  let save = 0;
  let inNodes = 0;
  for (const row of rows) {
    load += row.loadSeconds ?? 0;
    run += row.seconds ?? 0;
    save += row.saveSeconds ?? 0;
    inNodes += row.totalSeconds ?? 0;
  }
  const hooks = Math.max(0, inNodes - load - run - save);
  const sum = `time: load ${load.toFixed(2)}s + run ${run.toFixed(2)}s + save ${save.toFixed(2)}s + hooks ${hooks.toFixed(2)}s = ${inNodes.toFixed(2)}s in nodes`;
  if (concurrent) return `${sum} (nodes overlapped: ${wallSeconds.toFixed(2)}s of wall time)`;
  const rest = Math.max(0, wallSeconds - inNodes);
  const share = wallSeconds > 0 ? ` (${((rest / wallSeconds) * 100).toFixed(1)}%)` : '';
  return `${sum}; ${rest.toFixed(2)}s${share} outside them`;
}

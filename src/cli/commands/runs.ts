import { existsSync } from 'node:fs';
import type { RunDetail, RunStatus, RunStore, RunSummary } from '../../plugin-api/index.ts';
import { compareRuns, openRunStore, runStorePath, shortRunId } from '../../plugin-api/index.ts';
import type { CliContext } from '../main.ts';
import type { Cell, Colors, TerminalStyle } from '../terminal-table.ts';
import { formatTable, terminalStyle } from '../terminal-table.ts';
import { UsageError } from '../usage-error.ts';

const STATUSES: readonly RunStatus[] = ['running', 'success', 'failed', 'cancelled', 'interrupted'];

/** Opens the project's store for reading; undefined when nothing was ever recorded there. */
function openExisting(context: CliContext): RunStore | undefined {
  if (!existsSync(runStorePath(context.projectPath))) return undefined;
  return openRunStore(context.projectPath);
}

function withStore<T>(context: CliContext, use: (store: RunStore) => T): T {
  const store = openExisting(context);
  if (store === undefined)
    throw new UsageError(`No runs recorded yet in ${context.projectPath}.`, {
      hint: 'Run `sluice run` first (tracking is on unless turned off), or point --project at the project.',
    });
  try {
    return use(store);
  } finally {
    store.close();
  }
}

function printJson(context: CliContext, value: unknown): void {
  context.stdout.write(`${JSON.stringify(value, null, 2)}\n`);
}

/** `sluice runs list`: recorded runs, newest first, with one metric column. */
export async function runsListCommand(
  context: CliContext,
  options: { limit: string; metric?: string; status?: string; pipeline?: string; json: boolean },
): Promise<void> {
  const limit = Number(options.limit);
  if (!Number.isInteger(limit) || limit < 1)
    throw new UsageError(`--limit must be a positive whole number; got "${options.limit}".`);
  if (options.status !== undefined && !STATUSES.includes(options.status as RunStatus))
    throw new UsageError(`--status must be one of ${STATUSES.join(', ')}; got "${options.status}".`);
  const store = openExisting(context);
  if (store === undefined) {
    if (options.json) printJson(context, []);
    else context.stdout.write(`No runs recorded yet in ${context.projectPath} (run \`sluice run\` first).\n`);
    return;
  }
  let runs: RunSummary[];
  try {
    runs = store.listRuns({
      limit,
      ...(options.status === undefined ? {} : { status: options.status as RunStatus }),
      ...(options.pipeline === undefined ? {} : { pipeline: options.pipeline }),
    });
  } finally {
    store.close();
  }
  if (options.json) return printJson(context, runs);
  if (runs.length === 0) {
    context.stdout.write('No runs match.\n');
    return;
  }
  const style = terminalStyle(context.stdout);
  const metric =
    options.metric ??
    runs.map((run) => Object.keys(run.metrics).sort()[0]).find((name) => name !== undefined);
  const columns = [
    { title: 'id' },
    { title: 'started' },
    { title: 'status' },
    { title: 'duration', right: true },
    { title: 'pipeline', flexible: true },
    { title: 'runner' },
    ...(metric === undefined ? [] : [{ title: metric, right: true, flexible: true }]),
  ];
  const rows = runs.map((run): Cell[] => [
    { text: shortRunId(run.id), paint: style.colors.cyan },
    localTime(run.startedAt),
    statusCell(style.colors, run.status),
    formatDuration(run.durationMs),
    run.pipeline,
    run.runner,
    ...(metric === undefined ? [] : [formatValue(run.metrics[metric])]),
  ]);
  context.stdout.write(formatTable(columns, rows, style));
}

/** `sluice runs show <id>`: one run's params, metrics, nodes, datasets, artifacts and error. */
export async function runsShowCommand(
  context: CliContext,
  id: string,
  options: { json: boolean },
): Promise<void> {
  const run = withStore(context, (store) => store.getRun(id));
  if (options.json) return printJson(context, run);
  const style = terminalStyle(context.stdout);
  context.stdout.write(formatRun(run, style));
}

/** `sluice runs compare <id> <id> ...`: params and metrics side by side, differences marked. */
export async function runsCompareCommand(
  context: CliContext,
  ids: readonly string[],
  options: { json: boolean },
): Promise<void> {
  if (ids.length < 2)
    throw new UsageError('Give at least two runs to compare: `sluice runs compare <id> <id> ...`.');
  const comparison = withStore(context, (store) => compareRuns(ids.map((id) => store.getRun(id))));
  if (options.json) {
    return printJson(context, {
      runs: comparison.runs.map((run) => run.id),
      params: comparison.params,
      metrics: comparison.metrics,
    });
  }
  const style = terminalStyle(context.stdout);
  const columns = [
    { title: '' },
    { title: 'name', flexible: true },
    ...comparison.runs.map((run) => ({ title: shortRunId(run.id), flexible: true })),
  ];
  const rows: Cell[][] = [];
  for (const [kind, values] of [
    ['param', comparison.params],
    ['metric', comparison.metrics],
  ] as const) {
    for (const value of values) {
      const paint = value.differs ? style.colors.yellow : undefined;
      rows.push([
        value.differs ? '*' : '',
        { text: `${kind} ${value.name}`, ...(paint === undefined ? {} : { paint }) },
        ...value.values.map((item): Cell => ({
          text: formatValue(item),
          ...(paint === undefined ? {} : { paint }),
        })),
      ]);
    }
  }
  const lines = [
    ...comparison.runs.map(
      (run) => `${style.colors.cyan(shortRunId(run.id))}  ${run.id}  ${run.status}  ${run.pipeline}`,
    ),
    '',
  ];
  context.stdout.write(lines.join('\n') + '\n');
  context.stdout.write(
    rows.length === 0 ? 'No params or metrics recorded.\n' : formatTable(columns, rows, style),
  );
  const differing = [...comparison.params, ...comparison.metrics].filter((value) => value.differs).length;
  context.stdout.write(`${differing} of ${rows.length} values differ (marked *).\n`);
}

/** `sluice runs prune --keep N`: removes old records; lists the data files it leaves. */
export async function runsPruneCommand(
  context: CliContext,
  options: { keep: string; json: boolean },
): Promise<void> {
  const keep = Number(options.keep);
  if (!Number.isInteger(keep) || keep < 0)
    throw new UsageError(`--keep must be a whole number (0 or more); got "${options.keep}".`, {
      hint: 'Write `sluice runs prune --keep 50` to keep the newest 50 runs.',
    });
  const store = openExisting(context);
  if (store === undefined) {
    if (options.json) printJson(context, { removed: [], kept: 0, filesLeft: [] });
    else context.stdout.write('No runs recorded yet: nothing to prune.\n');
    return;
  }
  let result: ReturnType<RunStore['prune']>;
  try {
    result = store.prune({ keep });
  } finally {
    store.close();
  }
  if (options.json) return printJson(context, { ...result, removed: result.removed.map((run) => run.id) });
  const lines = [
    `Removed the records of ${result.removed.length} ${result.removed.length === 1 ? 'run' : 'runs'}; ${result.kept} kept (running runs are always kept).`,
  ];
  if (result.filesLeft.length > 0) {
    const bytes = result.filesLeft.reduce((sum, file) => sum + (file.bytes ?? 0), 0);
    lines.push(
      `Left on disk: ${result.filesLeft.length} versioned ${result.filesLeft.length === 1 ? 'file' : 'files'} those runs saved (${formatBytes(bytes)}); remove them yourself if you no longer need them:`,
      ...result.filesLeft.map((file) => `  ${file.path ?? `${file.dataset} (no path recorded)`}`),
    );
  } else {
    lines.push('Those runs saved no versioned files; no data was touched.');
  }
  context.stdout.write(`${lines.join('\n')}\n`);
}

function formatRun(run: RunDetail, style: TerminalStyle): string {
  const { colors } = style;
  const out: string[] = [];
  const field = (name: string, value: string) => out.push(`${colors.dim(name.padEnd(10))}${value}`);
  field('run', `${run.id} ${colors.cyan(`(${shortRunId(run.id)})`)}`);
  field('status', paintStatus(colors, run.status, run.status));
  field('pipeline', run.pipeline);
  field('runner', run.runner);
  field('env', run.env);
  field('started', localTime(run.startedAt));
  field('duration', formatDuration(run.durationMs));
  if (run.gitCommit !== undefined)
    field('git', `${run.gitCommit.slice(0, 12)}${run.gitDirty === true ? ' (uncommitted changes)' : ''}`);
  if (Object.keys(run.filters).length > 0) field('filters', JSON.stringify(run.filters));
  if (run.error !== undefined) field('error', colors.red(run.error));
  const section = (title: string) => out.push('', colors.bold(title));
  const table = (text: string) => out.push(text.trimEnd());
  const valueRows = (record: Readonly<Record<string, unknown>>) =>
    Object.keys(record)
      .sort()
      .map((name): Cell[] => [name, formatValue(record[name])]);
  if (Object.keys(run.params).length > 0) {
    section('Params');
    table(
      formatTable(
        [
          { title: 'name', flexible: true },
          { title: 'value', flexible: true },
        ],
        valueRows(run.params),
        style,
      ),
    );
  }
  if (Object.keys(run.metrics).length > 0) {
    section('Metrics');
    table(
      formatTable(
        [
          { title: 'name', flexible: true },
          { title: 'value', right: true },
        ],
        valueRows(run.metrics),
        style,
      ),
    );
  }
  section(`Nodes (${run.nodes.length})`);
  table(
    formatTable(
      [
        { title: 'node', flexible: true },
        { title: 'status' },
        { title: 'attempts', right: true },
        { title: 'duration', right: true },
        { title: 'worker', flexible: true },
        { title: 'note', flexible: true },
      ],
      run.nodes.map((node): Cell[] => [
        node.name,
        paintStatus(colors, node.status, node.status, true),
        String(node.attempts),
        formatDuration(node.durationMs),
        node.worker ?? '-',
        node.error?.split('\n')[0] ?? node.reason ?? '',
      ]),
      style,
    ),
  );
  const saves = run.datasets.filter((event) => event.operation === 'save');
  if (run.datasets.length > 0) {
    section(`Datasets (${run.datasets.length} loads and saves)`);
    table(
      formatTable(
        [
          { title: 'dataset', flexible: true },
          { title: 'op' },
          { title: 'node', flexible: true },
          { title: 'rows', right: true },
          { title: 'columns', right: true },
          { title: 'bytes', right: true },
        ],
        [...saves, ...run.datasets.filter((event) => event.operation === 'load')].map((event): Cell[] => [
          event.dataset,
          event.operation,
          event.node,
          formatValue(event.rows),
          formatValue(event.columns),
          event.bytes === undefined ? '-' : formatBytes(event.bytes),
        ]),
        style,
      ),
    );
  }
  if (run.artifacts.length > 0) {
    section('Artifacts');
    table(
      formatTable(
        [{ title: 'dataset' }, { title: 'type' }, { title: 'version' }, { title: 'path', flexible: true }],
        run.artifacts.map((artifact): Cell[] => [
          artifact.dataset,
          artifact.type,
          artifact.version ?? '-',
          artifact.path ?? '-',
        ]),
        style,
      ),
    );
  }
  if (run.records.length > 0) {
    const counts = new Map<string, number>();
    for (const record of run.records)
      counts.set(`${record.plugin} ${record.kind}`, (counts.get(`${record.plugin} ${record.kind}`) ?? 0) + 1);
    section('Plugin records');
    for (const [kind, count] of counts)
      out.push(`${kind}: ${count} (sluice runs show --json for the values)`);
  }
  return `${out.join('\n')}\n`;
}

function paintStatus(colors: Colors, status: string, text: string, _cell = false): string {
  switch (status) {
    case 'success':
      return colors.green(text);
    case 'failed':
      return colors.red(text);
    case 'running':
      return colors.cyan(text);
    case 'skipped':
    case 'cancelled':
    case 'interrupted':
      return colors.yellow(text);
    default:
      return text;
  }
}

function statusCell(colors: Colors, status: RunStatus): Cell {
  return { text: status, paint: (text) => paintStatus(colors, status, text) };
}

/** `2026-12-06 02:35:12`, in the local time zone. */
function localTime(iso: string): string {
  const date = new Date(iso);
  const two = (value: number) => String(value).padStart(2, '0');
  return `${date.getFullYear()}-${two(date.getMonth() + 1)}-${two(date.getDate())} ${two(date.getHours())}:${two(date.getMinutes())}:${two(date.getSeconds())}`;
}

function formatDuration(ms: number | undefined): string {
  if (ms === undefined) return '-';
  if (ms < 1000) return `${Math.round(ms)}ms`;
  if (ms < 60_000) return `${(ms / 1000).toFixed(1)}s`;
  const minutes = Math.floor(ms / 60_000);
  return `${minutes}m${String(Math.round((ms % 60_000) / 1000)).padStart(2, '0')}s`;
}

function formatBytes(bytes: number): string {
  if (bytes < 1024) return `${bytes} B`;
  if (bytes < 1024 * 1024) return `${(bytes / 1024).toFixed(1)} KiB`;
  return `${(bytes / 1024 / 1024).toFixed(1)} MiB`;
}

function formatValue(value: unknown): string {
  if (value === undefined) return '-';
  if (typeof value === 'number')
    return Number.isInteger(value) ? String(value) : String(Number(value.toPrecision(6)));
  if (typeof value === 'string') return value;
  return JSON.stringify(value);
}

import { isAbsolute, relative } from 'node:path';
import type { DataCatalog, Node, Pipeline, SluicePlugin, WorkerName } from '../../plugin-api/index.ts';
import { definePlugin } from '../../plugin-api/index.ts';
import { firstLine } from './format.ts';
import { LiveRenderer } from './live.ts';
import { PlainRenderer } from './plain.ts';
import type { ProgressRenderer } from './renderer.ts';
import { RunProgress } from './state.ts';

/** The progress plugin's name, as registered. */
export const PROGRESS_PLUGIN_NAME = 'sluice:progress';

/** How the progress display shows a run. */
export type ProgressMode = 'auto' | 'live' | 'plain' | 'off';

/** Options of {@link progressPlugin}. */
export interface ProgressOptions {
  /** Where the display goes. Default `process.stderr`, so that stdout stays the run's own. */
  readonly stream?: NodeJS.WritableStream | undefined;
  /**
   * `live`: a block redrawn in place (needs a terminal). `plain`: one line per event, for logs and
   * CI. `off`: nothing. `auto` (default): `live` when `stream.isTTY`, else `plain`.
   */
  readonly mode?: ProgressMode | undefined;
  /** ANSI colours. Default: `stream.isTTY` and no `NO_COLOR` in the environment. */
  readonly color?: boolean | undefined;
  /** Print the summary table (node, seconds, status) when the run ends. Default true. */
  readonly summary?: boolean | undefined;
  /** The clock, in milliseconds (`performance.now` by default): inject one for deterministic output. */
  readonly now?: (() => number) | undefined;
  /**
   * Live mode: how many node lines the block shows at most. Beyond that it shows the running
   * nodes, the most recent ones and counts of the rest. Default: up to 20, less on a short terminal.
   */
  readonly maxLines?: number | undefined;
}

const MODES: readonly ProgressMode[] = ['auto', 'live', 'plain', 'off'];

/**
 * The progress display: each node queued, running, done, failed or skipped, with its duration,
 * then a summary table of where the time went (loads, functions, saves) and where outputs were
 * written. Built on the public hook API only (the dataset hooks only when the summary is on). It is a `process: 'main'` plugin: on the parallel
 * runner it stays in the main process and sees the workers' node events relayed, so it shows
 * every runner's nodes the same way.
 *
 * ```ts
 * export default defineConfig({ hooks: [progressPlugin()] });
 * ```
 */
export function progressPlugin(options: ProgressOptions = {}): SluicePlugin {
  const mode = options.mode ?? 'auto';
  if (!MODES.includes(mode))
    throw new TypeError(
      `progressPlugin: mode must be one of ${MODES.join(', ')}, got ${JSON.stringify(mode)}.`,
    );
  const stream = options.stream ?? process.stderr;
  const tty = (stream as { isTTY?: unknown }).isTTY === true;
  const shown = mode === 'auto' ? (tty ? 'live' : 'plain') : mode;
  // Off: no hooks at all, and no `process: 'main'`, so the parallel runner relays nothing for it.
  if (shown === 'off') return { name: PROGRESS_PLUGIN_NAME };

  const now = options.now ?? (() => performance.now());
  const settings = {
    write: (text: string) => void stream.write(text),
    color: options.color ?? (tty && !process.env.NO_COLOR),
    summary: options.summary ?? true,
    now,
  };
  const renderer: ProgressRenderer =
    shown === 'live'
      ? new LiveRenderer({
          ...settings,
          maxLines: options.maxLines ?? defaultMaxLines(stream),
          columns: () => terminalSize(stream, 'columns'),
        })
      : new PlainRenderer(settings);

  let run: RunProgress | undefined;
  const begin = (nodeNames: readonly string[], runner: string): RunProgress => {
    const started = new RunProgress(nodeNames, runner, now());
    run = started;
    renderer.runStarted(started);
    return started;
  };
  // Node events without a pipeline run around them (runNode called directly): a run of its own.
  const current = (): RunProgress =>
    run === undefined || run.endedAt !== undefined ? begin([], 'unknown') : run;
  const finish = (
    pipeline: Pipeline,
    runner: string,
    skipped: readonly string[],
    error: Error | undefined,
  ): void => {
    // A failed beforePipelineRun elsewhere can skip ours: then no node ran, and nothing is shown.
    if (error !== undefined && (run === undefined || run.endedAt !== undefined)) return;
    const ending = run === undefined ? begin(names(pipeline), runner) : run;
    if (ending.endedAt !== undefined) return; // afterPipelineRun, then onPipelineError for a later hook's failure
    if (error !== undefined && ending.finished.length === 0 && ending.running.size === 0) {
      // The run failed before its first node: a table of every node "skipped" would say nothing.
      ending.close(now(), [], firstLine(error));
      renderer.runAbandoned(ending);
      return;
    }
    const skippedEntries = ending.close(now(), skipped, error === undefined ? undefined : firstLine(error));
    renderer.runEnded(ending, skippedEntries);
  };

  let catalog: DataCatalog | undefined;
  let projectPath = '';
  /**
   * The summary's columns: load and save times from the dataset hooks, each node's whole time from
   * `onNodeStart` to `onNodeEnd` (on the display's clock), and where outputs went (described by the main process's catalog, so redacted).
   */
  const timeAccounting = () => ({
    afterDatasetLoaded({ node, durationMs }: { node: Node; durationMs: number }) {
      current().loaded(node.name, durationMs);
    },
    afterDatasetSaved({
      node,
      datasetName,
      durationMs,
    }: {
      node: Node;
      datasetName: string;
      durationMs: number;
    }) {
      current().saved(
        node.name,
        durationMs,
        catalog === undefined ? datasetName : whereSaved(catalog, datasetName, projectPath),
      );
    },
    // First in and last out, so the node's total holds every other plugin's node hooks.
    onNodeStart: {
      tryfirst: true,
      handler({ node, worker }: { node: Node; worker: WorkerName }) {
        current().begun(node.name, now(), worker);
      },
    },
    onNodeEnd: {
      trylast: true,
      handler({ node }: { node: Node }) {
        current().completed(node.name, now());
      },
    },
  });

  return definePlugin({
    name: PROGRESS_PLUGIN_NAME,
    process: 'main',
    beforePipelineRun({ runParams, pipeline, catalog: runCatalog }) {
      catalog = runCatalog;
      projectPath = runParams.projectPath;
      begin(names(pipeline), runParams.runner);
    },
    // Last before the node's function and first after it, so that other plugins' hooks don't count.
    beforeNodeRun: {
      trylast: true,
      handler({ node }) {
        const progress = current();
        renderer.nodeStarted(progress, progress.start(node.name, now()));
      },
    },
    afterNodeRun: {
      tryfirst: true,
      handler({ node }) {
        const progress = current();
        renderer.nodeEnded(progress, progress.end(node.name, 'done', now()));
      },
    },
    onNodeSkipped({ node, reason }) {
      const progress = current();
      renderer.nodeEnded(progress, progress.skip(node.name, reason));
    },
    onNodeError: {
      tryfirst: true,
      handler({ error, node, catalog }) {
        const progress = current();
        const reason = catalog.redactor.redact(firstLine(error));
        renderer.nodeEnded(progress, progress.end(node.name, 'failed', now(), reason));
      },
    },
    ...(options.summary === false ? {} : timeAccounting()),
    afterPipelineRun({ runParams, runResult, pipeline }) {
      finish(pipeline, runParams.runner, runResult.skippedNodes, undefined);
    },
    onPipelineError({ error, runParams, pipeline, catalog }) {
      finish(pipeline, runParams.runner, [], catalog.redactor.redactError(error));
    },
  });
}

/**
 * Where a dataset writes, from its public description: its file (relative to the project when
 * inside it), table or URL, else its type.
 */
function whereSaved(catalog: DataCatalog, datasetName: string, projectPath: string): string {
  const description = catalog.describe(datasetName);
  for (const key of ['filepath', 'path', 'table', 'url']) {
    const value = description[key];
    if (typeof value !== 'string' || value === '') continue;
    const inside = projectPath !== '' && isAbsolute(value) && !relative(projectPath, value).startsWith('..');
    return inside ? relative(projectPath, value) : value;
  }
  return description.type;
}

function names(pipeline: Pipeline): string[] {
  return pipeline.nodes.map((node) => node.name);
}

function terminalSize(stream: NodeJS.WritableStream, key: 'columns' | 'rows'): number | undefined {
  const value = (stream as { columns?: unknown; rows?: unknown })[key];
  return typeof value === 'number' && value > 0 ? value : undefined;
}

/** Up to 20 node lines, and never more than the terminal holds with the header and counts. */
function defaultMaxLines(stream: NodeJS.WritableStream): number {
  const rows = terminalSize(stream, 'rows');
  return rows === undefined ? 20 : Math.max(3, Math.min(20, rows - 4));
}

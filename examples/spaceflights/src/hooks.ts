import { definePlugin } from 'sluice';
import { isParameterName, isRelayed } from 'sluice/plugin';

/** Rows a node read or wrote, one dataset at a time. */
export interface RowCount {
  readonly node: string;
  readonly direction: 'read' | 'written';
  readonly dataset: string;
  readonly rows: number;
}

/**
 * The rows in a dataset's value: an array's length, an Arrow table's `numRows`. Anything else
 * (parameters, a model, metrics) has no rows and gives undefined. On the parallel runner the
 * plugin sees a `RelayedData` description instead of the data, which carries the same count.
 */
export function rowsIn(data: unknown): number | undefined {
  if (Array.isArray(data)) return data.length;
  if (isRelayed(data)) {
    // A relayed size counts keys of a plain object and characters of a string: not rows.
    return data.kind === 'object' || data.kind === 'string' ? undefined : data.size;
  }
  const numRows = (data as { numRows?: unknown } | null | undefined)?.numRows;
  return typeof numRows === 'number' ? numRows : undefined;
}

/** The table the plugin prints: one line per dataset a node read (←) or wrote (→). */
export function formatRowCounts(counts: readonly RowCount[], runId: string): string {
  const nodeWidth = Math.max(4, ...counts.map((count) => count.node.length));
  const datasetWidth = Math.max(7, ...counts.map((count) => count.dataset.length));
  const rowsWidth = Math.max(4, ...counts.map((count) => String(count.rows).length));
  const lines = [
    `Rows per node (run ${runId}): ← read, → written`,
    `${'node'.padEnd(nodeWidth)}    ${'dataset'.padEnd(datasetWidth)}  ${'rows'.padStart(rowsWidth)}`,
  ];
  let previousNode: string | undefined;
  for (const count of counts) {
    const nodeColumn = count.node === previousNode ? '' : count.node;
    const arrow = count.direction === 'read' ? '←' : '→';
    lines.push(
      `${nodeColumn.padEnd(nodeWidth)}  ${arrow} ${count.dataset.padEnd(datasetWidth)}  ${String(count.rows).padStart(rowsWidth)}`,
    );
    previousNode = count.node;
  }
  return `${lines.join('\n')}\n`;
}

/**
 * A project hook: how many rows each node read and wrote, printed as a table when the run ends.
 * It answers the first question of any data pipeline, "where did my rows go?" (here: the joins
 * and the missing values turn 15531 shuttles into a few thousand complete rows).
 *
 * It is a `process: 'main'` plugin, so on the parallel runner it stays in the main process and the
 * runner relays every worker's dataset events to it: the table is the same on every runner. Lines
 * follow the pipeline's run order, whatever order concurrent nodes finished in.
 */
export function rowCounts(options: { write?: (text: string) => void } = {}) {
  const write = options.write ?? ((text: string) => void process.stderr.write(text));
  let counts: RowCount[] = [];
  let runOrder: string[] = [];
  const record = (node: string, direction: RowCount['direction'], dataset: string, data: unknown) => {
    // A parameter list (the feature names) is configuration, not rows of data.
    if (isParameterName(dataset)) return;
    const rows = rowsIn(data);
    if (rows !== undefined) counts.push({ node, direction, dataset, rows });
  };
  const print = (runId: string) => {
    const position = new Map(runOrder.map((name, index) => [name, index]));
    // A stable sort: within one node, reads stay before writes and datasets in event order.
    const ordered = [...counts].sort(
      (a, b) => (position.get(a.node) ?? Infinity) - (position.get(b.node) ?? Infinity),
    );
    if (ordered.length > 0) write(formatRowCounts(ordered, runId));
  };
  return definePlugin({
    name: 'row-counts',
    process: 'main',
    beforePipelineRun({ pipeline }) {
      counts = [];
      runOrder = pipeline.nodes.map((node) => node.name);
    },
    afterDatasetLoaded({ datasetName, data, node }) {
      record(node.name, 'read', datasetName, data);
    },
    afterDatasetSaved({ datasetName, data, node }) {
      record(node.name, 'written', datasetName, data);
    },
    afterPipelineRun({ runParams }) {
      print(runParams.runId);
    },
    // The counts up to a failure show which node was reached and what it had read.
    onPipelineError({ runParams }) {
      print(runParams.runId);
    },
  });
}

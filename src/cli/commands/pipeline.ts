import type { Node } from '../../pipeline/node.ts';
import { DEFAULT_PIPELINE, loadSettings } from '../../project/settings.ts';
import type { CliContext } from '../main.ts';

/** `sluice pipeline list`: the registered pipelines, with their node counts. */
export async function pipelineListCommand(context: CliContext): Promise<void> {
  const settings = await loadSettings(context.projectPath);
  const rows: string[][] = [];
  for (const name of settings.pipelineNames().sort()) {
    const pipeline = await settings.pipeline(name);
    rows.push([name, String(pipeline.size)]);
  }
  context.stdout.write(formatTable(['pipeline', 'nodes'], rows));
}

/** One node as `sluice pipeline describe --json` prints it. */
export interface NodeDescription {
  readonly name: string;
  readonly namespace: string | null;
  readonly inputs: readonly string[];
  readonly outputs: readonly string[];
  readonly tags: readonly string[];
}

/**
 * `sluice pipeline describe [NAME]`: every node of a registered pipeline (default `__default__`)
 * in run order (Kedro's: topological layers, each sorted by name), with its inputs, outputs, tags
 * and namespace: the names `--nodes`, `--tags`, `--from-inputs` and hooks.yml accept.
 */
export async function pipelineDescribeCommand(
  context: CliContext,
  name: string | undefined,
  options: { json?: boolean },
): Promise<void> {
  const settings = await loadSettings(context.projectPath);
  const pipelineName = name ?? DEFAULT_PIPELINE;
  const pipeline = await settings.pipeline(pipelineName);
  const nodes = pipeline.nodes.map(describeNode);
  if (options.json === true) {
    context.stdout.write(`${JSON.stringify({ pipeline: pipelineName, nodes }, null, 2)}\n`);
    return;
  }
  const lines = [
    `Pipeline "${pipelineName}": ${nodes.length} ${nodes.length === 1 ? 'node' : 'nodes'}, in run order.`,
  ];
  const list = (values: readonly string[]) => (values.length === 0 ? '-' : values.join(', '));
  for (const node of nodes) {
    lines.push('', node.name);
    if (node.namespace !== null) lines.push(`  namespace: ${node.namespace}`);
    lines.push(
      `  inputs:    ${list(node.inputs)}`,
      `  outputs:   ${list(node.outputs)}`,
      `  tags:      ${list(node.tags)}`,
    );
  }
  context.stdout.write(`${lines.join('\n')}\n`);
}

function describeNode(node: Node): NodeDescription {
  return {
    name: node.name,
    namespace: node.namespace ?? null,
    inputs: [...node.inputs],
    outputs: [...node.outputs],
    tags: [...node.tags].sort(),
  };
}

/** An aligned plain-text table. */
export function formatTable(header: readonly string[], rows: readonly (readonly string[])[]): string {
  const widths = header.map((title, column) =>
    Math.max(title.length, ...rows.map((row) => (row[column] ?? '').length)),
  );
  const line = (cells: readonly string[]) =>
    cells
      .map((cell, column) => cell.padEnd(widths[column]!))
      .join('  ')
      .trimEnd();
  return [line(header), line(widths.map((width) => '-'.repeat(width))), ...rows.map(line)].join('\n') + '\n';
}

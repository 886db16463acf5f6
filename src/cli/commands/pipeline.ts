import { loadSettings } from '../../project/settings.ts';
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

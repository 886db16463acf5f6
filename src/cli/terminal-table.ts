import pc from 'picocolors';

export type Colors = ReturnType<typeof pc.createColors>;

/** How a command's output looks: colours only on a terminal without NO_COLOR, and its width. */
export interface TerminalStyle {
  readonly colors: Colors;
  readonly color: boolean;
  /** Columns available; Infinity when the output is not a terminal (nothing is cut). */
  readonly width: number;
}

/**
 * The style for `stream`: colour when it is a TTY and NO_COLOR is unset or empty (no-color.org),
 * as the progress display does; its width from the terminal, else COLUMNS, else unlimited.
 */
export function terminalStyle(
  stream: NodeJS.WritableStream,
  env: NodeJS.ProcessEnv = process.env,
): TerminalStyle {
  const tty = stream as NodeJS.WritableStream & { isTTY?: boolean; columns?: number };
  const color = tty.isTTY === true && (env.NO_COLOR ?? '') === '';
  const columns = tty.isTTY === true ? tty.columns : Number(env.COLUMNS);
  const width = columns !== undefined && Number.isFinite(columns) && columns > 0 ? columns : Infinity;
  return { colors: pc.createColors(color), color, width };
}

/** One column of a table. */
export interface Column {
  readonly title: string;
  /** Right-aligned (numbers, durations). */
  readonly right?: boolean;
  /** May be cut (with `…`) to fit the width; the widest flexible columns shrink first. */
  readonly flexible?: boolean;
}

/** A cell: its text, and optionally how to paint it (applied after padding, so widths stay right). */
export type Cell = string | { readonly text: string; readonly paint?: (text: string) => string };

const GAP = '  ';

/**
 * Lays `rows` out under `columns`, fitted to `style.width`: flexible columns are cut with `…`
 * until the table fits (never below their title's width). The header is bold on a colour terminal.
 */
export function formatTable(
  columns: readonly Column[],
  rows: readonly (readonly Cell[])[],
  style: TerminalStyle,
): string {
  const text = (cell: Cell | undefined) =>
    cell === undefined ? '' : typeof cell === 'string' ? cell : cell.text;
  const widths = columns.map((column, index) =>
    Math.max(column.title.length, ...rows.map((row) => text(row[index]).length)),
  );
  const total = () => widths.reduce((sum, width) => sum + width, 0) + GAP.length * (widths.length - 1);
  while (total() > style.width) {
    let widest = -1;
    columns.forEach((column, index) => {
      if (column.flexible === true && widths[index]! > Math.max(column.title.length, 8)) {
        if (widest < 0 || widths[index]! > widths[widest]!) widest = index;
      }
    });
    if (widest < 0) break;
    widths[widest] = Math.max(widths[widest]! - (total() - style.width), columns[widest]!.title.length, 8);
  }
  const fit = (value: string, width: number) =>
    value.length <= width ? value : `${value.slice(0, width - 1)}…`;
  const line = (cells: readonly (Cell | undefined)[], header = false) =>
    columns
      .map((column, index) => {
        const cell = cells[index];
        const value = fit(text(cell), widths[index]!);
        const padded = column.right === true ? value.padStart(widths[index]!) : value.padEnd(widths[index]!);
        if (header) return style.colors.bold(padded);
        return typeof cell === 'object' && cell.paint !== undefined ? cell.paint(padded) : padded;
      })
      .join(GAP)
      .trimEnd();
  return (
    [
      line(
        columns.map((column) => column.title),
        true,
      ),
      ...rows.map((row) => line(row)),
    ].join('\n') + '\n'
  );
}

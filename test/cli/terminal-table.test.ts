/**
 * The tables of `sluice runs`: colour only on a terminal without NO_COLOR, cut to the terminal's
 * width (flexible columns first, with `…`), never cut when piped.
 */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { formatTable, terminalStyle } from '../../src/cli/terminal-table.ts';

/** The start of an ANSI colour sequence (ESC [). */
const ANSI = new RegExp(`${String.fromCharCode(27)}\\[`);
/** A stream as a terminal presents itself to Node: `isTTY` and `columns`. */
const terminal = (columns: number) => ({ isTTY: true, columns }) as unknown as NodeJS.WritableStream;
const pipe = {} as NodeJS.WritableStream;

const columns = [{ title: 'id' }, { title: 'pipeline', flexible: true }, { title: 'r2', right: true }];
const rows = [['ab12', 'a_rather_long_pipeline_name_that_does_not_fit', '0.93']];

test('colour on a terminal, none with NO_COLOR or off a terminal', () => {
  const paint = (style: ReturnType<typeof terminalStyle>) =>
    formatTable(columns, [[{ text: 'ab12', paint: style.colors.cyan }, 'p', '1']], style);
  assert.match(paint(terminalStyle(terminal(200), {})), ANSI);
  assert.doesNotMatch(paint(terminalStyle(terminal(200), { NO_COLOR: '1' })), ANSI);
  assert.match(
    paint(terminalStyle(terminal(200), { NO_COLOR: '' })),
    ANSI,
    'an empty NO_COLOR does not count',
  );
  assert.doesNotMatch(paint(terminalStyle(pipe, {})), ANSI);
});

test('a table is cut to the terminal width, and not when piped', () => {
  const narrow = formatTable(columns, rows, terminalStyle(terminal(30), { NO_COLOR: '1' }));
  for (const line of narrow.trimEnd().split('\n')) assert.ok(line.length <= 30, `"${line}" fits 30 columns`);
  assert.match(narrow, /a_rather_long_pip…/);
  assert.match(narrow, /0\.93$/m, 'fixed columns stay whole');
  const piped = formatTable(columns, rows, terminalStyle(pipe, {}));
  assert.match(piped, /a_rather_long_pipeline_name_that_does_not_fit/);
  const widthFromEnv = formatTable(columns, rows, terminalStyle(pipe, { COLUMNS: '30' }));
  assert.match(widthFromEnv, /…/, 'COLUMNS sets the width of piped output');
});

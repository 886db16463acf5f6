/**
 * Helpers for the session tests: fresh data folders for the fixture projects (so no run writes
 * into the repository), reading the record files their plugins append to, and env overrides.
 */
import { copyFileSync, existsSync, mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { TraceLine } from '../fixtures/projects/traced/src/hooks.ts';

export type { TraceLine };

// The fixture projects are shared by every test that imports this: with tracking on, each run's
// history would give the next parallel run estimates (`nodeDurationEstimates`), and with them
// another order, or a serial run in the main thread. Tests of tracking write projects of their own.
process.env['SLUICE_TRACKING'] = 'off';

/** The `basic` fixture project: double → shift → total, square, describe → report. */
export const BASIC = fileURLToPath(new URL('../fixtures/projects/basic/', import.meta.url));
/** The `traced` fixture project: split → sum_small / sum_large → combine, recording every hook. */
export const TRACED = fileURLToPath(new URL('../fixtures/projects/traced/', import.meta.url));

/** A temporary data folder holding a copy of the project's `data/numbers.json`, and a record file path in it. */
export function freshDataDir(project: string): { dataDir: string; recordFile: string } {
  const dataDir = mkdtempSync(join(tmpdir(), 'sluice-session-'));
  copyFileSync(join(project, 'data', 'numbers.json'), join(dataDir, 'numbers.json'));
  return { dataDir, recordFile: join(dataDir, 'record.jsonl') };
}

/** The JSON lines of a record file (none when it doesn't exist). */
export function readRecord<T = TraceLine>(file: string): T[] {
  if (!existsSync(file)) return [];
  return readFileSync(file, 'utf8')
    .split('\n')
    .filter((line) => line.trim() !== '')
    .map((line) => JSON.parse(line) as T);
}

/** Runs `action` with the given environment variables set, restoring them afterwards. */
export async function withEnv<T>(
  vars: Record<string, string | undefined>,
  action: () => Promise<T>,
): Promise<T> {
  const saved = Object.fromEntries(Object.keys(vars).map((key) => [key, process.env[key]]));
  const apply = (values: Record<string, string | undefined>) => {
    for (const [key, value] of Object.entries(values)) {
      if (value === undefined) delete process.env[key];
      else process.env[key] = value;
    }
  };
  apply(vars);
  try {
    return await action();
  } finally {
    apply(saved);
  }
}

/** `hook node:dataset` (or `hook node`, or `hook`) for a trace line: the same shape as the runner tests' recorder. */
export function eventOf(line: TraceLine): string {
  if (line.node === null) return line.hook;
  return line.dataset === null ? `${line.hook} ${line.node}` : `${line.hook} ${line.node}:${line.dataset}`;
}

import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { writeFileAtomically } from '../io/atomic-write.ts';
import type { RunParams } from '../run-types/run-params.ts';

/** Where the session keeps the record of the project's last run. */
export const LAST_RUN_FILE = join('.sluice', 'runs', 'last.json');

/** How a recorded run ended; `running` until it does (a run whose process died stays so). */
export type RecordedRunStatus = 'running' | 'succeeded' | 'failed' | 'cancelled';

/**
 * What the session records about a project's last run, for `sluice run --resume`: every choice
 * that decided what it ran (`runParams`: pipeline, filters, params, env, load versions, runner)
 * and, once it ended, the nodes that counted as done and the nodes a resumed run starts from.
 */
export interface RecordedRun {
  readonly format: 1;
  readonly status: RecordedRunStatus;
  readonly runParams: RunParams;
  /** The process that ran it, so that a `running` record of a dead process can be told apart. */
  readonly pid: number;
  readonly startedAt: string;
  readonly endedAt?: string;
  /** Nodes that completed or were found up to date. */
  readonly done: readonly string[];
  /** Failed or cancelled: the nodes `--from-nodes` should name to resume (empty: run it all again). */
  readonly resumeFromNodes: readonly string[];
}

/** Writes the record whole (a crash leaves the previous one), replacing the last one. */
export function writeRunRecord(projectPath: string, record: RecordedRun): Promise<void> {
  return writeFileAtomically(join(projectPath, LAST_RUN_FILE), `${JSON.stringify(record, null, 2)}\n`);
}

/** The project's last recorded run, or undefined when none is (or the file is unreadable). */
export async function readLastRun(projectPath: string): Promise<RecordedRun | undefined> {
  try {
    const record = JSON.parse(await readFile(join(projectPath, LAST_RUN_FILE), 'utf8')) as RecordedRun;
    return record.format === 1 ? record : undefined;
  } catch {
    return undefined;
  }
}

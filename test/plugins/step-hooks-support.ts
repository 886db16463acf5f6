/**
 * Helpers for the step-hooks and alerts tests: runs of the `step-hooks` fixture project with a
 * fresh record file, and throwaway projects written to a temporary folder.
 */
import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import type { RunResult, SessionRunOptions } from '../../src/index.ts';
import { Session } from '../../src/index.ts';
import { readRecord, withEnv } from '../session/support.ts';

/** The step-hooks fixture project. */
export const STEP_HOOKS_PROJECT = fileURLToPath(new URL('../fixtures/projects/step-hooks/', import.meta.url));
/** The repository's public API, as a URL a throwaway project's sluice.config.ts can import. */
export const SLUICE_URL = pathToFileURL(fileURLToPath(new URL('../../src/index.ts', import.meta.url))).href;

/** One line of the fixture's record file. */
export interface RecordLine {
  kind: 'step-hook' | 'sluice-hook' | 'log';
  hook?: string;
  outcome?: string;
  node?: string;
  tags?: string[];
  attempt?: number;
  params?: Record<string, unknown>;
  pipelineName?: string;
  runId?: string;
  durationMs?: number;
  error?: string;
  delayMs?: number;
  hasProject?: boolean;
  line?: string;
  threadId: number;
}

export interface FixtureRun {
  readonly result?: RunResult;
  readonly error?: Error;
  readonly lines: RecordLine[];
  readonly runId: string;
}

let runs = 0;

/** Runs the fixture project once, with its own record file and a fresh run key for the flaky nodes. */
export async function runFixture(
  options: SessionRunOptions = {},
  params: Record<string, unknown> = {},
  project = STEP_HOOKS_PROJECT,
): Promise<FixtureRun> {
  const folder = mkdtempSync(join(tmpdir(), 'sluice-step-hooks-'));
  const recordFile = join(folder, 'record.jsonl');
  const session = await Session.create({
    projectPath: project,
    runtimeParams: { run_key: `${process.pid}-${++runs}-${Date.now()}`, ...params },
    log: () => {},
  });
  return withEnv({ SLUICE_TEST_RECORD: recordFile }, async () => {
    try {
      const result = await session.run(options);
      return { result, lines: readRecord<RecordLine>(recordFile), runId: session.runId };
    } catch (error) {
      return { error: error as Error, lines: readRecord<RecordLine>(recordFile), runId: session.runId };
    }
  });
}

/** Writes a throwaway project; `{{sluice}}` in a file stands for the URL of the public API. */
export function writeProject(files: Record<string, string>): string {
  const root = mkdtempSync(join(tmpdir(), 'sluice-step-hooks-project-'));
  mkdirSync(join(root, 'conf', 'base'), { recursive: true });
  // ESM, so that the project's modules share the test's instance of the public API (its classes).
  writeFileSync(join(root, 'package.json'), JSON.stringify({ name: 'throwaway', type: 'module' }));
  for (const [path, text] of Object.entries(files)) {
    const absolute = join(root, path);
    mkdirSync(dirname(absolute), { recursive: true });
    writeFileSync(absolute, text.replaceAll('{{sluice}}', SLUICE_URL));
  }
  return root;
}

/** Step hook calls in the record, as `hook node outcome#attempt`. */
export function stepHookCalls(lines: readonly RecordLine[]): string[] {
  return lines
    .filter((line) => line.kind === 'step-hook')
    .map((line) => `${line.hook} ${line.node} ${line.outcome}#${line.attempt}`);
}

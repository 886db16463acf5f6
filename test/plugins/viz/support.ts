/** Projects and `sluice viz` servers for the page's tests. */
import { spawn } from 'node:child_process';
import type { ChildProcess } from 'node:child_process';
import { cpSync, existsSync } from 'node:fs';
import { join } from 'node:path';
import { cleanEnv, ensureBuilt, linkExampleDependencies, REPO, tempDir } from '../../cli/support.ts';
import { buildVizPage } from '../../../scripts/build-viz-page.ts';

export const SPACEFLIGHTS = join(REPO, 'examples', 'spaceflights');
export const HOSTILE = join(REPO, 'test', 'fixtures', 'viz', 'hostile');

/** dist/ for the CLI, and the page's bundle (a checkout built before this feature lacks it). */
export async function ensurePageBuilt(): Promise<void> {
  ensureBuilt();
  if (!existsSync(join(REPO, 'dist', 'viz-page', 'elk.js'))) await buildVizPage();
}

/** A copy of a project in a temporary folder, with node_modules/sluice linked to this checkout. */
export function copyOf(source: string, label: string): string {
  const project = join(tempDir(label), 'project');
  cpSync(source, project, {
    recursive: true,
    filter: (path) => !path.includes('/node_modules') && !path.includes('/.sluice'),
  });
  linkExampleDependencies(project);
  return project;
}

export interface RunningViz {
  readonly url: string;
  readonly child: ChildProcess;
  readonly output: () => string;
  /** SIGTERM, then the exit code once it has stopped. */
  stop(): Promise<number | null>;
}

/** `sluice viz` in `project`, resolved once it prints its address. */
export function startViz(project: string, args: readonly string[] = []): Promise<RunningViz> {
  const child = spawn(process.execPath, [join(REPO, 'bin', 'sluice.js'), 'viz', ...args], {
    cwd: project,
    env: cleanEnv(),
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
  return new Promise((resolve, reject) => {
    const onData = (chunk: Buffer) => {
      output += chunk.toString();
      const match = /Sluice viz: (http:\/\/\S+)/.exec(output);
      if (match !== null)
        resolve({
          url: match[1]!,
          child,
          output: () => output,
          stop: async () => {
            child.kill('SIGTERM');
            return exited;
          },
        });
    };
    child.stdout!.on('data', onData);
    child.stderr!.on('data', onData);
    void exited.then((code) => reject(new Error(`sluice viz exited (${code}) before serving:\n${output}`)));
  });
}

/**
 * `sluice worker` child processes for the distributed runner's tests: started under tsx on a
 * fixture project, awaited on the "ready" line they print (never on a clock), stopped with
 * SIGTERM (a worker exits 0 once its running nodes are done).
 */
import { spawn } from 'node:child_process';
import type { ChildProcess } from 'node:child_process';
import { once } from 'node:events';
import { fileURLToPath } from 'node:url';

const CLI = fileURLToPath(new URL('./cli-child.ts', import.meta.url));

export interface WorkerProcess {
  readonly child: ChildProcess;
  readonly pid: number;
  /** Everything it printed so far. */
  output(): string;
  /** SIGTERM, then its exit code. */
  stop(): Promise<number | null>;
}

/** Starts `sluice worker` on `projectPath` and resolves once it printed that it is ready. */
export async function startWorker(
  projectPath: string,
  queue: string,
  env: Record<string, string> = {},
  extraArgs: string[] = [],
): Promise<WorkerProcess> {
  const child = spawn(
    process.execPath,
    ['--import', 'tsx', CLI, '--project', projectPath, 'worker', '--queue', queue, ...extraArgs],
    { env: { ...process.env, ...env }, stdio: ['ignore', 'pipe', 'pipe'] },
  );
  let output = '';
  child.stdout!.on('data', (chunk: Buffer) => (output += chunk.toString()));
  child.stderr!.on('data', (chunk: Buffer) => (output += chunk.toString()));
  const exited = once(child, 'exit') as Promise<[number | null, NodeJS.Signals | null]>;
  await new Promise<void>((resolve, reject) => {
    const onData = () => {
      if (output.includes('sluice worker ready')) {
        child.stdout!.off('data', onData);
        resolve();
      }
    };
    child.stdout!.on('data', onData);
    void exited.then(([code]) =>
      reject(new Error(`sluice worker exited (${code}) before it was ready:\n${output}`)),
    );
  });
  return {
    child,
    pid: child.pid!,
    output: () => output,
    stop: async () => {
      if (child.exitCode === null && child.signalCode === null) child.kill('SIGTERM');
      const [code] = await exited;
      return code;
    },
  };
}

/** A queue name no other test (or run of this file) uses. */
let queues = 0;
export function uniqueQueue(label: string): string {
  return `test-${label}-${process.pid}-${++queues}`;
}

/** A `sluice run --runner distributed` child process: the coordinator of a run. */
export interface CoordinatorProcess {
  readonly child: ChildProcess;
  /** Everything it printed so far, stdout and stderr. */
  output(): string;
  /** Its exit code, once it exited (null when a signal ended it). */
  readonly exited: Promise<number | null>;
}

/**
 * Starts `sluice run --runner distributed --queue <queue> --progress off` on `projectPath`, with
 * `args` added (a pipeline, params) and `env` over this process's environment.
 */
export function startCoordinator(
  projectPath: string,
  queue: string,
  args: string[],
  env: Record<string, string> = {},
): CoordinatorProcess {
  const child = spawn(
    process.execPath,
    [
      '--import',
      'tsx',
      CLI,
      '--project',
      projectPath,
      'run',
      '--runner',
      'distributed',
      '--queue',
      queue,
      '--progress',
      'off',
      ...args,
    ],
    { env: { ...process.env, ...env }, stdio: ['ignore', 'pipe', 'pipe'] },
  );
  let output = '';
  child.stdout!.on('data', (chunk: Buffer) => (output += chunk.toString()));
  child.stderr!.on('data', (chunk: Buffer) => (output += chunk.toString()));
  const exited = (once(child, 'exit') as Promise<[number | null]>).then(([code]) => code);
  return { child, output: () => output, exited };
}

/** Resolves once `found()` holds, checking every 20 ms (it waits on an event, never on a budget). */
export async function until(found: () => boolean): Promise<void> {
  while (!found()) await new Promise((resolve) => setTimeout(resolve, 20));
}

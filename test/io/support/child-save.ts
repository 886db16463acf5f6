import { fork } from 'node:child_process';
import type { ChildProcess } from 'node:child_process';

/** A child process saving through a real dataset, driven by the messages it sends. */
export interface SavingChild {
  child: ChildProcess;
  /** The first message the child sends (it sends one once its save is under way or done). */
  message: Promise<unknown>;
  /** Resolves with the signal that ended the child (null for a normal exit). */
  exited: Promise<NodeJS.Signals | null>;
  /** Everything the child printed, for failure messages. */
  output(): string;
}

/**
 * Forks `script` with tsx. Waits on the child's own message, not on time: a child that exits
 * before sending one rejects `message` with its output.
 */
export function startChild(script: string, args: string[]): SavingChild {
  const child = fork(script, args, {
    execArgv: ['--import', 'tsx'],
    stdio: ['ignore', 'pipe', 'pipe', 'ipc'],
  });
  let output = '';
  child.stdout?.on('data', (chunk: Buffer) => (output += chunk.toString()));
  child.stderr?.on('data', (chunk: Buffer) => (output += chunk.toString()));
  const exited = new Promise<NodeJS.Signals | null>((resolve) =>
    child.on('exit', (_code, signal) => resolve(signal)),
  );
  const message = new Promise<unknown>((resolve, reject) => {
    child.once('message', resolve);
    void exited.then(() => reject(new Error(`the child exited before signalling:\n${output}`)));
  });
  return { child, message, exited, output: () => output };
}

/** Kills the child with SIGKILL (if still running) and waits until it is gone. */
export async function killHard(saving: SavingChild): Promise<void> {
  if (saving.child.exitCode === null && saving.child.signalCode === null) saving.child.kill('SIGKILL');
  await saving.exited;
}

/** Runs a child to its end and returns its message; it must exit normally. */
export async function runChild(script: string, args: string[]): Promise<unknown> {
  const saving = startChild(script, args);
  try {
    const message = await saving.message;
    const signal = await saving.exited;
    if (signal !== null || saving.child.exitCode !== 0)
      throw new Error(`the child ended with ${signal ?? saving.child.exitCode}:\n${saving.output()}`);
    return message;
  } finally {
    await killHard(saving);
  }
}

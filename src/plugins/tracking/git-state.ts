import { execFile } from 'node:child_process';

/** The commit checked out in `folder` and whether the working tree has changes. */
export interface GitState {
  readonly commit: string;
  readonly dirty: boolean;
}

/**
 * Asks git, in the background, for the commit and dirty flag of the repository holding `folder`:
 * undefined when it is none or has no commit yet, or git is missing. Never rejects, never blocks
 * the run. One `git status` answers both (porcelain v2 with `--branch` names the commit): each
 * process costs the main thread a few milliseconds to start, more as Sluice's process grows.
 */
export function readGitState(folder: string): Promise<GitState | undefined> {
  const options = { cwd: folder, timeout: 10_000, windowsHide: true };
  return new Promise((resolve) => {
    execFile(
      'git',
      ['status', '--porcelain=v2', '--branch', '--no-ahead-behind', '--untracked-files=no'],
      options,
      (error, output) => resolve(error === null ? parseGitStatus(output) : undefined),
    );
  });
}

/** Reads `git status --porcelain=v2 --branch`: undefined before the first commit. */
export function parseGitStatus(output: string): GitState | undefined {
  let commit: string | undefined;
  let dirty = false;
  for (const line of output.split('\n')) {
    if (line.startsWith('# branch.oid ')) commit = line.slice('# branch.oid '.length).trim();
    else if (line !== '' && !line.startsWith('#')) dirty = true;
  }
  if (commit === undefined || !/^[0-9a-f]{7,}$/.test(commit)) return undefined;
  return { commit, dirty };
}

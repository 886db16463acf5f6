import { execFile } from 'node:child_process';

/** The commit checked out in `folder` and whether the working tree has changes. */
export interface GitState {
  readonly commit: string;
  readonly dirty: boolean;
}

/**
 * Asks git, in the background (two short `git` processes), for the commit and dirty flag of the
 * repository holding `folder`; calls `found` only when it is one. Never blocks the run.
 */
export function readGitState(folder: string, found: (state: GitState) => void): void {
  const options = { cwd: folder, timeout: 10_000, windowsHide: true };
  execFile('git', ['rev-parse', 'HEAD'], options, (error, commit) => {
    if (error !== null) return;
    execFile('git', ['status', '--porcelain', '--untracked-files=no'], options, (statusError, changes) => {
      if (statusError !== null) return;
      found({ commit: commit.trim(), dirty: changes.trim() !== '' });
    });
  });
}

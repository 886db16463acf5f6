import { readFileSync, statSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';

/** What the project's git checkout says: on a branch, detached, or not a repository. */
export type GitState =
  | { readonly kind: 'branch'; readonly branch: string }
  | { readonly kind: 'detached'; readonly commit: string }
  | { readonly kind: 'none' };

/**
 * The branch checked out where `projectPath` lives, read from git's HEAD file (no git binary
 * needed; worktrees included). `SLUICE_BRANCH` overrides it: CI jobs and distributed workers
 * whose checkout is detached name the branch that way.
 */
export function currentGitState(projectPath: string, environ = process.env): GitState {
  const forced = environ.SLUICE_BRANCH;
  if (forced !== undefined && forced !== '') return { kind: 'branch', branch: forced };
  const gitDir = findGitDir(resolve(projectPath));
  if (gitDir === undefined) return { kind: 'none' };
  let head: string;
  try {
    head = readFileSync(join(gitDir, 'HEAD'), 'utf8').trim();
  } catch {
    return { kind: 'none' };
  }
  const ref = /^ref:\s*refs\/heads\/(.+)$/.exec(head);
  return ref === null ? { kind: 'detached', commit: head.slice(0, 12) } : { kind: 'branch', branch: ref[1]! };
}

/** The git directory of the repository holding `start`: `.git` itself, or where a `.git` file points. */
function findGitDir(start: string): string | undefined {
  for (let folder = start; ; folder = dirname(folder)) {
    const candidate = join(folder, '.git');
    try {
      const info = statSync(candidate);
      if (info.isDirectory()) return candidate;
      const pointer = /^gitdir:\s*(.+)$/m.exec(readFileSync(candidate, 'utf8'));
      if (pointer !== null) return resolve(folder, pointer[1]!.trim());
    } catch {
      // No .git here: look in the parent folder.
    }
    if (dirname(folder) === folder) return undefined;
  }
}

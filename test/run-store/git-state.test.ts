/**
 * The commit and dirty flag the tracking plugin records, read by one `git status` on real
 * repositories made here.
 */
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, test } from 'node:test';
import { parseGitStatus, readGitState } from '../../src/plugins/tracking/git-state.ts';

const folders: string[] = [];
after(() => {
  for (const folder of folders) rmSync(folder, { recursive: true, force: true });
});
const folder = (prefix: string) => {
  const made = mkdtempSync(join(tmpdir(), prefix));
  folders.push(made);
  return made;
};
const git = (cwd: string, ...args: string[]) =>
  execFileSync(
    'git',
    ['-c', 'user.name=t', '-c', 'user.email=t@example.com', '-c', 'commit.gpgsign=false', ...args],
    {
      cwd,
      encoding: 'utf8',
    },
  ).trim();

test('a clean checkout: its commit, not dirty; an untracked file leaves it clean, a changed tracked file makes it dirty', async () => {
  const repo = folder('sluice-git-');
  git(repo, 'init', '-q');
  writeFileSync(join(repo, 'a.txt'), 'one\n');
  git(repo, 'add', 'a.txt');
  git(repo, 'commit', '-qm', 'first');
  const head = git(repo, 'rev-parse', 'HEAD');
  assert.deepEqual(await readGitState(repo), { commit: head, dirty: false });
  writeFileSync(join(repo, 'new.txt'), 'untracked\n');
  assert.deepEqual(await readGitState(repo), { commit: head, dirty: false });
  writeFileSync(join(repo, 'a.txt'), 'two\n');
  assert.deepEqual(await readGitState(repo), { commit: head, dirty: true });
});

test('outside a repository, and in one without a commit, there is no state', async () => {
  const plain = folder('sluice-nogit-');
  const empty = folder('sluice-git-empty-');
  git(empty, 'init', '-q');
  assert.equal(await readGitState(plain), undefined);
  assert.equal(await readGitState(empty), undefined);
});

test('porcelain v2: the commit from branch.oid, dirty from any change line, nothing before the first commit', () => {
  const oid = 'a'.repeat(40);
  assert.deepEqual(parseGitStatus(`# branch.oid ${oid}\n# branch.head main\n`), {
    commit: oid,
    dirty: false,
  });
  assert.deepEqual(
    parseGitStatus(`# branch.oid ${oid}\n# branch.head main\n1 .M N... 100644 100644 100644 x y a.txt\n`),
    { commit: oid, dirty: true },
  );
  assert.deepEqual(parseGitStatus(`# branch.oid ${oid}\n# branch.head (detached)\n`), {
    commit: oid,
    dirty: false,
  });
  assert.equal(parseGitStatus('# branch.oid (initial)\n# branch.head main\n'), undefined);
  assert.equal(parseGitStatus(''), undefined);
});

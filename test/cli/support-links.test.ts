/**
 * linkExampleDependencies in a project whose node_modules holds a dangling link (left by a moved
 * checkout or a deleted folder): the link is replaced, not reported as EEXIST.
 */
import assert from 'node:assert/strict';
import { existsSync, mkdirSync, readlinkSync, realpathSync, symlinkSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import { linkExampleDependencies, REPO, tempDir } from './support.ts';

test('a dangling link in node_modules is replaced by a link to the package', () => {
  const project = join(tempDir('dangling-link'), 'project');
  mkdirSync(join(project, 'node_modules'), { recursive: true });
  writeFileSync(join(project, 'package.json'), JSON.stringify({ dependencies: { zod: '^4' } }));
  const link = join(project, 'node_modules', 'zod');
  symlinkSync(join(project, 'gone'), link, 'dir');
  assert.equal(existsSync(link), false, 'the link dangles');
  linkExampleDependencies(project);
  assert.equal(readlinkSync(link), join(REPO, 'node_modules', 'zod'));
  assert.equal(realpathSync(join(project, 'node_modules', 'sluice')), realpathSync(REPO));
  // A second call keeps the links that are there.
  linkExampleDependencies(project);
  assert.equal(readlinkSync(link), join(REPO, 'node_modules', 'zod'));
});

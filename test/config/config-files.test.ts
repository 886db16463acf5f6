import assert from 'node:assert/strict';
import { mkdirSync, symlinkSync } from 'node:fs';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { findConfigFiles, globToRegExp } from '../../src/config/config-files.ts';
import { writeProject } from './project-fixture.ts';

describe('configuration file globs', () => {
  it('keeps * and ? within one path segment and lets ** span any number, none included', () => {
    const star = globToRegExp('catalog*');
    assert.ok(star.test('catalog.yml'));
    assert.ok(star.test('catalog_more.yml'));
    assert.equal(star.test('catalog/x.yml'), false);
    assert.equal(star.test('sub/catalog.yml'), false);

    const anyDepth = globToRegExp('**/catalog*');
    assert.ok(anyDepth.test('catalog.yml'));
    assert.ok(anyDepth.test('a/b/catalog_x.yml'));
    assert.equal(anyDepth.test('a/notcatalog.yml'), false);

    const inside = globToRegExp('catalog*/**');
    assert.ok(inside.test('catalog/a/b.yml'));
    assert.equal(inside.test('catalog.yml'), false);

    assert.ok(globToRegExp('p?.yml').test('p1.yml'));
    assert.equal(globToRegExp('p?.yml').test('p/.yml'), false);
    assert.equal(globToRegExp('a.yml').test('aXyml'), false);
  });

  it('follows symbolic links and ignores dangling ones', () => {
    const projectPath = writeProject({
      'shared/catalog.yml': 'a:\n  type: memory\n',
      'conf/base/parameters.yml': 'a: 1\n',
    });
    const base = join(projectPath, 'conf', 'base');
    mkdirSync(join(base, 'linked'), { recursive: true });
    symlinkSync(join(projectPath, 'shared'), join(base, 'linked', 'shared'));
    symlinkSync(join(projectPath, 'nowhere.yml'), join(base, 'catalog_dangling.yml'));
    assert.deepEqual(findConfigFiles(base, ['**/catalog*']), ['linked/shared/catalog.yml']);
  });
});

/**
 * `sluice run` on hostile configuration: an alias bomb and 100,000 nested brackets end with one
 * short message naming file and line, and exit code 2 (a configuration error, nothing ran).
 */
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { before, describe, test } from 'node:test';
import { assertExit, ensureBuilt, linkSluice, sluice, STACK_FRAME, tempDir, write } from './support.ts';

before(() => ensureBuilt());

function project(parameters: string): string {
  const folder = join(tempDir('hostile'), 'project');
  write(join(folder, 'package.json'), JSON.stringify({ name: 'hostile', type: 'module', private: true }));
  write(join(folder, 'conf', 'base', 'parameters.yml'), parameters);
  write(join(folder, 'conf', 'base', 'catalog.yml'), '{}\n');
  write(
    join(folder, 'sluice.config.ts'),
    `import { defineConfig, node, Pipeline } from 'sluice';

export default defineConfig({
  pipelines: { __default__: new Pipeline([node((x: unknown) => x, 'params:l0', 'out', { name: 'copy' })]) },
});
`,
  );
  linkSluice(folder);
  return folder;
}

describe('sluice run on hostile configuration', { concurrency: true, timeout: 180_000 }, () => {
  test('a ten-level alias bomb in parameters.yml: exit 2, file:line, in little time and memory', async () => {
    const lines = [`l0: &l0 [${Array(10).fill('"lol"').join(', ')}]`];
    for (let level = 1; level <= 10; level++)
      lines.push(
        `l${level}: &l${level} [${Array(10)
          .fill(`*l${level - 1}`)
          .join(', ')}]`,
      );
    const outcome = await sluice(['run', '--progress', 'off'], {
      cwd: project(`${lines.join('\n')}\n`),
      timeoutMs: 150_000,
    });
    assertExit(outcome, 2);
    assert.match(
      outcome.stderr,
      /^Error: conf\/base\/parameters\.yml:\d+:\d+: the aliases in this file expand to more than 100,000 values/m,
    );
    assert.doesNotMatch(outcome.stderr, STACK_FRAME);
  });

  test('100,000 nested brackets: exit 2 with a short excerpt, not the 200 KB line', async () => {
    const outcome = await sluice(['run', '--progress', 'off'], {
      cwd: project(`l0: ${'['.repeat(100_000)}${']'.repeat(100_000)}\n`),
      timeoutMs: 150_000,
    });
    assertExit(outcome, 2);
    assert.match(outcome.stderr, /^Error: conf\/base\/parameters\.yml:1:\d+: /m);
    assert.ok(outcome.stderr.length < 2000, `${outcome.stderr.length} characters of output`);
  });
});

/**
 * A step hook's label (what `sluice inspect` and the pipeline page show) comes from one function
 * of the plugin API, which the step-hooks and viz plugins both use rather than each their own.
 */
import assert from 'node:assert/strict';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import { fileURLToPath } from 'node:url';
import { stepHookLabel } from '../../src/plugin-api/index.ts';

const SRC = fileURLToPath(new URL('../../src', import.meta.url));

test('stepHookLabel: a reference as written, a function by its name', () => {
  async function notifyOncall() {}
  assert.equal(stepHookLabel('./src/hooks.ts#notify'), './src/hooks.ts#notify');
  assert.equal(stepHookLabel(notifyOncall), 'notifyOncall');
  assert.equal(stepHookLabel([() => {}][0]), 'anonymous function');
});

test('no other module of src/ makes its own label for an unnamed hook', () => {
  const makers = readdirSync(SRC, { recursive: true, encoding: 'utf8' })
    .filter((file) => file.endsWith('.ts'))
    .filter((file) => readFileSync(join(SRC, file), 'utf8').includes("'anonymous function'"));
  assert.deepEqual(makers, [join('plugin-api', 'step-hook-label.ts')]);
});

/**
 * Dataset types reach node functions: the fixtures in test/fixtures/typed are compiled, each in a
 * program of its own (an augmentation of `SluiceDatasets` applies to the whole program), against
 * the sources of `sluice`. Their `@ts-expect-error` lines must be errors, and nothing else may be.
 */
import assert from 'node:assert/strict';
import { readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import { fileURLToPath } from 'node:url';
import ts from 'typescript';
import { STARTER_COMPILER_OPTIONS, diagnosticLine, expectedErrorLines } from '../support/type-check.ts';

const REPO = fileURLToPath(new URL('../..', import.meta.url));
const FIXTURES = join(REPO, 'test', 'fixtures', 'typed');

/** The diagnostics of `files` under the starter's strict settings, `sluice` mapped to src/. */
export function compile(files: readonly string[], extra: ts.CompilerOptions = {}): string[] {
  const options: ts.CompilerOptions = {
    ...STARTER_COMPILER_OPTIONS,
    types: ['node'],
    paths: {
      sluice: [join(REPO, 'src/index.ts')],
      'sluice/plugin': [join(REPO, 'src/plugin-api/index.ts')],
      'sluice/dataset': [join(REPO, 'src/dataset-api/index.ts')],
    },
    ...extra,
  };
  const program = ts.createProgram([...files], options);
  return ts
    .getPreEmitDiagnostics(program)
    .filter((diagnostic) => diagnostic.file === undefined || !diagnostic.file.fileName.includes('/src/'))
    .map(diagnosticLine);
}

test('declared dataset and parameter types check inputs, outputs, records, params and namespaced pipelines', () => {
  assert.deepEqual(compile([join(FIXTURES, 'typed-pipeline.ts')]), []);
});

test('with nothing declared, wiring stays as permissive as before', () => {
  assert.deepEqual(compile([join(FIXTURES, 'untyped-pipeline.ts')]), []);
});

test('the @ts-expect-error lines are what fail: without them, each of their lines is an error', () => {
  const source = readFileSync(join(FIXTURES, 'typed-pipeline.ts'), 'utf8');
  const expected = expectedErrorLines(source);
  assert.ok(expected.length >= 9, `${expected.length} expected errors`);
  const stripped = join(FIXTURES, `.stripped-${process.pid}.ts`);
  try {
    writeFileSync(stripped, source.replaceAll('// @ts-expect-error', '// (expected error)'));
    const errorLines = new Set(compile([stripped]).map((error) => Number(/\.ts:(\d+):/.exec(error)?.[1])));
    assert.deepEqual(
      expected.filter((line) => !errorLines.has(line)),
      [],
      'every directive sits on a line that is an error',
    );
  } finally {
    rmSync(stripped, { force: true });
  }
});

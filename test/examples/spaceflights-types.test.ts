/**
 * The spaceflights example is fully typed: compiled with its own tsconfig.json (`sluice` mapped to
 * this checkout's sources, so no install or build is needed), it has no type error, and each
 * `@ts-expect-error` in test/miswired-nodes.ts (a node wired to the wrong datasets) is an error
 * once its directive is removed. The types come from src/sluice-datasets.d.ts, which
 * `sluice typegen` writes from the catalog's schemas and parameters.yml.
 */
import assert from 'node:assert/strict';
import { readFileSync, rmSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { test } from 'node:test';
import { fileURLToPath } from 'node:url';
import ts from 'typescript';
import { diagnosticLine, expectedErrorLines } from '../support/type-check.ts';

const REPO = fileURLToPath(new URL('../..', import.meta.url));
const EXAMPLE = join(REPO, 'examples', 'spaceflights');
const MISWIRED = join(EXAMPLE, 'test', 'miswired-nodes.ts');

/** The example's diagnostics, as `npm run typecheck` there reports them, plus `extraFiles`. */
function typecheckExample(extraFiles: readonly string[] = []): string[] {
  const parsed = ts.getParsedCommandLineOfConfigFile(
    join(EXAMPLE, 'tsconfig.json'),
    {},
    {
      ...ts.sys,
      onUnRecoverableConfigFileDiagnostic: (diagnostic) => {
        throw new Error(ts.flattenDiagnosticMessageText(diagnostic.messageText, '\n'));
      },
    },
  );
  assert.ok(parsed !== undefined);
  const options: ts.CompilerOptions = {
    ...parsed.options,
    paths: {
      sluice: [join(REPO, 'src/index.ts')],
      'sluice/plugin': [join(REPO, 'src/plugin-api/index.ts')],
      'sluice/dataset': [join(REPO, 'src/dataset-api/index.ts')],
    },
  };
  const program = ts.createProgram([...parsed.fileNames, ...extraFiles], options);
  return ts
    .getPreEmitDiagnostics(program)
    .filter((diagnostic) => diagnostic.file === undefined || diagnostic.file.fileName.startsWith(EXAMPLE))
    .map(diagnosticLine);
}

test('the example type-checks under its own strict settings, with every dataset typed', () => {
  assert.deepEqual(typecheckExample(), []);
  const declaration = readFileSync(join(EXAMPLE, 'src', 'sluice-datasets.d.ts'), 'utf8');
  assert.doesNotMatch(declaration, /\bany\b/, 'the generated declaration says `any` nowhere');
  // Every dataset the pipelines use is declared, so no node function receives `any`.
  for (const name of [
    'companies',
    'reviews',
    'shuttles',
    'preprocessed_companies',
    'preprocessed_shuttles',
    'model_input_table',
    'X_train',
    'X_test',
    'y_train',
    'y_test',
    'regressor',
    'metrics',
    "'params:model_options'",
    "'params:model_options.features'",
  ]) {
    assert.match(declaration, new RegExp(`^ {4}${name}: `, 'm'), `${name} is declared`);
  }
});

test("each @ts-expect-error in the example's miswired nodes is an error without its directive", () => {
  const source = readFileSync(MISWIRED, 'utf8');
  const expected = expectedErrorLines(source);
  assert.ok(expected.length >= 9, `${expected.length} expected errors`);
  // A sibling file, so that its relative imports resolve as the original's do.
  const stripped = join(dirname(MISWIRED), `stripped-${process.pid}.ts`);
  try {
    writeFileSync(stripped, source.replaceAll('// @ts-expect-error', '// (expected error)'));
    const errorLines = new Set(
      typecheckExample([stripped])
        .filter((error) => error.startsWith(stripped))
        .map((error) => Number(/\.ts:(\d+):/.exec(error)?.[1])),
    );
    assert.deepEqual(
      expected.filter((line) => !errorLines.has(line)),
      [],
      'every directive sits on a line that is an error',
    );
  } finally {
    rmSync(stripped, { force: true });
  }
});

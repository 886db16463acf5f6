/**
 * `sluice typegen` types a memory dataset by what its producing node's function returns only when
 * that is certain: the export it found by name must be the node's function (not a Zod schema that
 * shares the name), and every pipeline must produce the dataset with that same function. Run both
 * through the CLI (the bundling loader) and in this process (tsx, where the module is shared).
 */
import assert from 'node:assert/strict';
import { readFileSync, symlinkSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { before, test } from 'node:test';
import { pathToFileURL } from 'node:url';
import ts from 'typescript';
import { datasetTypesSource } from '../../src/cli/dataset-types-file.ts';
import { loadSettings } from '../../src/project/settings.ts';
import { assertExit, ensureBuilt, linkSluice, REPO, sluice, tempDir, write } from './support.ts';
import { STARTER_COMPILER_OPTIONS } from '../support/type-check.ts';

let project: string;

/** The project, importing Sluice from `sluice` (the CLI's) or from `sluiceSpecifier`. */
function writeProject(label: string, sluiceSpecifier: string): string {
  const project = join(tempDir(label), 'project');
  write(
    join(project, 'conf', 'base', 'catalog.yml'),
    'numbers:\n  type: json\n  filepath: data/numbers.json\n',
  );
  write(join(project, 'conf', 'base', 'parameters.yml'), 'factor: 2\n');
  write(join(project, 'conf', 'local', '.gitkeep'), '');
  write(join(project, 'package.json'), '{ "type": "module" }\n');
  write(
    join(project, 'sluice.config.ts'),
    [
      "import { defineConfig } from 'sluice';",
      '',
      'export default defineConfig({',
      '  pipelines: {',
      "    __default__: () => import('./src/pipelines.ts').then((m) => m.first),",
      "    second: () => import('./src/pipelines.ts').then((m) => m.second),",
      '  },',
      '});',
      '',
    ].join('\n'),
  );
  write(
    join(project, 'src', 'schemas.ts'),
    "import { z } from 'zod';\n\nexport const Reading = z.object({ celsius: z.number() });\n",
  );
  write(
    join(project, 'src', 'nodes.ts'),
    [
      'export function double(numbers: number[]): number[] {',
      '  return numbers.map((n) => n * 2);',
      '}',
      '',
      'export function total(numbers: number[]): number {',
      '  return numbers.reduce((sum, n) => sum + n, 0);',
      '}',
      '',
      'export function label(numbers: number[]): string {',
      "  return numbers.join(',');",
      '}',
      '',
    ].join('\n'),
  );
  write(
    join(project, 'src', 'pipelines.ts'),
    [
      "import { node, Pipeline } from 'sluice';",
      "import { double, label, total } from './nodes.ts';",
      '',
      '// Not exported, and named like the Zod schema src/schemas.ts exports.',
      'function Reading(numbers: number[]): { celsius: number } {',
      '  return { celsius: numbers[0] ?? 0 };',
      '}',
      '',
      'export const first = new Pipeline([',
      "  node(Reading, 'numbers', 'reading'),",
      "  node(double, 'numbers', 'doubled'),",
      "  node(total, 'doubled', 'summary'),",
      ']);',
      '',
      '// The same function for doubled; another one (a string, not a number) for summary.',
      'export const second = new Pipeline([',
      "  node(double, 'numbers', 'doubled'),",
      "  node(label, 'doubled', 'summary'),",
      ']);',
      '',
    ].join('\n'),
  );
  linkSluice(project);
  symlinkSync(join(REPO, 'node_modules', 'zod'), join(project, 'node_modules', 'zod'), 'dir');
  if (sluiceSpecifier !== 'sluice') {
    for (const file of ['sluice.config.ts', join('src', 'pipelines.ts')]) {
      const path = join(project, file);
      writeFileSync(
        path,
        readFileSync(path, 'utf8').replaceAll("from 'sluice'", `from '${sluiceSpecifier}'`),
      );
    }
  }
  return project;
}

before(() => {
  ensureBuilt();
  project = writeProject('typegen-producers', 'sluice');
});

function assertTypes(source: string): void {
  const body = source.slice(source.indexOf('interface SluiceDatasets'));
  assert.match(body, /^ {4}doubled: Awaited<ReturnType<typeof nodes\.double>>;$/m, source);
  assert.doesNotMatch(body, /^ {4}reading:/m, `Reading is a Zod schema, not the node function:\n${source}`);
  assert.doesNotMatch(body, /^ {4}summary:/m, `two functions produce summary:\n${source}`);
}

test('sluice typegen: only exports that are the node function, only when producers agree', async () => {
  assertExit(await sluice(['typegen'], { cwd: project }), 0);
  const declaration = join(project, 'src', 'sluice-datasets.d.ts');
  assertTypes(readFileSync(declaration, 'utf8'));
  // The declaration compiles (a ReturnType of a Zod schema would not).
  const program = ts.createProgram([declaration], {
    ...STARTER_COMPILER_OPTIONS,
    types: [],
  });
  const problems = ts
    .getPreEmitDiagnostics(program)
    .map((diagnostic) => ts.flattenDiagnosticMessageText(diagnostic.messageText, '\n'));
  assert.deepEqual(problems, []);
});

test('datasetTypesSource in this process (tsx: the pipelines and the check share the module)', async () => {
  const inProcess = writeProject('typegen-producers-tsx', pathToFileURL(join(REPO, 'src', 'index.ts')).href);
  assertTypes(await datasetTypesSource(await loadSettings(inProcess), 'local'));
});

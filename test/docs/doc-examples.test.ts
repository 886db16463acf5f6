/**
 * Every TypeScript block of docs/*.md compiles under the starter's strict settings, against the
 * real `sluice`, `sluice/plugin` and `sluice/dataset` entry points. A block that is deliberately
 * partial (a fragment of a file, code that calls the reader's own functions) says so in its info
 * string, ```` ```ts partial ````, and is left out; the test lists how many there are so that the
 * marker can't quietly swallow the docs.
 */
import assert from 'node:assert/strict';
import { mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { fileURLToPath } from 'node:url';
import ts from 'typescript';
import { ensureBuilt } from '../cli/support.ts';
import { STARTER_COMPILER_OPTIONS } from '../support/type-check.ts';

const REPO = fileURLToPath(new URL('../..', import.meta.url));
const DOCS = join(REPO, 'docs');
const PROJECT = join(REPO, 'test', 'docs', 'project');

/** One ```ts block: where it is, its code, and whether it is marked partial. */
export interface DocBlock {
  readonly file: string;
  /** The line of the opening fence, 1-based. */
  readonly line: number;
  readonly code: string;
  readonly partial: boolean;
}

/** The ```ts and ```typescript blocks of a Markdown text. */
export function tsBlocks(file: string, markdown: string): DocBlock[] {
  const blocks: DocBlock[] = [];
  const lines = markdown.split('\n');
  for (let i = 0; i < lines.length; i++) {
    const open = /^(\s*)```(ts|typescript)(\s+.*)?$/.exec(lines[i]!);
    if (open === null) continue;
    const indent = open[1]!.length;
    const body: string[] = [];
    let j = i + 1;
    for (; j < lines.length && !/^\s*```\s*$/.test(lines[j]!); j++) body.push(lines[j]!.slice(indent));
    blocks.push({ file, line: i + 1, code: body.join('\n'), partial: /\bpartial\b/.test(open[3] ?? '') });
    i = j;
  }
  return blocks;
}

const COMPILER_OPTIONS: ts.CompilerOptions = {
  ...STARTER_COMPILER_OPTIONS,
  types: ['node'],
  // What a project that installed Sluice sees, pointed at the sources so no build is needed.
  paths: {
    sluice: [join(REPO, 'src/index.ts')],
    'sluice/plugin': [join(REPO, 'src/plugin-api/index.ts')],
    'sluice/dataset': [join(REPO, 'src/dataset-api/index.ts')],
  },
};

test('every TypeScript block in docs/*.md type-checks under strict settings (partial ones are marked)', () => {
  const blocks = readdirSync(DOCS)
    .filter((name) => name.endsWith('.md'))
    .sort()
    .flatMap((name) => tsBlocks(`docs/${name}`, readFileSync(join(DOCS, name), 'utf8')));
  const checked = blocks.filter((block) => !block.partial);
  // A floor, raised as partial blocks are completed, so that marking blocks partial can't quietly
  // empty the test.
  assert.ok(checked.length >= 59, `${checked.length} complete blocks checked`);
  // Each block is its own module in test/docs/project, a stand-in for the reader's project (so that
  // node_modules resolves, and so do the reader's own files the blocks import: ./nodes.ts, ...).
  const files = new Map<string, DocBlock>();
  checked.forEach((block, index) => {
    const name = join(PROJECT, `.block-${index}-${block.file.replace(/\W/g, '_')}-${block.line}.ts`);
    files.set(name, block);
  });
  const host = ts.createCompilerHost(COMPILER_OPTIONS);
  const readFile = host.readFile.bind(host);
  const fileExists = host.fileExists.bind(host);
  host.readFile = (name) => {
    const block = files.get(name);
    return block === undefined ? readFile(name) : `${block.code}\nexport {};\n`;
  };
  host.fileExists = (name) => files.has(name) || fileExists(name);
  const program = ts.createProgram([...files.keys()], COMPILER_OPTIONS, host);
  const problems = ts
    .getPreEmitDiagnostics(program)
    .filter((diagnostic) => diagnostic.file !== undefined && files.has(diagnostic.file.fileName))
    .map((diagnostic) => {
      const block = files.get(diagnostic.file!.fileName)!;
      const { line } = diagnostic.file!.getLineAndCharacterOfPosition(diagnostic.start ?? 0);
      return `${block.file}:${block.line + 1 + line}: ${ts.flattenDiagnosticMessageText(diagnostic.messageText, '\n')}`;
    });
  assert.deepEqual(problems, [], `doc examples that don't compile:\n${problems.join('\n')}`);
  process.stdout.write(
    `# ${checked.length} doc blocks type-checked, ${blocks.length - checked.length} marked partial\n`,
  );
});

test("catalog.md's own dataset type saves into a folder that doesn't exist yet and loads back", async () => {
  ensureBuilt(); // `sluice/dataset` resolves to the package's own dist/, as in a user's project
  const block = tsBlocks('docs/catalog.md', readFileSync(join(DOCS, 'catalog.md'), 'utf8')).find((each) =>
    each.code.includes('class GeoJsonDataset'),
  );
  assert.ok(block !== undefined && !block.partial);
  // Inside the checkout, so that the module's `sluice/dataset` import resolves to this package.
  const module = join(REPO, 'test', 'docs', `.geojson-${process.pid}.ts`);
  const project = mkdtempSync(join(tmpdir(), 'sluice-doc-geojson-'));
  try {
    writeFileSync(module, block.code);
    const { GeoJsonDataset } = (await import(module)) as {
      GeoJsonDataset: new (
        options: Record<string, unknown>,
        context: { name: string; projectPath: string },
      ) => { save(data: object): Promise<void>; load(): Promise<unknown>; exists(): Promise<boolean> };
    };
    const dataset = new GeoJsonDataset(
      { filepath: 'data/01_raw/zones.geojson' },
      { name: 'zones', projectPath: project },
    );
    assert.equal(await dataset.exists(), false);
    const zones = { type: 'FeatureCollection', features: [] };
    await dataset.save(zones);
    assert.deepEqual(await dataset.load(), zones);
    assert.deepEqual(
      readdirSync(join(project, 'data', '01_raw')),
      ['zones.geojson'],
      'no temporary file left',
    );
  } finally {
    rmSync(module, { force: true });
    rmSync(project, { recursive: true, force: true });
  }
});

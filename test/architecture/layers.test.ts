/**
 * The one-way layers of src/ (docs/architecture.md): a file may import its own folder, any lower
 * layer, and nothing else. Every import counts — static, `export … from`, `import()`, `import('…')`
 * in a type, type-only — since each one couples the code. Imports with a computed specifier
 * (`import(pathToFileURL(path).href)`, the user's own modules) name no file of src/ and are not checked.
 */
import assert from 'node:assert/strict';
import { readdirSync, readFileSync } from 'node:fs';
import { dirname, join, relative, resolve, sep } from 'node:path';
import { test } from 'node:test';
import { fileURLToPath } from 'node:url';
import ts from 'typescript';

const REPO = resolve(dirname(fileURLToPath(import.meta.url)), '..', '..');
const SRC = join(REPO, 'src');

/**
 * The layers, lowest first. Each entry lists what lives on that layer: a folder of src/ (`io`),
 * or `.` for the utility files directly in src/. Folders sharing a layer are siblings: neither may
 * import the other, so that they stay independent. Place a new folder here before it can be used.
 */
export const LAYERS: readonly (readonly string[])[] = [
  ['.'], // errors, values, suggest, maybe-promise, median, config-location, module-loader, version
  ['config'],
  ['secrets'],
  ['run-types'], // RunParams, RunResult, ProjectContext: shared by hooks, runners and sessions
  ['io', 'pipeline'],
  ['hooks'],
  ['project'], // opening a project in a process: settings, project hooks, catalog
  ['runner'],
  ['run-store'], // the SQLite run store the tracking plugin writes and `sluice runs` reads
  ['plugin-api'],
  ['plugins'],
  ['session'], // opens a project for a run, with the built-in plugins
  ['cli'],
  ['index.ts', 'dataset-api'], // the package's entry points
];

/**
 * Upward imports the code still makes, each with its reason. The test fails when one disappears,
 * so that this list only shrinks. Add nothing here without a reason a reviewer accepts.
 */
export const KNOWN_EXCEPTIONS: readonly { from: string; to: string; why: string }[] = [];

/** Where a file of src/ sits: the layer's index and the unit (folder, or `.`/`index.ts`) it belongs to. */
export function placeOf(file: string): { layer: number; unit: string } {
  const parts = file.split('/');
  const unit = parts.length === 1 ? (parts[0] === 'index.ts' ? 'index.ts' : '.') : parts[0]!;
  const layer = LAYERS.findIndex((units) => units.includes(unit));
  return { layer, unit };
}

/** One import of one file: the target, relative to src/, and the line it is on. */
export interface ImportEdge {
  readonly from: string;
  readonly line: number;
  readonly to: string;
}

/** Every import of `text` (a file at `file`, relative to src/) that names a file inside src/. */
export function importsOf(file: string, text: string): ImportEdge[] {
  const source = ts.createSourceFile(file, text, ts.ScriptTarget.Latest, true, ts.ScriptKind.TS);
  const edges: ImportEdge[] = [];
  const add = (specifier: ts.Node | undefined) => {
    if (specifier === undefined || !ts.isStringLiteralLike(specifier)) return;
    if (!specifier.text.startsWith('.')) return; // a package or node: builtin
    const target = relative(SRC, resolve(SRC, dirname(file), specifier.text))
      .split(sep)
      .join('/');
    if (target.startsWith('..')) return;
    const line = source.getLineAndCharacterOfPosition(specifier.getStart(source)).line + 1;
    edges.push({ from: file, line, to: target });
  };
  const visit = (node: ts.Node): void => {
    if (ts.isImportDeclaration(node) || ts.isExportDeclaration(node)) add(node.moduleSpecifier);
    else if (ts.isImportEqualsDeclaration(node) && ts.isExternalModuleReference(node.moduleReference))
      add(node.moduleReference.expression);
    else if (ts.isCallExpression(node) && node.expression.kind === ts.SyntaxKind.ImportKeyword)
      add(node.arguments[0]);
    else if (ts.isImportTypeNode(node) && ts.isLiteralTypeNode(node.argument)) add(node.argument.literal);
    ts.forEachChild(node, visit);
  };
  visit(source);
  return edges;
}

/** The imports that break the layering, as `file:line → target (rule)` lines. */
export function violations(edges: readonly ImportEdge[]): string[] {
  const found: string[] = [];
  for (const edge of edges) {
    const from = placeOf(edge.from);
    const to = placeOf(edge.to);
    if (from.unit === to.unit) continue;
    const at = `src/${edge.from}:${edge.line} → src/${edge.to}`;
    if (to.layer > from.layer)
      found.push(`${at} (${from.unit} is on layer ${from.layer}, below ${to.unit} on layer ${to.layer})`);
    else if (to.layer === from.layer)
      found.push(
        `${at} (${from.unit} and ${to.unit} are siblings on layer ${from.layer}: neither imports the other)`,
      );
  }
  return found;
}

function sourceFiles(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) return sourceFiles(path);
    return entry.name.endsWith('.ts') ? [relative(SRC, path).split(sep).join('/')] : [];
  });
}

function allEdges(): ImportEdge[] {
  return sourceFiles(SRC).flatMap((file) => importsOf(file, readFileSync(join(SRC, file), 'utf8')));
}

const isException = (edge: ImportEdge) =>
  KNOWN_EXCEPTIONS.some((known) => known.from === edge.from && known.to === edge.to);

test('every file of src/ sits on a layer', () => {
  const unplaced = sourceFiles(SRC).filter((file) => placeOf(file).layer === -1);
  assert.deepEqual(unplaced, [], 'add the folder to LAYERS in test/architecture/layers.test.ts');
});

test('no file of src/ imports a higher layer or a sibling folder', () => {
  const found = violations(allEdges().filter((edge) => !isException(edge)));
  assert.ok(found.length === 0, `imports against the layers (docs/architecture.md):\n${found.join('\n')}`);
});

test('every known exception still occurs, so that the list only shrinks', () => {
  const edges = allEdges();
  const gone = KNOWN_EXCEPTIONS.filter(
    (known) => !edges.some((e) => e.from === known.from && e.to === known.to),
  );
  assert.deepEqual(gone, [], 'remove these from KNOWN_EXCEPTIONS: the code no longer needs them');
});

test('the checker sees every kind of import and names the rule it breaks', () => {
  const text = [
    "import type { RunResult } from '../session/run-pipeline.ts';",
    "export { Session } from '../session/session.ts';",
    "const cli = () => import('../cli/main.ts');",
    "type Hooks = import('../hooks/specs.ts').HookSpecs;",
    "import { formatLocation } from '../config-location.ts';",
    "import { Pipeline } from '../pipeline/pipeline.ts';",
    "import { parse } from 'yaml';",
  ].join('\n');
  assert.deepEqual(violations(importsOf('io/catalog.ts', text)), [
    'src/io/catalog.ts:1 → src/session/run-pipeline.ts (io is on layer 4, below session on layer 11)',
    'src/io/catalog.ts:2 → src/session/session.ts (io is on layer 4, below session on layer 11)',
    'src/io/catalog.ts:3 → src/cli/main.ts (io is on layer 4, below cli on layer 12)',
    'src/io/catalog.ts:4 → src/hooks/specs.ts (io is on layer 4, below hooks on layer 5)',
    'src/io/catalog.ts:6 → src/pipeline/pipeline.ts (io and pipeline are siblings on layer 4: neither imports the other)',
  ]);
});

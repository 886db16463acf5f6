/**
 * Built-in plugins are plugins on the public API: a file under src/plugins/ imports only what a
 * third-party plugin can import (an entry point of package.json "exports"), files of its own
 * plugin folder, Node's built-ins and the package's own dependencies, optional peer dependencies
 * included (loaded at first use through `importOptional`, which test/api/optional-package.test.ts checks).
 */
import assert from 'node:assert/strict';
import { readdirSync, readFileSync } from 'node:fs';
import { builtinModules } from 'node:module';
import { join, relative } from 'node:path';
import { test } from 'node:test';
import ts from 'typescript';
import { REPO, entryPoints, resolveRelative } from './entry-points.ts';

interface ImportSite {
  readonly specifier: string;
  readonly line: number;
  /** `import type`, or a dynamic `import()`: neither runs the target while this module loads. */
  readonly deferred: boolean;
}

function importsOf(path: string): ImportSite[] {
  const file = ts.createSourceFile(
    path,
    readFileSync(join(REPO, path), 'utf8'),
    ts.ScriptTarget.Latest,
    true,
  );
  const sites: ImportSite[] = [];
  const lineOf = (node: ts.Node) => file.getLineAndCharacterOfPosition(node.getStart(file)).line + 1;
  const visit = (node: ts.Node): void => {
    if (
      (ts.isImportDeclaration(node) || ts.isExportDeclaration(node)) &&
      node.moduleSpecifier !== undefined &&
      ts.isStringLiteral(node.moduleSpecifier)
    ) {
      const typeOnly = ts.isImportDeclaration(node)
        ? node.importClause?.isTypeOnly === true
        : node.isTypeOnly;
      sites.push({ specifier: node.moduleSpecifier.text, line: lineOf(node), deferred: typeOnly });
    } else if (
      ts.isCallExpression(node) &&
      node.expression.kind === ts.SyntaxKind.ImportKeyword &&
      node.arguments[0] !== undefined &&
      ts.isStringLiteralLike(node.arguments[0])
    ) {
      sites.push({ specifier: node.arguments[0].text, line: lineOf(node), deferred: true });
    }
    ts.forEachChild(node, visit);
  };
  visit(file);
  return sites;
}

function typescriptFiles(folder: string): string[] {
  return readdirSync(join(REPO, folder), { recursive: true, withFileTypes: true })
    .filter((entry) => entry.isFile() && entry.name.endsWith('.ts'))
    .map((entry) => relative(REPO, join(entry.parentPath, entry.name)).split('\\').join('/'))
    .sort();
}

const manifest = JSON.parse(readFileSync(join(REPO, 'package.json'), 'utf8')) as {
  dependencies: Record<string, string>;
  peerDependencies: Record<string, string>;
};
const USER_ENTRY = 'src/index.ts';
const AUTHOR_ENTRIES = new Set(entryPoints().map((entry) => entry.source));
AUTHOR_ENTRIES.delete(USER_ENTRY);

/** Why `site` is not allowed in `file`, or undefined when it is. */
function violation(file: string, site: ImportSite): string | undefined {
  const { specifier } = site;
  if (specifier.startsWith('node:') || builtinModules.includes(specifier)) return undefined;
  if (!specifier.startsWith('.')) {
    const name = specifier.startsWith('@')
      ? specifier.split('/').slice(0, 2).join('/')
      : specifier.split('/')[0]!;
    return name in manifest.dependencies || name in manifest.peerDependencies
      ? undefined
      : `"${specifier}" is not one of the package's dependencies`;
  }
  const target = resolveRelative(file, specifier);
  if (AUTHOR_ENTRIES.has(target)) return undefined;
  // `sluice` exports the built-in plugins themselves: loading it from one is a cycle. Types are fine.
  if (target === USER_ENTRY) {
    return site.deferred
      ? undefined
      : `values come from sluice/plugin (src/plugin-api/index.ts): src/index.ts exports the built-in plugins, so a plugin importing it at load time is a cycle`;
  }
  const [, , folder] = file.split('/');
  const own = file.split('/').length === 3 ? undefined : `src/plugins/${folder}/`;
  if (own !== undefined && target.startsWith(own)) return undefined;
  // The plugins folder's own barrel and default list import each plugin through its index.
  if (own === undefined && /^src\/plugins\/[^/]+\/index\.ts$/.test(target)) return undefined;
  return `${target} is not public: import it from an entry point (${[...AUTHOR_ENTRIES].join(', ')}), or export it there on purpose, documented`;
}

test('files under src/plugins/ import only public entry points and their own plugin folder', () => {
  const problems: string[] = [];
  const files = typescriptFiles('src/plugins');
  assert.ok(files.length > 10, `found only ${files.length} plugin files`);
  for (const file of files)
    for (const site of importsOf(file)) {
      const problem = violation(file, site);
      if (problem !== undefined) problems.push(`${file}:${site.line}: "${site.specifier}": ${problem}`);
    }
  assert.deepEqual(
    problems,
    [],
    `Built-in plugins use only what a third-party plugin can import:\n${problems.join('\n')}`,
  );
});

test('the rule rejects internals, other plugins and load-time imports of sluice itself', () => {
  const file = 'src/plugins/alerts/plugin.ts';
  const site = (specifier: string, deferred = false): ImportSite => ({ specifier, line: 1, deferred });
  assert.equal(violation(file, site('../../plugin-api/index.ts')), undefined);
  assert.equal(violation(file, site('../../dataset-api/index.ts')), undefined);
  assert.equal(violation(file, site('./alert.ts')), undefined);
  assert.equal(violation(file, site('node:crypto')), undefined);
  assert.equal(violation(file, site('../../index.ts', true)), undefined);
  assert.match(violation(file, site('../../index.ts'))!, /cycle/);
  assert.match(violation(file, site('../../suggest.ts'))!, /src\/suggest\.ts is not public/);
  assert.match(violation(file, site('../step-hooks/invoke.ts'))!, /not public/);
  assert.match(violation(file, site('tapable'))!, /not one of the package's dependencies/);
  assert.equal(violation('src/plugins/index.ts', site('./alerts/index.ts')), undefined);
  assert.match(violation('src/plugins/index.ts', site('./alerts/plugin.ts'))!, /not public/);
});

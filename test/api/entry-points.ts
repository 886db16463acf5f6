/**
 * The package's entry points, read from package.json "exports", and the names each one exports,
 * read from its source: entry files list their exports by name, so the list is the syntax.
 */
import { readFileSync } from 'node:fs';
import { dirname, join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import ts from 'typescript';

export const REPO = join(dirname(fileURLToPath(import.meta.url)), '..', '..');

export interface EntryPoint {
  /** What a user imports: `sluice`, `sluice/plugin`, ... */
  readonly specifier: string;
  /** The source file behind it, relative to the repository: `src/index.ts`. */
  readonly source: string;
}

export interface ExportedName {
  readonly name: string;
  readonly typeOnly: boolean;
}

/** Every entry point of package.json "exports" that is code (not package.json itself). */
export function entryPoints(): EntryPoint[] {
  const manifest = JSON.parse(readFileSync(join(REPO, 'package.json'), 'utf8')) as {
    name: string;
    exports: Record<string, string | { import?: string }>;
  };
  const entries: EntryPoint[] = [];
  for (const [subpath, target] of Object.entries(manifest.exports)) {
    const built = typeof target === 'string' ? target : target.import;
    if (built === undefined || !built.endsWith('.js')) continue;
    const source = built.replace(/^\.\/dist\//, 'src/').replace(/\.js$/, '.ts');
    entries.push({
      specifier: subpath === '.' ? manifest.name : `${manifest.name}/${subpath.slice(2)}`,
      source,
    });
  }
  return entries;
}

/**
 * The names an entry file exports. Throws on anything but `export { ... } from` and
 * `export type { ... } from`, so that a name can't slip in through `export *` or a declaration.
 */
export function exportedNames(source: string): ExportedName[] {
  const file = ts.createSourceFile(source, readFileSync(join(REPO, source), 'utf8'), ts.ScriptTarget.Latest);
  const names: ExportedName[] = [];
  for (const statement of file.statements) {
    const line = file.getLineAndCharacterOfPosition(statement.getStart(file)).line + 1;
    if (
      !ts.isExportDeclaration(statement) ||
      statement.exportClause === undefined ||
      !ts.isNamedExports(statement.exportClause)
    ) {
      throw new Error(
        `${source}:${line}: an entry file only re-exports by name (export { a } from './a.ts'), so that every public name is chosen on purpose.`,
      );
    }
    for (const element of statement.exportClause.elements)
      names.push({ name: element.name.text, typeOnly: statement.isTypeOnly || element.isTypeOnly });
  }
  return names;
}

/** The repository-relative path of a module an import specifier in `from` points at. */
export function resolveRelative(from: string, specifier: string): string {
  return relative(REPO, join(REPO, dirname(from), specifier))
    .split('\\')
    .join('/');
}

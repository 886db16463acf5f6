/**
 * Helpers of the type-level tests: the starter's strict compiler settings, a compiler diagnostic
 * as one line, and the lines a file's `@ts-expect-error` directives claim are errors.
 */
import ts from 'typescript';

/** The compiler settings of the starter's tsconfig.json, which every type-level test checks under. */
export const STARTER_COMPILER_OPTIONS: Readonly<ts.CompilerOptions> = {
  target: ts.ScriptTarget.ES2022,
  module: ts.ModuleKind.NodeNext,
  moduleResolution: ts.ModuleResolutionKind.NodeNext,
  strict: true,
  noEmit: true,
  allowImportingTsExtensions: true,
  skipLibCheck: true,
};

/** `/path/file.ts:12: message`, the message's chain flattened. */
export function diagnosticLine(diagnostic: ts.Diagnostic): string {
  const where =
    diagnostic.file === undefined
      ? ''
      : `${diagnostic.file.fileName}:${diagnostic.file.getLineAndCharacterOfPosition(diagnostic.start ?? 0).line + 1}: `;
  return `${where}${ts.flattenDiagnosticMessageText(diagnostic.messageText, '\n')}`;
}

/** The 1-based lines right after each `// @ts-expect-error` of `source`: the lines that must fail. */
export function expectedErrorLines(source: string): number[] {
  return source
    .split('\n')
    .flatMap((line, index) => (line.trim().startsWith('// @ts-expect-error') ? [index + 2] : []));
}

/**
 * Helpers of the type-level tests: a compiler diagnostic as one line, and the lines a file's
 * `@ts-expect-error` directives claim are errors.
 */
import ts from 'typescript';

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

/**
 * The conformance adapter: answers the JSON-lines cases of docs/conformance.md through Sluice's
 * public API. Usage: `npx tsx scripts/conformance.ts FAMILY < cases.jsonl > answers.jsonl`.
 * One case per line in, one answer per line out; an exception inside a case becomes its answer.
 */
import { createInterface } from 'node:readline';

type Answerer = (testCase: any) => unknown;

const families: Record<string, () => Promise<Answerer>> = {
  'hook-order': async () => (await import('./conformance/hook-order.ts')).answer,
  'pipeline-filter': async () => (await import('./conformance/pipeline-filter.ts')).answer,
  'run-hooks': async () => (await import('./conformance/run-hooks.ts')).answer,
  'catalog-patterns': async () => (await import('./conformance/catalog-patterns.ts')).answer,
};

export async function answerLine(family: string, line: string): Promise<Record<string, unknown>> {
  const load = families[family];
  if (load === undefined)
    throw new Error(`Unknown family "${family}". Use one of: ${Object.keys(families).join(', ')}.`);
  const answer = await load();
  const testCase = JSON.parse(line) as { id: string };
  try {
    return { id: testCase.id, ...((await answer(testCase)) as object) };
  } catch (error) {
    return {
      id: testCase.id,
      error: (error as Error)?.name ?? 'Error',
      crash: String((error as Error)?.stack ?? error),
    };
  }
}

async function main(): Promise<void> {
  const family = process.argv[2];
  if (family === undefined || !(family in families)) {
    process.stderr.write(
      `usage: tsx scripts/conformance.ts ${Object.keys(families).join('|')} < cases.jsonl\n`,
    );
    process.exitCode = 2;
    return;
  }
  const lines = createInterface({ input: process.stdin, crlfDelay: Infinity });
  for await (const line of lines) {
    if (line.trim() === '') continue;
    process.stdout.write(JSON.stringify(await answerLine(family, line)) + '\n');
  }
}

if (import.meta.url === `file://${process.argv[1]}`) await main();

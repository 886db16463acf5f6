/**
 * Runs the hook-order conformance cases (the shared samples and the historic ones from the pluggy
 * oracle) through the real manager, with synchronous and with async implementations, and lists the
 * mismatches. Imported by the tests, and run as a script in a child process started with
 * `--disallow-code-generation-from-strings`: it then prints one JSON line
 * `{ generated, cases, mismatches }`.
 */
import { isDeepStrictEqual } from 'node:util';
import { readFileSync } from 'node:fs';
import { answer } from '../../scripts/conformance/hook-order.ts';
import { generatingCallSites } from '../../src/hooks/generated-call-sites.ts';

interface Sample {
  id: string;
  expected: unknown;
}

export function readSamples(): Sample[] {
  return ['hook-order.jsonl', 'hook-order-historic.jsonl']
    .flatMap((file) =>
      readFileSync(new URL(`../fixtures/conformance/${file}`, import.meta.url), 'utf8').split('\n'),
    )
    .filter((line) => line.trim() !== '')
    .map((line) => JSON.parse(line) as Sample);
}

/** `id (sync|async): got ...` for every case whose answer differs from pluggy's. */
export async function sampleMismatches(samples: readonly Sample[] = readSamples()): Promise<string[]> {
  const mismatches: string[] = [];
  for (const sample of samples) {
    for (const asyncImpls of [false, true]) {
      let got: unknown;
      try {
        got = await answer(sample as never, { asyncImpls });
      } catch (error) {
        got = { crash: String(error) };
      }
      if (!isDeepStrictEqual(got, sample.expected))
        mismatches.push(`${sample.id} (${asyncImpls ? 'async' : 'sync'}): got ${JSON.stringify(got)}`);
    }
  }
  return mismatches;
}

if (import.meta.url === `file://${process.argv[1]}`) {
  const samples = readSamples();
  const mismatches = await sampleMismatches(samples);
  process.stdout.write(
    JSON.stringify({ generated: generatingCallSites(), cases: samples.length, mismatches }) + '\n',
  );
}

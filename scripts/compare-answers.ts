/**
 * Compares adapter answers (stdin) with the `expected` of the cases file given as argument, and
 * prints the mismatches and an "N passed, N failed" line. Exits 1 on any mismatch.
 */
import { readFileSync } from 'node:fs';
import { isDeepStrictEqual } from 'node:util';

const casesFile = process.argv[2];
if (casesFile === undefined)
  throw new Error('usage: tsx scripts/compare-answers.ts cases.jsonl < answers.jsonl');
const expected = new Map<string, Record<string, unknown>>();
for (const line of readFileSync(casesFile, 'utf8').split('\n')) {
  if (line.trim() === '') continue;
  const testCase = JSON.parse(line) as { id: string; expected: Record<string, unknown> };
  expected.set(testCase.id, testCase.expected);
}
let passed = 0;
let failed = 0;
const answers = readFileSync(0, 'utf8')
  .split('\n')
  .filter((line) => line.trim() !== '');
for (const line of answers) {
  const answer = JSON.parse(line) as Record<string, unknown>;
  const want = expected.get(answer.id as string);
  const mismatched =
    want === undefined
      ? ['id']
      : Object.keys(want).filter((key) => !isDeepStrictEqual(answer[key], want[key]));
  if (mismatched.length === 0) passed++;
  else {
    failed++;
    if (failed <= 10)
      console.log(
        `MISMATCH ${answer.id} (${mismatched.join(', ')}):\n  got      ${line}\n  expected ${JSON.stringify(want)}`,
      );
  }
}
console.log(`${passed} passed, ${failed} failed`);
process.exitCode = failed === 0 && answers.length === expected.size ? 0 : 1;

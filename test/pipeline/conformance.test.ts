/**
 * Kedro conformance through the adapter (`answerLine('pipeline-filter', line)`):
 * - the shared samples (test/fixtures/conformance/pipeline-filter.jsonl), one per rule;
 * - kedro-random-cases.jsonl: random cases in the same format, answered by running Kedro 1.5.0
 *   (commit d58a0b1, Apache-2.0) itself, three per (operation, error class) pair, to guard generality.
 *   They record Kedro's behaviour, not its code.
 * Every field of `expected` must match exactly, except `error_message`: Sluice writes its own
 * messages, so only its presence is compared.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { answerLine } from '../../scripts/conformance.ts';

function readCases(url: URL): string[] {
  return readFileSync(url, 'utf8')
    .split('\n')
    .filter((line) => line.trim() !== '');
}

const samples = readCases(new URL('../fixtures/conformance/pipeline-filter.jsonl', import.meta.url));
const randomCases = readCases(new URL('./kedro-random-cases.jsonl', import.meta.url));

for (const line of [...samples, ...randomCases]) {
  const testCase = JSON.parse(line) as { id: string; description: string; expected: Record<string, unknown> };
  test(`${testCase.id}: ${testCase.description}`, async () => {
    const answer = await answerLine('pipeline-filter', line);
    assert.equal(answer.crash, undefined, String(answer.crash));
    for (const [field, expected] of Object.entries(testCase.expected)) {
      if (field === 'error_message') {
        assert.equal(typeof answer[field], typeof expected, 'error_message presence');
        continue;
      }
      assert.deepStrictEqual(answer[field], expected, field);
    }
  });
}

test('there are cases to check', () => {
  assert.ok(samples.length >= 60);
  assert.ok(randomCases.length >= 200);
});

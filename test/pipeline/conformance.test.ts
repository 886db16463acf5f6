/**
 * Every pipeline-filter sample (answers recorded from Kedro 1.5.0) through the conformance adapter.
 * All fields of `expected` must match exactly, except `error_message`: Sluice writes its own
 * messages, so only its presence is compared.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { answerLine } from '../../scripts/conformance.ts';

const samples = readFileSync(
  new URL('../fixtures/conformance/pipeline-filter.jsonl', import.meta.url),
  'utf8',
)
  .split('\n')
  .filter((line) => line.trim() !== '');

for (const line of samples) {
  const sample = JSON.parse(line) as { id: string; description: string; expected: Record<string, unknown> };
  test(`${sample.id}: ${sample.description}`, async () => {
    const answer = await answerLine('pipeline-filter', line);
    assert.equal(answer.crash, undefined, String(answer.crash));
    for (const [field, expected] of Object.entries(sample.expected)) {
      if (field === 'error_message') {
        assert.equal(typeof answer[field], typeof expected, 'error_message presence');
        continue;
      }
      assert.deepStrictEqual(answer[field], expected, field);
    }
  });
}

test('there are samples to check', () => {
  assert.ok(samples.length >= 60);
});

/**
 * Kedro dataset-factory conformance through the adapter (`answerLine('catalog-patterns', line)`):
 * - the shared samples (test/fixtures/conformance/catalog-patterns.jsonl), answered by Kedro 1.5.0's
 *   CatalogConfigResolver, one per rule;
 * - catalog-patterns-reasoned.jsonl: further cases in the same format whose answers were reasoned
 *   from the rules in docs/conformance.md (Kedro could not be run here), to guard generality.
 */
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { test } from 'node:test';
import { answerLine } from '../../scripts/conformance.ts';

function readCases(url: URL): string[] {
  return readFileSync(url, 'utf8')
    .split('\n')
    .filter((line) => line.trim() !== '');
}

const samples = readCases(new URL('../fixtures/conformance/catalog-patterns.jsonl', import.meta.url));
const reasoned = readCases(new URL('./catalog-patterns-reasoned.jsonl', import.meta.url));

for (const line of [...samples, ...reasoned]) {
  const testCase = JSON.parse(line) as { id: string; title: string; expected: Record<string, unknown> };
  test(`catalog-patterns ${testCase.id}: ${testCase.title}`, async () => {
    const { id, ...got } = await answerLine('catalog-patterns', line);
    assert.equal(id, testCase.id);
    assert.equal(got.crash, undefined, String(got.crash));
    assert.deepStrictEqual(got, testCase.expected);
  });
}

test('there are catalog-patterns cases to check', () => {
  assert.equal(samples.length, 14);
  assert.ok(reasoned.length >= 15);
});

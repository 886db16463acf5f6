import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { test } from 'node:test';
import { answerLine } from '../../scripts/conformance.ts';
import { answer } from '../../scripts/conformance/hook-order.ts';

// The shared samples, then historic cases (some through subset callers) answered by the real
// pluggy with `python3 scripts/pluggy-oracle.py 60 1 historic`.
const lines = ['hook-order.jsonl', 'hook-order-historic.jsonl']
  .flatMap((file) =>
    readFileSync(new URL(`../fixtures/conformance/${file}`, import.meta.url), 'utf8').split('\n'),
  )
  .filter((line) => line.trim() !== '');

for (const line of lines) {
  const testCase = JSON.parse(line);
  test(`hook-order ${testCase.id}: ${testCase.description}`, async () => {
    const { id, ...got } = await answerLine('hook-order', line);
    assert.equal(id, testCase.id);
    assert.deepEqual(got, testCase.expected);
  });
  test(`hook-order ${testCase.id} with async implementations`, async () => {
    assert.deepEqual(await answer(testCase, { asyncImpls: true }), testCase.expected);
  });
}

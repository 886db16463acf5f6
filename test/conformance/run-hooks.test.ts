import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { test } from 'node:test';
import { answerLine } from '../../scripts/conformance.ts';
import type { RunAnswer } from './run-hooks-canonical.ts';
import { assertCanonicallyEqual } from './run-hooks-canonical.ts';

const lines = readFileSync(new URL('../fixtures/conformance/run-hooks.jsonl', import.meta.url), 'utf8')
  .split('\n')
  .filter((line) => line.trim() !== '');

for (const line of lines) {
  const testCase = JSON.parse(line);
  test(`run-hooks ${testCase.id}: ${testCase.description}`, async () => {
    const { id, ...got } = await answerLine('run-hooks', line);
    assert.equal(id, testCase.id);
    assertCanonicallyEqual(got as unknown as RunAnswer, testCase.expected, testCase.nodes);
  });
}

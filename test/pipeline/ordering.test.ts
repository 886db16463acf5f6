import { test } from 'node:test';
import assert from 'node:assert/strict';
import {
  compareCodePoints,
  splitTranscoding,
  stripTranscoding,
  isTranscoded,
  NodeDefinitionError,
} from '../../src/pipeline/index.ts';

test('code-point order puts upper case before lower case and compares digits as characters', () => {
  assert.deepEqual(['n2', 'a', 'n10', 'B', 'b'].sort(compareCodePoints), ['B', 'a', 'b', 'n10', 'n2']);
});

test('a prefix sorts first', () => {
  assert.ok(compareCodePoints('ab', 'abc') < 0);
  assert.equal(compareCodePoints('same', 'same'), 0);
});

test('astral characters sort after U+E000..U+FFFF, as code points do', () => {
  // UTF-16 code units would put "😀" (surrogates D83D DE00) before "\uFF01".
  assert.ok(compareCodePoints('\u{1F600}', '\uFF01') > 0);
  assert.ok(compareCodePoints('\uFF01', '\u{1F600}') < 0);
  assert.ok(compareCodePoints('\u{1F600}', '\u{1F601}') < 0);
});

test('the order does not depend on the locale', () => {
  assert.ok(compareCodePoints('Z', 'a') < 0);
  assert.ok(compareCodePoints('é', 'f') > 0);
});

test('transcoding splits a name at its one separator', () => {
  assert.deepEqual(splitTranscoding('cars@pandas'), ['cars', 'pandas']);
  assert.deepEqual(splitTranscoding('cars'), ['cars', '']);
  assert.equal(stripTranscoding('cars@spark'), 'cars');
  assert.equal(stripTranscoding('cars'), 'cars');
  assert.ok(isTranscoded('a@b'));
  assert.ok(!isTranscoded('ab'));
});

test('two separators are an error', () => {
  assert.throws(() => splitTranscoding('a@b@c'), NodeDefinitionError);
});

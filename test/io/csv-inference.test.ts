/**
 * The CSV type inference reads character codes for speed; it must decide every cell exactly as
 * the rule it implements, written here as regular expressions (the rule, slow and obvious).
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { inferCell } from '../../src/io/datasets/csv-values.ts';

function byTheRule(cell: string): unknown {
  if (cell === '') return null;
  if (/^[+-]?(?:\d+\.?\d*|\.\d+)(?:[eE][+-]?\d+)?$/.test(cell)) {
    if (/^[+-]?0\d/.test(cell)) return cell;
    const number = Number(cell);
    if (/^[+-]?\d+$/.test(cell) && !Number.isSafeInteger(number)) return cell;
    return number;
  }
  const lowered = cell.toLowerCase();
  if (lowered === 'true') return true;
  if (lowered === 'false') return false;
  return cell;
}

describe('CSV type inference', () => {
  it('decides the tricky cells as the rule does', () => {
    const cells = [
      '',
      '0',
      '-0',
      '+1',
      '12',
      '007',
      '-007',
      '0.5',
      '00.5',
      '.5',
      '5.',
      '-.5',
      '+.',
      '.',
      '-',
      '+',
      '1e5',
      '1E-3',
      '1e',
      '1e+',
      'e5',
      '1.5e3',
      '0e0',
      '12a',
      'a12',
      '1,325',
      '$1',
      '100%',
      ' 1',
      '1 ',
      '9007199254740993',
      '9007199254740991',
      '-9007199254740993',
      '1.0',
      'true',
      'TRUE',
      'True',
      'tRuE',
      'false',
      'FALSE',
      'fals',
      'truee',
      't',
      'f',
      'yes',
      'NaN',
      'Infinity',
      '-Infinity',
      '0x1F',
      '1_000',
      '٣',
      '１',
      'ｔrue',
      'null',
      '2024-01-05',
      '2024-01-05T10:00:00Z',
    ];
    for (const cell of cells) assert.deepEqual(inferCell(cell), byTheRule(cell), JSON.stringify(cell));
  });

  it('agrees with the rule on 100k random cells made of number-ish characters', () => {
    const alphabet = '0123456789+-.eEtrufalsTRUFALS x';
    let seed = 7;
    const next = () => (seed = (Math.imul(seed, 1103515245) + 12345) >>> 0) / 2 ** 32;
    for (let i = 0; i < 100_000; i++) {
      const length = 1 + Math.floor(next() * 7);
      let cell = '';
      for (let j = 0; j < length; j++) cell += alphabet[Math.floor(next() * alphabet.length)];
      assert.deepEqual(inferCell(cell), byTheRule(cell), JSON.stringify(cell));
    }
  });
});

describe('CSV number inference, exactness', () => {
  it('gives the same double as Number() for 200k random decimals of up to 15 digits', () => {
    let seed = 11;
    const next = () => (seed = (Math.imul(seed, 1103515245) + 12345) >>> 0) / 2 ** 32;
    for (let i = 0; i < 200_000; i++) {
      const integer = String(Math.floor(next() * 10 ** Math.floor(next() * 9)));
      const fraction = String(Math.floor(next() * 10 ** 7))
        .padStart(Math.floor(next() * 8), '0')
        .slice(0, 15 - integer.length);
      const cell = `${next() < 0.3 ? '-' : ''}${integer}${fraction === '' ? '' : `.${fraction}`}`;
      assert.ok(Object.is(inferCell(cell), byTheRule(cell)), cell);
    }
    assert.ok(Object.is(inferCell('-0'), -0));
    assert.ok(Object.is(inferCell('-0.0'), -0));
  });
});

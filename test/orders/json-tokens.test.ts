// The JSON pieces the plain path reads: where each ends, and that anything
// outside the grammar (RFC 8259) or the plain subset is NOT_PLAIN.
import { describe, expect, test } from 'vitest';
import {
  NOT_PLAIN,
  isShortDecimal,
  numberEnd,
  plainStringEnd,
  quantityAt,
  skipScalar,
} from '../../src/orders/json-tokens.js';

// Where the piece at the start of `text` ends, as a part of the text.
function pieceOf(read: typeof numberEnd, text: string): string | undefined {
  const bytes = Buffer.from(text);
  const end = read(bytes, 0, bytes.length);
  return end === NOT_PLAIN ? undefined : text.slice(0, end);
}

describe('numberEnd', () => {
  test.each([
    ['0', '0'],
    ['-0', '-0'],
    ['19.99,', '19.99'],
    ['1e5}', '1e5'],
    ['1E+5', '1E+5'],
    ['-1.5e-3]', '-1.5e-3'],
    // A leading zero ends the number: the caller then meets the digit.
    ['01', '0'],
  ])('reads %j as %j', (text, piece) => {
    expect(pieceOf(numberEnd, text)).toBe(piece);
  });

  test.each(['', '-', '+1', '.5', '1.', '1.e5', '1e', '1e+', 'x'])(
    'finds no number in %j',
    (text) => {
      expect(pieceOf(numberEnd, text)).toBeUndefined();
    },
  );
});

describe('plainStringEnd', () => {
  test.each([
    ['"A-1",', '"A-1"'],
    ['""', '""'],
    ['" a b ~"', '" a b ~"'],
  ])('reads %j as %j', (text, piece) => {
    expect(pieceOf(plainStringEnd, text)).toBe(piece);
  });

  test.each(['"a\\"b"', '"\\u0041"', '"Ä"', '"a\tb"', '"\x7f"', '"open', 'x'])(
    'leaves %j to JSON.parse',
    (text) => {
      expect(pieceOf(plainStringEnd, text)).toBeUndefined();
    },
  );
});

describe('skipScalar', () => {
  test.each([
    ['true,', 'true'],
    ['false}', 'false'],
    ['null', 'null'],
    ['"x"', '"x"'],
    ['-2.5', '-2.5'],
  ])('skips %j as %j', (text, piece) => {
    expect(pieceOf(skipScalar, text)).toBe(piece);
  });

  test.each(['{"a":1}', '[1]', 'nul', 'True', ''])(
    'leaves %j to JSON.parse',
    (text) => {
      expect(pieceOf(skipScalar, text)).toBeUndefined();
    },
  );
});

describe('quantityAt', () => {
  test.each([
    ['3', 3],
    ['"3"', 3],
    ['" 12 "', 12],
    ['1000000000', 1_000_000_000],
    ['1000000001', -1],
    ['0', -1],
    ['07', -1],
    ['-1', -1],
    ['2.0', -1],
    ['1e2', -1],
  ])('reads %j as %d', (text, quantity) => {
    const bytes = Buffer.from(text);
    expect(quantityAt(bytes, 0, bytes.length)).toBe(quantity);
  });
});

describe('isShortDecimal', () => {
  // String() of these values gives back their digits, trailing zeros aside.
  test.each(['12.50', '0.000001', '999999999999999', '0.5'])(
    'takes %j',
    (text) => {
      expect(isShortDecimal(Buffer.from(text), 0, text.length)).toBe(true);
    },
  );

  // Too many digits to come back from a double, or not plain.
  test.each(['1234567890123456', '-1.5', '1e3', '1E-7'])(
    'leaves %j to JSON.parse',
    (text) => {
      expect(isShortDecimal(Buffer.from(text), 0, text.length)).toBe(false);
    },
  );
});

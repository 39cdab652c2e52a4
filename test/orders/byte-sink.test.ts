// The byte sink writes numbers digit by digit; it is held to BigInt's
// decimal text, and the invoice it writes to the string renderer's.
import fc from 'fast-check';
import { describe, expect, test } from 'vitest';
import {
  ByteSink,
  putInteger,
  putMinorUnits,
} from '../../src/orders/byte-sink.js';

// The decimal text of `minor` minor units with `digits` decimals.
function decimalOf(minor: number, digits: number): string {
  const text = BigInt(minor)
    .toString()
    .padStart(digits + 1, '0');
  if (digits === 0) return text;
  return `${text.slice(0, -digits)}.${text.slice(-digits)}`;
}

const amount = fc.oneof(
  fc.integer({ min: 0, max: 2 ** 31 + 10 }),
  fc.integer({ min: 0, max: Number.MAX_SAFE_INTEGER }),
  fc.constantFrom(0, 9, 10, 99, 100, 2 ** 31 - 1, 2 ** 31, 1e9, 1e9 - 1),
  fc.constant(Number.MAX_SAFE_INTEGER),
);

describe('ByteSink', () => {
  test('putInteger writes every digit of a safe integer', () => {
    fc.assert(
      fc.property(fc.array(amount, { minLength: 1 }), (values) => {
        const sink = new ByteSink();
        for (const value of values) {
          const buffer = sink.room(17);
          sink.length = putInteger(buffer, sink.length, value);
          buffer[sink.length++] = 0x20;
        }
        const expected = values.map((value) => `${BigInt(value)} `).join('');
        expect(sink.bytes().toString('latin1')).toBe(expected);
      }),
    );
  });

  test('putMinorUnits writes exactly the currency digits', () => {
    fc.assert(
      fc.property(
        fc.array(fc.tuple(amount, fc.integer({ min: 0, max: 4 }))),
        (values) => {
          const sink = new ByteSink();
          for (const [minor, digits] of values) {
            const buffer = sink.room(25);
            sink.length = putMinorUnits(buffer, sink.length, minor, digits);
            buffer[sink.length++] = 0x2c;
          }
          const expected = values
            .map(([minor, digits]) => `${decimalOf(minor, digits)},`)
            .join('');
          expect(sink.bytes().toString('latin1')).toBe(expected);
        },
      ),
    );
  });

  test('text writes UTF-8, and clear starts over in the same buffer', () => {
    const sink = new ByteSink();
    sink.text('x'.repeat(70_000));
    sink.clear();
    sink.text('Zoë, 東京');
    expect(sink.bytes().toString('utf8')).toBe('Zoë, 東京');
  });
});

import fc from 'fast-check';
import { expect, test } from 'vitest';
import { ExactSum } from '../../src/money/exact-sum.js';

test('sums safe integers exactly, past 2^53 too', () => {
  const safe = fc.integer({ min: 0, max: Number.MAX_SAFE_INTEGER });
  fc.assert(
    fc.property(
      fc.array(fc.oneof(safe, fc.integer({ min: 0, max: 99 }))),
      (values) => {
        const sum = new ExactSum();
        for (const value of values) sum.add(value);
        expect(sum.total()).toBe(
          values.reduce((total, value) => total + BigInt(value), 0n),
        );
      },
    ),
  );
});

test('the largest amounts carry without losing a unit', () => {
  const sum = new ExactSum();
  for (let i = 0; i < 3; i++) sum.add(Number.MAX_SAFE_INTEGER);
  sum.add(1);
  expect(sum.total()).toBe(3n * BigInt(Number.MAX_SAFE_INTEGER) + 1n);
});

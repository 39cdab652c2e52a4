import { describe, test, expect } from 'vitest';
import fc from 'fast-check';
import {
  computeTaxMinor,
  parseTaxRate,
  type RoundingMode,
  type TaxRate,
} from '../../src/money/tax.js';

const MAX_SAFE = Number.MAX_SAFE_INTEGER;

function rate(text: string): TaxRate {
  const parsed = parseTaxRate(text);
  if (!parsed) throw new Error(`test rate ${text} does not parse`);
  return parsed;
}

// The contract's rounding, in BigInt: q = a * n / 10^s, then the remainder
// decides (half away from zero, or half to even).
function referenceTax(
  amount: number,
  taxRate: TaxRate,
  mode: RoundingMode,
): bigint {
  const product = BigInt(amount) * BigInt(taxRate.numerator);
  const divisor = 10n ** BigInt(taxRate.scale);
  const quotient = product / divisor;
  const twice = (product % divisor) * 2n;
  if (twice > divisor) return quotient + 1n;
  if (twice < divisor) return quotient;
  if (mode === 'half-up') return quotient + 1n;
  return quotient % 2n === 1n ? quotient + 1n : quotient;
}

describe('parseTaxRate', () => {
  test.each([
    ['0.20', 2, 1, '0.2'],
    ['0.2', 2, 1, '0.2'],
    ['0.19', 19, 2, '0.19'],
    ['0.0825', 825, 4, '0.0825'],
    ['8.25%', 825, 4, '0.0825'],
    ['19%', 19, 2, '0.19'],
    ['100%', 1, 0, '1'],
    ['0%', 0, 0, '0'],
    ['0', 0, 0, '0'],
    ['0.00', 0, 0, '0'],
    ['000', 0, 0, '0'],
    ['1', 1, 0, '1'],
    ['1.50', 15, 1, '1.5'],
    ['10', 10, 0, '10'],
    ['007.50', 75, 1, '7.5'],
    [' 0.19 ', 19, 2, '0.19'],
    ['0.000000000001', 1, 12, '0.000000000001'],
  ])('%j is %i / 10^%i, written %s', (text, numerator, scale, written) => {
    expect(parseTaxRate(text)).toEqual({ numerator, scale, text: written });
  });

  test.each([
    'abc',
    '-1',
    '-0.2',
    '+0.2',
    '',
    '.5',
    '5.',
    '1e-2',
    '0,2',
    '%',
    '8.25 %',
    '%8',
    '0.2%%',
    '0x1',
    '0.0000000000001',
  ])('%j is no rate', (text) => {
    expect(parseTaxRate(text)).toBeUndefined();
  });

  test('the text of a rate parses back to the same rate', () => {
    const rateText = fc
      .tuple(
        fc.string({
          unit: fc.constantFrom(...'0123456789'),
          minLength: 1,
          maxLength: 6,
        }),
        fc.string({ unit: fc.constantFrom(...'0123456789'), maxLength: 6 }),
        fc.boolean(),
      )
      .map(
        ([whole, fraction, percent]) =>
          `${whole}${fraction ? `.${fraction}` : ''}${percent ? '%' : ''}`,
      );
    fc.assert(
      fc.property(rateText, (text) => {
        const parsed = rate(text);
        expect(parseTaxRate(parsed.text)).toEqual(parsed);
        // numerator / 10^scale equals the text's value exactly.
        const [, whole, fraction = '', percent] =
          /^(\d+)(?:\.(\d+))?(%?)$/.exec(text)!;
        const valueScale = fraction.length + (percent ? 2 : 0);
        expect(BigInt(parsed.numerator) * 10n ** BigInt(valueScale)).toBe(
          BigInt(whole + fraction) * 10n ** BigInt(parsed.scale),
        );
        expect(parsed.text).not.toMatch(/\.\d*0$/);
      }),
      { numRuns: 300 },
    );
  });
});

describe('computeTaxMinor', () => {
  test.each([
    // amount, rate, half-up, half-even
    [250, '0.01', 3, 2],
    [350, '0.01', 4, 4],
    [249, '0.01', 2, 2],
    [251, '0.01', 3, 3],
    [5, '0.1', 1, 0],
    [15, '0.1', 2, 2],
    [25, '0.1', 3, 2],
    [1000, '0.2', 200, 200],
    [3998, '0.19', 760, 760],
    [1999, '0.19', 380, 380],
    [10000, '8.25%', 825, 825],
    [1, '0.5', 1, 0],
    [3, '0.5', 2, 2],
    [0, '0.19', 0, 0],
    [12345, '0', 0, 0],
    [12345, '1', 12345, 12345],
    [12345, '2', 24690, 24690],
    [MAX_SAFE, '0', 0, 0],
  ])('%i at %s: half-up %i, half-even %i', (amount, text, halfUp, halfEven) => {
    expect(computeTaxMinor(amount, rate(text), 'half-up')).toBe(halfUp);
    expect(computeTaxMinor(amount, rate(text), 'half-even')).toBe(halfEven);
  });

  test('products past 2^53 round exactly (BigInt path)', () => {
    // 9007199254740989 * 5 / 10 = 4503599627370494.5
    expect(computeTaxMinor(9007199254740989, rate('0.5'), 'half-up')).toBe(
      4503599627370495,
    );
    expect(computeTaxMinor(9007199254740989, rate('0.5'), 'half-even')).toBe(
      4503599627370494,
    );
    // 9007199254740991 * 5 / 10 = 4503599627370495.5
    expect(computeTaxMinor(MAX_SAFE, rate('0.5'), 'half-even')).toBe(
      4503599627370496,
    );
    // 10^15 * 123456789012 / 10^12 = 123456789012000, exact
    expect(computeTaxMinor(1e15, rate('0.123456789012'), 'half-up')).toBe(
      123456789012000,
    );
  });

  test('a tax past 2^53 - 1 comes back above MAX_SAFE_INTEGER', () => {
    expect(computeTaxMinor(MAX_SAFE, rate('2'), 'half-up')).toBeGreaterThan(
      MAX_SAFE,
    );
    expect(computeTaxMinor(MAX_SAFE, rate('1.5'), 'half-even')).toBeGreaterThan(
      MAX_SAFE,
    );
  });

  const digits = (max: number) =>
    fc.string({
      unit: fc.constantFrom(...'0123456789'),
      minLength: 1,
      maxLength: max,
    });
  const taxRate = fc
    .tuple(
      digits(3),
      fc.string({ unit: fc.constantFrom(...'0123456789'), maxLength: 9 }),
    )
    .map(([whole, fraction]) =>
      rate(fraction ? `${whole}.${fraction}` : whole),
    );
  const mode = fc.constantFrom<RoundingMode>('half-up', 'half-even');

  test('equals a BigInt reference for any amount and rate', () => {
    const amount = fc.oneof(
      fc.integer({ min: 0, max: 1_000_000 }),
      fc.maxSafeNat(),
      fc.integer({ min: MAX_SAFE - 1000, max: MAX_SAFE }),
    );
    fc.assert(
      fc.property(amount, taxRate, mode, (minor, r, rounding) => {
        expect(computeTaxMinor(minor, r, rounding)).toBe(
          Number(referenceTax(minor, r, rounding)),
        );
      }),
      { numRuns: 300 },
    );
  });

  test('equals the reference for products just below and above 2^53', () => {
    const near = fc
      .tuple(taxRate, fc.integer({ min: -3, max: 3 }), mode)
      .filter(([r]) => r.numerator > 0);
    fc.assert(
      fc.property(near, ([r, step, rounding]) => {
        const amount = Math.min(
          MAX_SAFE,
          Math.max(0, Math.floor(MAX_SAFE / r.numerator) + step),
        );
        expect(computeTaxMinor(amount, r, rounding)).toBe(
          Number(referenceTax(amount, r, rounding)),
        );
      }),
      { numRuns: 300 },
    );
  });

  test('exact halves: half-even differs from half-up only on even quotients', () => {
    const half = fc.tuple(
      fc.integer({ min: 0, max: 2 ** 40 }),
      fc.integer({ min: 1, max: 12 }),
    );
    fc.assert(
      fc.property(half, ([quotient, scale]) => {
        // amount * 5 / 10^scale = quotient + 0.5 when amount = (2q + 1) * 10^(scale-1)
        if ((2 * quotient + 1) * 10 ** (scale - 1) > MAX_SAFE) return;
        const amount = (2 * quotient + 1) * 10 ** (scale - 1);
        const r = rate(`0.${'0'.repeat(scale - 1)}5`);
        expect(computeTaxMinor(amount, r, 'half-up')).toBe(quotient + 1);
        expect(computeTaxMinor(amount, r, 'half-even')).toBe(
          quotient % 2 === 1 ? quotient + 1 : quotient,
        );
      }),
      { numRuns: 300 },
    );
  });
});

import { describe, test, expect } from 'vitest';
import { isCurrencyCode, minorDigitsOf } from '../../src/money/currency.js';

describe('minorDigitsOf', () => {
  // ISO 4217's digits, where Intl says HUF 0 and CLF 0.
  test.each([
    ['USD', 2],
    ['EUR', 2],
    ['JPY', 0],
    ['KWD', 3],
    ['BHD', 3],
    ['HUF', 2],
    ['CLF', 4],
    ['XCG', 2], // added to ISO 4217 after the data package's list
    ['ANG', 2], // still listed while it is withdrawn
  ])('%s has %i minor digits', (code, digits) => {
    expect(minorDigitsOf(code)).toBe(digits);
    expect(isCurrencyCode(code)).toBe(true);
  });

  test.each(['usd', 'Usd', 'XYZ', '', 'US', 'USDX', ' USD', 'USD '])(
    '%j is not a currency code',
    (code) => {
      expect(minorDigitsOf(code)).toBeUndefined();
      expect(isCurrencyCode(code)).toBe(false);
    },
  );
});

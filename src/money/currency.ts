import isoCurrencies from 'currency-codes';

// ISO 4217 minor digits come from the currency-codes data package, not from
// Intl, whose digits differ from ISO's for several codes (HUF, CLF, ...).
// Its newest list is ISO's of 2024-06-25; codes ISO has added since are
// named here until the package has them: the Caribbean guilder (XCG, in
// use since 2025, where ANG, still listed, is being withdrawn).
const ADDED_SINCE_PACKAGE: Array<[code: string, digits: number]> = [['XCG', 2]];

/** ISO 4217 codes and their minor digits. */
export const MINOR_DIGITS: ReadonlyMap<string, number> = new Map([
  ...isoCurrencies.data.map((record): [string, number] => [
    record.code,
    record.digits,
  ]),
  ...ADDED_SINCE_PACKAGE,
]);

/** The ISO 4217 minor digits of `code`, or undefined for an unknown code. */
export function minorDigitsOf(code: string): number | undefined {
  return MINOR_DIGITS.get(code);
}

/** Whether `code` is an upper-case ISO 4217 currency code. */
export function isCurrencyCode(code: string): boolean {
  return MINOR_DIGITS.has(code);
}

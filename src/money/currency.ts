import isoCurrencies from 'currency-codes';

// ISO 4217 minor digits come from the currency-codes data package, not from
// Intl, whose digits differ from ISO's for several codes (HUF, CLF, ...).
/** ISO 4217 codes and their minor digits. */
export const MINOR_DIGITS: ReadonlyMap<string, number> = new Map(
  isoCurrencies.data.map((record) => [record.code, record.digits]),
);

/** The ISO 4217 minor digits of `code`, or undefined for an unknown code. */
export function minorDigitsOf(code: string): number | undefined {
  return MINOR_DIGITS.get(code);
}

/** Whether `code` is an upper-case ISO 4217 currency code. */
export function isCurrencyCode(code: string): boolean {
  return MINOR_DIGITS.has(code);
}

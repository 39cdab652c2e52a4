// Tax rates as exact decimals, and the rounding of tax to minor units.

/** A tax rate held exactly as `numerator / 10^scale`. */
export interface TaxRate {
  readonly numerator: number;
  readonly scale: number;
  /** The rate as a plain decimal without trailing zeros: "0.2", "0". */
  readonly text: string;
}

export type RoundingMode = 'half-up' | 'half-even';

const RATE_PATTERN = /^(\d+)(?:\.(\d+))?(%?)$/;
const MAX_RATE_DIGITS = 12;

/**
 * Parses "0.20", "0.0825" or "8.25%" into a TaxRate, or returns undefined
 * when the text is not a plain non-negative decimal.
 */
export function parseTaxRate(text: string): TaxRate | undefined {
  const match = RATE_PATTERN.exec(text.trim());
  if (!match) return undefined;

  const [, whole, fraction = '', percent] = match;
  let digits = (whole + fraction).replace(/^0+(?=\d)/, '');
  let scale = fraction.length + (percent ? 2 : 0);
  while (scale > 0 && digits.endsWith('0') && digits.length > 1) {
    digits = digits.slice(0, -1);
    scale--;
  }
  if (digits === '0') scale = 0;
  if (digits.length > MAX_RATE_DIGITS || scale > MAX_RATE_DIGITS) {
    return undefined;
  }

  return { numerator: Number(digits), scale, text: formatRate(digits, scale) };
}

function formatRate(digits: string, scale: number): string {
  if (scale === 0) return digits;
  const padded = digits.padStart(scale + 1, '0');
  return `${padded.slice(0, -scale)}.${padded.slice(-scale)}`;
}

const POWERS_OF_TEN = Array.from(
  { length: MAX_RATE_DIGITS + 1 },
  (_, i) => 10 ** i,
);

/**
 * The tax on `amountMinor` at `rate`, rounded to a whole minor unit.
 * Returns a number above Number.MAX_SAFE_INTEGER when the tax itself is
 * out of the exact range (the caller rejects such an order).
 */
export function computeTaxMinor(
  amountMinor: number,
  rate: TaxRate,
  rounding: RoundingMode,
): number {
  if (rate.numerator === 0 || amountMinor === 0) return 0;
  // An amount past 2^53 (even Infinity, for a price of 400 digits) is
  // already out of range; so is its tax.
  if (!Number.isSafeInteger(amountMinor)) return Number.POSITIVE_INFINITY;

  const product = amountMinor * rate.numerator;
  if (product > Number.MAX_SAFE_INTEGER) {
    return computeTaxMinorBig(amountMinor, rate, rounding);
  }

  // Exact in doubles: for product < 2^53 the rounded quotient cannot reach
  // the next integer (its error is below 1 / divisor), so the floor is the
  // true integer quotient and the remainder below is exact.
  const divisor = POWERS_OF_TEN[rate.scale];
  const quotient = Math.floor(product / divisor);
  const remainder = product - quotient * divisor;
  return quotient + roundUp(quotient, remainder * 2, divisor, rounding);
}

function roundUp(
  quotient: number,
  twiceRemainder: number,
  divisor: number,
  rounding: RoundingMode,
): number {
  if (twiceRemainder > divisor) return 1;
  if (twiceRemainder < divisor) return 0;
  if (rounding === 'half-up') return 1;
  return quotient % 2 === 1 ? 1 : 0;
}

function computeTaxMinorBig(
  amountMinor: number,
  rate: TaxRate,
  rounding: RoundingMode,
): number {
  const product = BigInt(amountMinor) * BigInt(rate.numerator);
  const divisor = 10n ** BigInt(rate.scale);
  const quotient = product / divisor;
  const twiceRemainder = (product % divisor) * 2n;
  let tax = quotient;
  if (
    twiceRemainder > divisor ||
    (twiceRemainder === divisor &&
      (rounding === 'half-up' || quotient % 2n === 1n))
  ) {
    tax += 1n;
  }
  return Number(tax);
}

// Plain decimals ("19.99", "1200", "0.125") to integer minor units and back.
// Amounts stay exact integers: Number while below 2^53, BigInt past it.

/** Returned by parseMinorUnits when the text is not a plain decimal. */
export const NOT_A_DECIMAL = -1;
/** Returned by parseMinorUnits when the text is finer than the minor unit. */
export const TOO_FINE = -2;

const DOT = 0x2e;
const ZERO = 0x30;
const NINE = 0x39;

/**
 * Parses the ASCII decimal in bytes [start, end) as a count of minor units
 * with `minorDigits` decimals. Returns NOT_A_DECIMAL or TOO_FINE for bad
 * text, and a number above Number.MAX_SAFE_INTEGER when the amount is too
 * large to hold exactly (callers treat that as out of range).
 */
export function parseMinorUnits(
  bytes: Uint8Array,
  start: number,
  end: number,
  minorDigits: number,
): number {
  let minor = 0;
  let pos = start;
  let wholeDigits = 0;
  for (; pos < end && bytes[pos] !== DOT; pos++, wholeDigits++) {
    const byte = bytes[pos];
    if (byte < ZERO || byte > NINE) return NOT_A_DECIMAL;
    minor = minor * 10 + (byte - ZERO);
  }
  if (wholeDigits === 0) return NOT_A_DECIMAL;

  let fractionDigits = 0;
  if (pos < end) {
    pos++; // the dot
    if (pos === end) return NOT_A_DECIMAL;
    for (; pos < end; pos++, fractionDigits++) {
      const byte = bytes[pos];
      if (byte < ZERO || byte > NINE) return NOT_A_DECIMAL;
      if (fractionDigits < minorDigits) {
        minor = minor * 10 + (byte - ZERO);
      } else if (byte !== ZERO) {
        return TOO_FINE;
      }
    }
  }

  // Past 2^53 the arithmetic above may round, but it rounds monotonically,
  // so a result above MAX_SAFE_INTEGER still means the true value is above.
  for (; fractionDigits < minorDigits; fractionDigits++) minor *= 10;
  return minor;
}

/** parseMinorUnits for a string, as JSON prices arrive. */
export function parseMinorUnitsText(text: string, minorDigits: number): number {
  // UTF-8, not latin1: latin1 would keep only the low byte of 'İ' and
  // read it as a digit.
  const bytes = Buffer.from(text, 'utf8');
  return parseMinorUnits(bytes, 0, bytes.length, minorDigits);
}

const POWERS_OF_TEN = [1, 10, 100, 1000, 10000, 100000, 1000000];

/** Formats integer minor units with exactly `minorDigits` decimals. */
export function formatMinorUnits(
  minor: number | bigint,
  minorDigits: number,
): string {
  if (minorDigits === 0) return minor.toString();
  if (
    typeof minor === 'number' &&
    minor <= Number.MAX_SAFE_INTEGER &&
    minorDigits < POWERS_OF_TEN.length
  ) {
    // Exact: below 2^53 the quotient's floor is the integer quotient.
    const scale = POWERS_OF_TEN[minorDigits];
    const whole = Math.floor(minor / scale);
    const fraction = String(minor - whole * scale).padStart(minorDigits, '0');
    return `${whole}.${fraction}`;
  }
  // BigInt prints every digit; a double past 2^53 prints its shortest form.
  const digits = BigInt(minor).toString();
  const padded = digits.padStart(minorDigits + 1, '0');
  const point = padded.length - minorDigits;
  return `${padded.slice(0, point)}.${padded.slice(point)}`;
}

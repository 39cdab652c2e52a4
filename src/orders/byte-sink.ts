// A growable byte buffer that numbers and short texts are written into
// directly: the invoice text of a chunk is built here, without the many
// small strings (and their garbage) that string concatenation would make.

const ZERO = 0x30;
const DOT = 0x2e;

/** Bytes written so far, in a buffer that doubles when full. */
export class ByteSink {
  #buffer = Buffer.allocUnsafe(1 << 16);
  length = 0;

  /** Forgets what was written, keeping the buffer for what comes next. */
  clear(): void {
    this.length = 0;
  }

  /** The bytes written, as a view (valid until the next write). */
  bytes(): Buffer {
    return this.#buffer.subarray(0, this.length);
  }

  /** Writes a text as UTF-8; ASCII, the usual case, byte by byte. */
  text(value: string): void {
    this.#reserve(value.length * 3);
    const buffer = this.#buffer;
    let at = this.length;
    for (let i = 0; i < value.length; i++) {
      const unit = value.charCodeAt(i);
      if (unit >= 0x80) {
        this.length += buffer.write(value, this.length, 'utf8');
        return;
      }
      buffer[at++] = unit;
    }
    this.length = at;
  }

  /** Writes one ASCII byte. */
  byte(value: number): void {
    this.#reserve(1);
    this.#buffer[this.length++] = value;
  }

  /** Writes a non-negative safe integer in decimal. */
  integer(value: number): void {
    this.#reserve(16);
    this.length = writeDigits(this.#buffer, this.length, value, 1);
  }

  /**
   * Writes minor units as a decimal with exactly `minorDigits` decimals,
   * for amounts up to 2^53 - 1 (the contract rejects larger ones).
   */
  minorUnits(value: number, minorDigits: number): void {
    this.#reserve(24);
    if (minorDigits === 0) {
      this.length = writeDigits(this.#buffer, this.length, value, 1);
      return;
    }
    const scale = 10 ** minorDigits;
    // Exact: below 2^53 the quotient's floor is the integer quotient.
    const whole = Math.floor(value / scale);
    let at = writeDigits(this.#buffer, this.length, whole, 1);
    this.#buffer[at++] = DOT;
    at = writeDigits(this.#buffer, at, value - whole * scale, minorDigits);
    this.length = at;
  }

  #reserve(bytes: number): void {
    if (this.length + bytes <= this.#buffer.length) return;
    const grown = Buffer.allocUnsafe(
      Math.max(this.#buffer.length * 2, this.length + bytes),
    );
    this.#buffer.copy(grown, 0, 0, this.length);
    this.#buffer = grown;
  }
}

// Writes `value` with at least `width` digits (zero-padded) at `at`.
function writeDigits(
  buffer: Buffer,
  at: number,
  value: number,
  width: number,
): number {
  let digits = 1;
  for (let rest = value; rest >= 10; rest = Math.floor(rest / 10)) digits++;
  const count = Math.max(digits, width);
  let rest = value;
  for (let i = at + count - 1; i >= at; i--) {
    const quotient = Math.floor(rest / 10);
    buffer[i] = ZERO + (rest - quotient * 10);
    rest = quotient;
  }
  return at + count;
}

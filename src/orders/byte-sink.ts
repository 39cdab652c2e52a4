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
    this.length = writeDigits(this.#buffer, this.length, value);
  }

  /**
   * Writes minor units as a decimal with exactly `minorDigits` decimals,
   * for amounts up to 2^53 - 1 (the contract rejects larger ones).
   */
  minorUnits(value: number, minorDigits: number): void {
    this.#reserve(24);
    if (minorDigits === 0) {
      this.length = writeDigits(this.#buffer, this.length, value);
      return;
    }
    const scale = 10 ** minorDigits;
    // Exact: below 2^53 the quotient's floor is the integer quotient.
    const whole = Math.floor(value / scale);
    const buffer = this.#buffer;
    let at = writeDigits(buffer, this.length, whole);
    buffer[at++] = DOT;
    // The minor part is below 10^minorDigits, a small integer.
    let rest = value - whole * scale;
    for (let i = at + minorDigits - 1; i >= at; i--) {
      const quotient = (rest / 10) | 0;
      buffer[i] = ZERO + rest - quotient * 10;
      rest = quotient;
    }
    this.length = at + minorDigits;
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

const SMALL_MAX = 2 ** 31 - 1;

// Writes `value` in decimal at `at`; returns the end. Values that fit in
// 31 bits, nearly all counts and amounts, take integer arithmetic.
function writeDigits(buffer: Buffer, at: number, value: number): number {
  if (value > SMALL_MAX) {
    const high = Math.floor(value / 1e9);
    at = writeDigits(buffer, at, high);
    return writePadded(buffer, at, value - high * 1e9, 9);
  }
  let digits = 1;
  for (let rest = value; rest >= 10; rest = (rest / 10) | 0) digits++;
  return writePadded(buffer, at, value, digits);
}

// Writes a 31-bit `value` as exactly `width` digits, zero-padded.
function writePadded(
  buffer: Buffer,
  at: number,
  value: number,
  width: number,
): number {
  let rest = value;
  for (let i = at + width - 1; i >= at; i--) {
    const quotient = (rest / 10) | 0;
    buffer[i] = ZERO + rest - quotient * 10;
    rest = quotient;
  }
  return at + width;
}

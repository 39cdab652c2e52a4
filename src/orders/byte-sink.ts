// A growable byte buffer that numbers and short texts are written into
// directly: the invoice text of a chunk is built here, without the many
// small strings (and their garbage) that string concatenation would make.
// The put* functions write into a buffer with room made beforehand, so
// that a whole invoice line costs one check for room, not one per piece.

const ZERO = 0x30;
const DOT = 0x2e;

/** Bytes written so far, in a buffer that doubles when full. */
export class ByteSink {
  #buffer: Buffer;
  #view: DataView | undefined;
  /** Bytes written; a caller writing through room() moves it on. */
  length = 0;

  /** A sink whose buffer starts with `bytes` of room. */
  constructor(bytes = 1 << 16) {
    this.#buffer = Buffer.allocUnsafe(bytes);
  }

  /** Forgets what was written, keeping the buffer for what comes next. */
  clear(): void {
    this.length = 0;
  }

  /** The bytes written, as a view (valid until the next write). */
  bytes(): Buffer {
    return this.#buffer.subarray(0, this.length);
  }

  /**
   * The buffer, with room for `bytes` more from `length` on. It is valid
   * until the next call that writes: write into it, then set `length`.
   */
  room(bytes: number): Buffer {
    if (this.length + bytes > this.#buffer.length) {
      const grown = Buffer.allocUnsafe(
        Math.max(this.#buffer.length * 2, this.length + bytes),
      );
      this.#buffer.copy(grown, 0, 0, this.length);
      this.#buffer = grown;
      this.#view = undefined;
    }
    return this.#buffer;
  }

  /**
   * A DataView of the buffer room() gave last, for numbers written in
   * binary (Buffer's writeUInt32LE and kin check their arguments each
   * time).
   */
  view(): DataView {
    const buffer = this.#buffer;
    return (this.#view ??= new DataView(
      buffer.buffer,
      buffer.byteOffset,
      buffer.length,
    ));
  }

  /** Writes a text as UTF-8. */
  text(value: string): void {
    const buffer = this.room(value.length * 3);
    this.length = putText(buffer, this.length, value);
  }
}

/**
 * Writes `value` as UTF-8 at `at` (room for 3 bytes a UTF-16 unit); ASCII,
 * the usual case, byte by byte. Returns the end.
 */
export function putText(buffer: Buffer, at: number, value: string): number {
  for (let i = 0; i < value.length; i++) {
    const unit = value.charCodeAt(i);
    if (unit >= 0x80) return at + buffer.write(value, at, 'utf8');
    buffer[at + i] = unit;
  }
  return at + value.length;
}

const SMALL_MAX = 2 ** 31 - 1;
// ISO 4217 has no currency with more than 4 minor digits.
const POWERS_OF_TEN = [1, 10, 100, 1000, 10000];

/**
 * Writes a non-negative safe integer in decimal at `at` (room for 16
 * bytes); returns the end. Values that fit in 31 bits, nearly all counts
 * and amounts, take integer arithmetic.
 */
export function putInteger(buffer: Buffer, at: number, value: number): number {
  if (value > SMALL_MAX) {
    const high = Math.floor(value / 1e9);
    return putPadded(
      buffer,
      putInteger(buffer, at, high),
      value - high * 1e9,
      9,
    );
  }
  let digits = 1;
  for (let rest = value; rest >= 10; rest = (rest / 10) | 0) digits++;
  return putPadded(buffer, at, value, digits);
}

/**
 * Writes minor units as a decimal with exactly `minorDigits` decimals at
 * `at` (room for 24 bytes), for amounts up to 2^53 - 1 (the contract
 * rejects larger ones); returns the end.
 */
export function putMinorUnits(
  buffer: Buffer,
  at: number,
  value: number,
  minorDigits: number,
): number {
  if (minorDigits === 0) return putInteger(buffer, at, value);
  const scale = POWERS_OF_TEN[minorDigits];
  // Exact: below 2^53 the quotient's floor is the integer quotient.
  const whole = Math.floor(value / scale);
  const point = putInteger(buffer, at, whole);
  buffer[point] = DOT;
  // The minor part is below 10^minorDigits, a small integer.
  return putPadded(buffer, point + 1, value - whole * scale, minorDigits);
}

// Writes a 31-bit `value` as exactly `width` digits, zero-padded.
function putPadded(
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

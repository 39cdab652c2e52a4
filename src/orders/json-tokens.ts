// The pieces of JSON that json-plain.ts reads a line with, from its bytes:
// white space, strings of printable ASCII without escapes, numbers, the
// literals, key names, and the values of a quantity and a price. Each
// answers where its piece ends, or NOT_PLAIN for bytes it does not read
// (the general path then reads the line).

/** The answer for bytes that are not the piece asked for. */
export const NOT_PLAIN = -1;

import { parseQuantity, trimEnd, trimStart } from './fields.js';

const TAB = 0x09;
const SPACE = 0x20;
const QUOTE = 0x22;
const PLUS = 0x2b;
const MINUS = 0x2d;
const DOT = 0x2e;
const ZERO = 0x30;
const ONE = 0x31;
const NINE = 0x39;
const UPPER_E = 0x45;
const BACKSLASH = 0x5c;
const LOWER_E = 0x65;

/**
 * The end of the spaces and tabs at `pos`: JSON's white space within a
 * line, but for a CR, which is left to JSON.parse.
 */
export function skipSpace(bytes: Buffer, pos: number, end: number): number {
  let p = pos;
  while (p < end && (bytes[p] === SPACE || bytes[p] === TAB)) p++;
  return p;
}

/**
 * The end (after its closing quote) of a string at `pos` whose characters
 * are printable ASCII without a backslash; NOT_PLAIN for any other value.
 */
export function plainStringEnd(
  bytes: Buffer,
  pos: number,
  end: number,
): number {
  if (pos >= end || bytes[pos] !== QUOTE) return NOT_PLAIN;
  for (let p = pos + 1; p < end; p++) {
    const byte = bytes[p];
    if (byte === QUOTE) return p + 1;
    if (byte < SPACE || byte >= 0x7f || byte === BACKSLASH) return NOT_PLAIN;
  }
  return NOT_PLAIN;
}

/**
 * The end of a plain string or a JSON number at `pos`: the values a price
 * or a quantity may have here.
 */
export function plainValueEnd(bytes: Buffer, pos: number, end: number): number {
  if (pos < end && bytes[pos] === QUOTE) return plainStringEnd(bytes, pos, end);
  return numberEnd(bytes, pos, end);
}

const LITERALS = ['true', 'false', 'null'];

/**
 * The end of a value at `pos` that this path skips, unread: a plain string,
 * a number, true, false or null. An object or array is left to JSON.parse.
 */
export function skipScalar(bytes: Buffer, pos: number, end: number): number {
  if (pos >= end) return NOT_PLAIN;
  const first = bytes[pos];
  if (first === QUOTE) return plainStringEnd(bytes, pos, end);
  if (first === MINUS || (first >= ZERO && first <= NINE)) {
    return numberEnd(bytes, pos, end);
  }
  for (const word of LITERALS) {
    if (isName(bytes, pos, Math.min(pos + word.length, end), word)) {
      return pos + word.length;
    }
  }
  return NOT_PLAIN;
}

/**
 * The end of a JSON number at `pos` (RFC 8259: -, an integer without
 * leading zeros, a fraction, an exponent); NOT_PLAIN when there is none.
 */
export function numberEnd(bytes: Buffer, pos: number, end: number): number {
  let p = pos;
  if (p < end && bytes[p] === MINUS) p++;
  p = p < end && bytes[p] === ZERO ? p + 1 : digitsEnd(bytes, p, end);
  if (p === NOT_PLAIN) return NOT_PLAIN;
  if (p < end && bytes[p] === DOT) {
    p = digitsEnd(bytes, p + 1, end);
    if (p === NOT_PLAIN) return NOT_PLAIN;
  }
  if (p < end && (bytes[p] === LOWER_E || bytes[p] === UPPER_E)) {
    p++;
    if (p < end && (bytes[p] === PLUS || bytes[p] === MINUS)) p++;
    return digitsEnd(bytes, p, end);
  }
  return p;
}

// The end of the digits from `pos` on, of which there must be one.
function digitsEnd(bytes: Buffer, pos: number, end: number): number {
  let p = pos;
  while (p < end && bytes[p] >= ZERO && bytes[p] <= NINE) p++;
  return p === pos ? NOT_PLAIN : p;
}

/** The number of the key [start, end) among `names`, -1 for another. */
export function keyOf(
  bytes: Buffer,
  start: number,
  end: number,
  names: readonly string[],
): number {
  for (let key = 0; key < names.length; key++) {
    if (isName(bytes, start, end, names[key])) return key;
  }
  return -1;
}

/** Whether the bytes [start, end) are the ASCII text `name`. */
export function isName(
  bytes: Buffer,
  start: number,
  end: number,
  name: string,
): boolean {
  if (end - start !== name.length) return false;
  for (let i = 0; i < name.length; i++) {
    if (bytes[start + i] !== name.charCodeAt(i)) return false;
  }
  return true;
}

// readJsonOrder reads a price given as a JSON number from String() of its
// value. For a number of at most 15 digits (so below 10^15) that gives
// back its own digits, but for trailing zeros after the point, which
// change no minor units, and for values below 10^-6, which it writes with
// an exponent: those are zero, or finer than any currency's minor unit and
// left to the general path. So such a number is read from its own text.
const MAX_NUMBER_DIGITS = 15;

/**
 * Whether the JSON number [start, end) is a plain non-negative decimal of
 * at most MAX_NUMBER_DIGITS digits: one whose text is what String() of its
 * value prints, trailing zeros aside.
 */
export function isShortDecimal(
  bytes: Buffer,
  start: number,
  end: number,
): boolean {
  let digits = 0;
  for (let p = start; p < end; p++) {
    const byte = bytes[p];
    if (byte >= ZERO && byte <= NINE) digits++;
    else if (byte !== DOT) return false;
  }
  return digits <= MAX_NUMBER_DIGITS;
}

/**
 * The quantity that the plain string or JSON number [start, end) gives:
 * a string's trimmed digits, or an integer without a sign, point,
 * exponent or leading zero; -1 for any other, or one out of range.
 */
export function quantityAt(bytes: Buffer, start: number, end: number): number {
  if (bytes[start] === QUOTE) {
    const from = trimStart(bytes, start + 1, end - 1);
    return parseQuantity(bytes, from, trimEnd(bytes, from, end - 1));
  }
  if (bytes[start] < ONE || bytes[start] > NINE) return -1;
  return parseQuantity(bytes, start, end);
}

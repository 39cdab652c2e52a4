// The pieces of JSON that json-plain.ts reads a line with, from its bytes:
// white space, strings of printable ASCII without escapes, numbers, the
// literals, and key names. Each answers where its piece ends, or NOT_PLAIN
// for bytes it does not read (the general path then reads the line).

/** The answer for bytes that are not the piece asked for. */
export const NOT_PLAIN = -1;

const TAB = 0x09;
const SPACE = 0x20;
const QUOTE = 0x22;
const PLUS = 0x2b;
const MINUS = 0x2d;
const DOT = 0x2e;
const ZERO = 0x30;
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

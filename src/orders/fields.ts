// Reading field values straight from a record's bytes, without the copies a
// general CSV parser makes: the hot path of a chunk.

const SPACE = 0x20;
const TAB = 0x09;
const ZERO = 0x30;
const NINE = 0x39;

/**
 * An empty buffer, for "no buffer" where buffers are compared by identity:
 * a field that always holds a buffer keeps the code compiled for it. With
 * null there, the first row of the next chunk threw that code away, and
 * it was compiled again (twice the deoptimizations in a thread's first
 * chunks).
 */
export const NO_BYTES: Buffer = Buffer.alloc(0);

/** The largest quantity a line may have. */
export const MAX_QUANTITY = 1_000_000_000;

/** Bounds of a value with surrounding spaces and tabs removed. */
export function trimStart(
  bytes: Uint8Array,
  start: number,
  end: number,
): number {
  while (start < end && (bytes[start] === SPACE || bytes[start] === TAB))
    start++;
  return start;
}

export function trimEnd(bytes: Uint8Array, start: number, end: number): number {
  while (end > start && (bytes[end - 1] === SPACE || bytes[end - 1] === TAB))
    end--;
  return end;
}

/** A field's text; quoted fields lose their doubled quotes. */
export function decodeText(
  bytes: Buffer,
  start: number,
  end: number,
  escaped: boolean,
  ascii: boolean,
): string {
  const text = bytes.toString(ascii ? 'latin1' : 'utf8', start, end);
  return escaped ? text.replaceAll('""', '"') : text;
}

/** A whole number of units from 1 to MAX_QUANTITY, or -1. */
export function parseQuantity(
  bytes: Uint8Array,
  start: number,
  end: number,
): number {
  if (start === end) return -1;
  // Leading zeros pad a number without changing it: 0001 is 1.
  while (end - start > 1 && bytes[start] === ZERO) start++;
  if (end - start > 10) return -1;
  let value = 0;
  for (let i = start; i < end; i++) {
    const byte = bytes[i];
    if (byte < ZERO || byte > NINE) return -1;
    value = value * 10 + (byte - ZERO);
  }
  return value >= 1 && value <= MAX_QUANTITY ? value : -1;
}

/** Whether two byte ranges hold the same bytes. */
export function sameBytes(
  bytes: Uint8Array,
  start: number,
  end: number,
  otherStart: number,
  otherEnd: number,
): boolean {
  if (end - start !== otherEnd - otherStart) return false;
  for (let i = start, j = otherStart; i < end; i++, j++) {
    if (bytes[i] !== bytes[j]) return false;
  }
  return true;
}

/** Whether `text` is exactly the ASCII bytes [start, end). */
export function equalsAscii(
  text: string,
  bytes: Uint8Array,
  start: number,
  end: number,
): boolean {
  if (text.length !== end - start) return false;
  for (let i = 0; i < text.length; i++) {
    if (text.charCodeAt(i) !== bytes[start + i]) return false;
  }
  return true;
}

/** Whether [start, end) is not empty and has no space at either end. */
export function isBare(bytes: Uint8Array, start: number, end: number): boolean {
  return start < end && bytes[start] !== SPACE && bytes[end - 1] !== SPACE;
}

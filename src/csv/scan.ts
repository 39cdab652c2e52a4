// The fast CSV record scanner for the contract's dialect (RFC 4180 with a
// one-byte delimiter). csv-parse reads about 12 MB/s here, this loop about
// 550 MB/s a core (scanning alone, on the benchmark file);
// test/csv/scan.test.ts holds it to csv-parse on random input. It never
// copies: it reports where each field's bytes are.
import { WordView } from './word-view.js';

const LF = 0x0a;
const CR = 0x0d;
const QUOTE = 0x22;
const SPACE = 0x20;

/** Where one record's fields are; reused from record to record. */
export class RecordFields {
  count = 0;
  /** Content bounds of each field, inside the quotes when quoted. */
  starts = new Int32Array(16);
  ends = new Int32Array(16);
  /** 1 when the field was quoted and holds doubled quotes to undo. */
  escaped = new Uint8Array(16);
  /** The record's bytes without its line end. */
  recordStart = 0;
  recordEnd = 0;
  /** Line ends inside quoted fields, so line numbers stay physical. */
  innerNewlines = 0;
  /** A byte >= 0x80 was seen: the record must be checked as UTF-8. */
  highBit = false;
  /** A quote stood where RFC 4180 allows none: the record is malformed. */
  strayQuote = false;
  /** Set by the scanner: the quoted field just read held doubled quotes. */
  lastEscaped = false;

  push(start: number, end: number, escaped: boolean): void {
    if (this.count === this.starts.length) this.#grow();
    this.starts[this.count] = start;
    this.ends[this.count] = end;
    this.escaped[this.count] = escaped ? 1 : 0;
    this.count++;
  }

  #grow(): void {
    const size = this.starts.length * 2;
    const starts = new Int32Array(size);
    const ends = new Int32Array(size);
    const escaped = new Uint8Array(size);
    starts.set(this.starts);
    ends.set(this.ends);
    escaped.set(this.escaped);
    this.starts = starts;
    this.ends = ends;
    this.escaped = escaped;
  }
}

/** scanRecord's answer when the record runs past the bytes at hand. */
export const INCOMPLETE = -1;

/**
 * Scans the record starting at `pos` and fills `fields`. Returns the
 * position after the record's line end, or INCOMPLETE when the bytes end
 * first. With `atEof`, a last line without a line end is complete (the
 * answer is `end`), and INCOMPLETE means a quote was left open.
 */
export function scanRecord(
  bytes: Uint8Array,
  pos: number,
  end: number,
  delimiter: number,
  atEof: boolean,
  fields: RecordFields,
): number {
  fields.count = 0;
  fields.recordStart = pos;
  fields.innerNewlines = 0;
  fields.highBit = false;
  fields.strayQuote = false;

  let fieldStart = pos;
  let quoteClose = -1; // the closing quote of the current field, if quoted
  let escaped = false;
  let p = pos;
  while (p < end) {
    p = skipText(bytes, p, end, delimiter);
    if (p === end) break;
    const byte = bytes[p];
    if (byte === delimiter) {
      pushField(fields, fieldStart, p, quoteClose, escaped);
      fieldStart = ++p;
      quoteClose = -1;
      continue;
    }
    if (byte === LF) {
      const contentEnd = p > fieldStart && bytes[p - 1] === CR ? p - 1 : p;
      pushField(fields, fieldStart, contentEnd, quoteClose, escaped);
      fields.recordEnd = contentEnd;
      return p + 1;
    }
    if (byte === QUOTE) {
      if (p !== fieldStart) {
        fields.strayQuote = true;
        p++;
        continue;
      }
      quoteClose = findClosingQuote(bytes, p + 1, end, atEof, fields);
      if (quoteClose === INCOMPLETE) return INCOMPLETE;
      escaped = fields.lastEscaped;
      p = quoteClose + 1;
      continue;
    }
    if (byte >= 0x80) fields.highBit = true;
    p++;
  }

  if (!atEof) return INCOMPLETE;
  const contentEnd = p > fieldStart && bytes[p - 1] === CR ? p - 1 : p;
  pushField(fields, fieldStart, contentEnd, quoteClose, escaped);
  fields.recordEnd = contentEnd;
  return end;
}

// Bytes repeated across a 32-bit word, for skipText's tests.
const ONES = 0x01010101;
const SPACES = 0x20202020;
const QUOTES = 0x22222222;
const HIGH_BITS = 0x80808080;

const words = new WordView();

/**
 * The end of the plain text from `pos` on: the first byte below the space,
 * a quote, a byte of 0x80 or more, or the delimiter. Most bytes are plain,
 * and matter only where they end: they are tested four at a time (a
 * chunk's reading took 400 ms on 2M rows a byte at a time, 368 ms so;
 * medians of nine, alternated in one process).
 */
export function skipText(
  bytes: Uint8Array,
  pos: number,
  end: number,
  delimiter: number,
): number {
  const view = words.of(bytes);
  const delimiters = Math.imul(delimiter, ONES);
  let p = pos;
  for (; p + 4 <= end; p += 4) {
    const flags = flagStops(view.getUint32(p, true), delimiters);
    // The lowest flag is the first stop (little-endian: the first byte is
    // the lowest); flags above it may be false.
    if (flags !== 0) return p + ((31 - Math.clz32(flags & -flags)) >> 3);
  }
  for (; p < end; p++) {
    const byte = bytes[p];
    if (byte < SPACE || byte === QUOTE || byte >= 0x80 || byte === delimiter) {
      break;
    }
  }
  return p;
}

/**
 * Flags, by its high bit, each byte of `word` where plain text stops:
 * below the space, a quote, 0x80 or more, or the delimiter (`delimiters`
 * holds it in each byte). A byte below n is found by the word trick
 * (x - n) & ~x, which borrows into the high bit of such a byte (n <= 0x80);
 * a byte equal to c is a byte below 1 of x ^ c. A borrow runs on into the
 * bytes above the one it came from, so flags above the lowest may be
 * false; below it there are none.
 */
function flagStops(word: number, delimiters: number): number {
  const quotes = word ^ QUOTES;
  const others = word ^ delimiters;
  const belowSpace = (word - SPACES) & ~word;
  const quote = (quotes - ONES) & ~quotes;
  const delimiter = (others - ONES) & ~others;
  return (belowSpace | quote | delimiter | word) & HIGH_BITS;
}

// A quoted field's content is what stands between its quotes; RFC 4180
// allows nothing between the closing quote and the delimiter or line end.
function pushField(
  fields: RecordFields,
  fieldStart: number,
  fieldEnd: number,
  quoteClose: number,
  escaped: boolean,
): void {
  if (quoteClose < 0) {
    fields.push(fieldStart, fieldEnd, false);
    return;
  }
  if (fieldEnd !== quoteClose + 1) fields.strayQuote = true;
  fields.push(fieldStart + 1, quoteClose, escaped);
}

// Returns the closing quote of a quoted field whose content starts at
// `pos`, counting the line ends and high bytes inside it.
function findClosingQuote(
  bytes: Uint8Array,
  pos: number,
  end: number,
  atEof: boolean,
  fields: RecordFields,
): number {
  fields.lastEscaped = false;
  let p = pos;
  for (;;) {
    const quote = bytes.indexOf(QUOTE, p);
    if (quote < 0 || quote >= end) return INCOMPLETE;
    countInner(bytes, p, quote, fields);
    if (quote + 1 === end && !atEof) return INCOMPLETE;
    if (quote + 1 < end && bytes[quote + 1] === QUOTE) {
      fields.lastEscaped = true;
      p = quote + 2;
      continue;
    }
    return quote;
  }
}

function countInner(
  bytes: Uint8Array,
  from: number,
  to: number,
  fields: RecordFields,
): void {
  for (let i = from; i < to; i++) {
    const byte = bytes[i];
    if (byte === LF) fields.innerNewlines++;
    else if (byte >= 0x80) fields.highBit = true;
  }
}

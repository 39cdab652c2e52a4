// The fast CSV record scanner for the contract's dialect (RFC 4180 with a
// one-byte delimiter). csv-parse reads about 12 MB/s here, this loop about
// 550 MB/s a core (scanning alone, on the benchmark file);
// test/csv/scan.test.ts holds it to csv-parse on random input. It never
// copies: it reports where each field's bytes are.

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

/**
 * The end of the plain text from `pos` on: the first byte below the space,
 * a quote, a byte of 0x80 or more, or the delimiter. Most bytes are plain,
 * and matter only where they end; a loop of their own, with no call in it,
 * lets the compiler keep the buffer's bounds and the delimiter in
 * registers (a chunk's reading took 650 ms on 2M rows, 590 ms with it).
 */
export function skipText(
  bytes: Uint8Array,
  pos: number,
  end: number,
  delimiter: number,
): number {
  let p = pos;
  while (p < end) {
    const byte = bytes[p];
    if (byte < SPACE || byte === QUOTE || byte >= 0x80 || byte === delimiter) {
      break;
    }
    p++;
  }
  return p;
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

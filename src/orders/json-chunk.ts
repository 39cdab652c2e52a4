// Reads the JSON lines of a chunk, one order a line, into its records
// (chunk-records.ts); chunk.ts feeds it the bytes. A line longer than
// --max-record-size is rejected and skipped to its end, however far that
// is, its encoding still checked piece by piece.
import { isUtf8 } from 'node:buffer';
import type { ChunkRecords } from './chunk-records.js';
import { Code } from './codes.js';
import { countJsonOrder, readJsonOrder } from './json-order.js';
import { JsonPlainReader } from './json-plain.js';
import type { Rules } from './rules.js';
import { Utf8Check } from './utf8-check.js';

const LF = 0x0a;
const CR = 0x0d;

/** Reads JSON lines into a chunk's records, fed one buffer at a time. */
export class JsonLines {
  /** An over-long line is being skipped: its end is not read yet. */
  skippingLongLine = false;
  readonly #rules: Rules;
  readonly #book: ChunkRecords;
  readonly #plain: JsonPlainReader;
  #longLine = new Utf8Check();

  constructor(rules: Rules, book: ChunkRecords) {
    this.#rules = rules;
    this.#book = book;
    this.#plain = new JsonPlainReader(rules);
  }

  /**
   * Reads the lines of `bytes` (which begin at absolute `offset`) from
   * `pos` in it, up to the first line at `ownedEnd` (or past it, to the end
   * of an over-long line being skipped); returns where it stopped, in
   * `bytes`. Stops at a line that runs past the bytes unless `atEof`.
   */
  read(
    bytes: Buffer,
    offset: number,
    atEof: boolean,
    pos: number,
    ownedEnd: number,
  ): number {
    const { maxRecordBytes } = this.#rules.settings;
    const book = this.#book;
    this.#plain.forgetBuffer();
    // An over-long line being skipped may run past the chunk's end.
    while (
      (pos + offset < ownedEnd || this.skippingLongLine) &&
      pos < bytes.length
    ) {
      const lf = bytes.indexOf(LF, pos);
      const lineEnd = lf < 0 ? bytes.length : lf;
      if (this.skippingLongLine) {
        // The rest of an over-long line, already rejected: skip it, only
        // checking its encoding, since invalid_encoding comes first.
        this.#longLine.check(bytes.subarray(pos, lineEnd), lf >= 0 || atEof);
        pos = lf < 0 ? bytes.length : lf + 1;
        if (lf >= 0 || atEof) {
          this.skippingLongLine = false;
          this.#endLongLine(offset + pos);
          if (lf >= 0) book.newlines++;
        }
        continue;
      }
      const complete = lf >= 0 || atEof;
      // An unfinished line may end in the CR of its CRLF: allow one byte.
      if (!complete && lineEnd - pos <= maxRecordBytes + 1) break;

      const next = lf < 0 ? bytes.length : lf + 1;
      const contentEnd =
        complete && lineEnd > pos && bytes[lineEnd - 1] === CR
          ? lineEnd - 1
          : lineEnd;
      if (contentEnd - pos > maxRecordBytes) {
        book.records++;
        book.reject(
          offset + pos,
          offset + next,
          '',
          Code.recordTooLong,
          `line is longer than --max-record-size (${maxRecordBytes} bytes)`,
        );
        this.skippingLongLine = lf < 0 && !atEof;
        this.#longLine = new Utf8Check();
        this.#longLine.check(
          bytes.subarray(pos, contentEnd),
          !this.skippingLongLine,
        );
        if (!this.skippingLongLine) this.#endLongLine(offset + next);
      } else if (contentEnd > pos) {
        this.#takeJsonLine(bytes, offset, pos, contentEnd, next);
      }
      if (lf >= 0) book.newlines++;
      pos = next;
    }
    return pos;
  }

  // An over-long line is read to its end: it is invalid_encoding rather
  // than record_too_long when any of its bytes is not UTF-8.
  #endLongLine(end: number): void {
    const { rows } = this.#book;
    const row = rows.length - 1;
    rows.end[row] = end;
    if (this.#longLine.valid) return;
    rows.code[row] = Code.invalidEncoding;
    rows.details.set(row, ['', 'line is not valid UTF-8']);
  }

  #takeJsonLine(
    bytes: Buffer,
    offset: number,
    pos: number,
    contentEnd: number,
    next: number,
  ): void {
    const book = this.#book;
    const start = offset + pos;
    const end = offset + next;
    book.records++;
    const plain = this.#plain;
    if (plain.read(bytes, pos, contentEnd)) {
      const order = book.index.atAscii(bytes, plain.keyStart, plain.keyEnd);
      // A repeated id's later lines count nowhere: the order is a duplicate.
      if (++order.jsonLines === 1) plain.countInto(bytes, order);
      book.addRow(start, end, order.index, Code.none);
      return;
    }

    const line = bytes.subarray(pos, contentEnd);
    if (!isUtf8(line)) {
      book.reject(
        start,
        end,
        '',
        Code.invalidEncoding,
        'line is not valid UTF-8',
      );
      return;
    }
    const read = readJsonOrder(line.toString('utf8'), this.#rules);
    if (!('lines' in read)) {
      book.reject(start, end, read.key, read.code, read.message);
      return;
    }

    const order = book.index.at(read.key);
    order.jsonLines++;
    if (order.jsonLines === 1) {
      order.itemCode = read.code;
      countJsonOrder(read, order);
    }
    const row = book.addRow(start, end, order.index, read.code);
    if (read.code !== Code.none) {
      book.rows.details.set(row, [read.key, read.message]);
    }
  }
}

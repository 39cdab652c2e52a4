// Reads the records of one chunk into orders (their stretches in this
// chunk), a row table and runs (chunk-records.ts); settle-chunk.ts settles
// them. No I/O: the caller feeds the bytes. The CSV loop is the hot path,
// with the previous row's order reused when the key bytes repeat (the rows
// of an order are usually adjacent); the values of a CSV line are read in
// csv-line.ts, JSON lines in json-chunk.ts.
import { isUtf8 } from 'node:buffer';
import { RecordFields, INCOMPLETE, scanRecord } from '../csv/scan.js';
import { Code } from './codes.js';
import {
  NO_BYTES,
  decodeText,
  sameBytes,
  trimEnd,
  trimStart,
} from './fields.js';
import { ChunkRecords } from './chunk-records.js';
import { CsvLineReader, NOT_PLAIN } from './csv-line.js';
import { JsonLines } from './json-chunk.js';
import type { OrderPartial } from './partial.js';
import type { RowTable, RunList } from './row-table.js';
import type { Rules } from './rules.js';

const LF = 0x0a;
// The order index is sized at once for an order every 120 bytes (records
// of the benchmark files average 48, orders have about 3 lines), capped so
// that a huge chunk grows it as it goes.
const BYTES_PER_ORDER_GUESS = 120;
const MAX_FIRST_ORDERS = 1 << 14;

// Field bounds are scratch space, refilled for each record; processing is
// synchronous, so one set serves every processor of a thread.
const sharedFields = new RecordFields();
/** Why a chunk cannot be read at all (the whole input is unusable). */
export interface ChunkFatal {
  reason: 'open-quote' | 'record-too-long';
  /** Line of the record, counted from the chunk's first line (0). */
  relLine: number;
}

/** Reads a chunk's records, fed one buffer at a time. */
export class ChunkProcessor {
  readonly rules: Rules;
  /** The chunk's orders, in the order of their first lines. */
  get orders(): OrderPartial[] {
    return this.#book.index.orders;
  }
  /** The records with codes of their own (see row-table.ts). */
  get rows(): RowTable {
    return this.#book.rows;
  }
  get runs(): RunList {
    return this.#book.runs;
  }
  /** Records read, blank lines aside. */
  get records(): number {
    return this.#book.records;
  }
  /** Line ends read so far: the next record's line, from 0. */
  get newlines(): number {
    return this.#book.newlines;
  }
  /** Absolute position of the next record to read. */
  position: number;
  done = false;
  fatal: ChunkFatal | undefined;

  readonly #ownedEnd: number;
  readonly #book: ChunkRecords;
  readonly #fields = sharedFields;
  readonly #lines: CsvLineReader;
  readonly #json: JsonLines | undefined;
  // The previous valid CSV row, whose values the next row may share.
  #memo = { buffer: NO_BYTES, keyStart: 0, keyEnd: 0 };
  #memoOrder: OrderPartial | undefined;

  /** Reads records starting at `start`, up to the first at `ownedEnd`. */
  constructor(rules: Rules, start: number, ownedEnd: number) {
    this.rules = rules;
    this.#lines = new CsvLineReader(rules, sharedFields);
    this.position = start;
    this.#ownedEnd = ownedEnd;
    this.done = start >= ownedEnd;
    const jsonLines = rules.settings.format === 'jsonl';
    this.#book = new ChunkRecords(
      Math.min((ownedEnd - start) / BYTES_PER_ORDER_GUESS, MAX_FIRST_ORDERS),
      jsonLines,
    );
    this.#json = jsonLines ? new JsonLines(rules, this.#book) : undefined;
  }

  /**
   * Reads the records of `bytes` (which begin at absolute `offset` and must
   * include `position`). Stops at the first record that runs past the bytes
   * unless `atEof`; the caller then feeds a buffer from `position` on. The
   * orders may hold texts as bytes of the last buffer fed until the chunk
   * is settled: its bytes must not change until then.
   */
  feed(bytes: Buffer, offset: number, atEof: boolean): void {
    // The caller may refill the same buffer: forget what the last one held.
    this.#memo.buffer = NO_BYTES;
    this.#lines.forgetBuffer();
    if (this.rules.settings.format === 'csv') {
      this.position = offset + this.#feedCsv(bytes, offset, atEof);
      if (!this.fatal && this.position >= this.#ownedEnd) this.done = true;
    } else {
      const json = this.#json!;
      const from = this.position - offset;
      this.position =
        offset + json.read(bytes, offset, atEof, from, this.#ownedEnd);
      if (this.position >= this.#ownedEnd && !json.skippingLongLine) {
        this.done = true;
      }
    }
    if (atEof && !this.fatal && this.position >= offset + bytes.length) {
      this.done = true;
    }
    if (!this.done && !this.fatal) {
      for (const order of this.orders) order.keepTexts(bytes);
    }
  }

  // Returns where reading stopped, in `bytes`. The caller moves `position`:
  // code after the loop, compiled while the loop ran the first time, knew
  // nothing of it and was thrown away when the loop ended (three times).
  #feedCsv(bytes: Buffer, offset: number, atEof: boolean): number {
    const { delimiter, maxRecordBytes } = this.rules.settings;
    const fields = this.#fields;
    const lines = this.#lines;
    const book = this.#book;
    let pos = this.position - offset;
    while (pos + offset < this.#ownedEnd && pos < bytes.length) {
      const plainEnd = lines.readPlain(bytes, pos);
      if (plainEnd !== NOT_PLAIN) {
        book.records++;
        // A record with the lead of the one before is in that one's order.
        const order =
          lines.sameLead && this.#memoOrder
            ? this.#memoOrder
            : this.#orderAt(
                bytes,
                lines.plainKeyStart,
                lines.plainKeyEnd,
                false,
                true,
              );
        lines.countPlain(bytes, order);
        book.addRow(offset + pos, offset + plainEnd, order.index, Code.none);
        book.newlines++;
        pos = plainEnd;
        continue;
      }
      const next = scanRecord(
        bytes,
        pos,
        bytes.length,
        delimiter,
        atEof,
        fields,
      );
      // An unfinished record may end in the CR of its CRLF: allow one byte.
      const tooLong =
        next === INCOMPLETE
          ? bytes.length - pos > maxRecordBytes + 1
          : fields.recordEnd - pos > maxRecordBytes;
      if (tooLong || (next === INCOMPLETE && atEof)) {
        const reason = tooLong ? 'record-too-long' : 'open-quote';
        this.fatal = { reason, relLine: book.newlines };
        return this.position - offset;
      }
      if (next === INCOMPLETE) break;

      const blank = fields.count === 1 && fields.recordEnd === pos;
      if (!blank) this.#takeCsvRecord(bytes, offset, next);
      book.newlines += fields.innerNewlines + (bytes[next - 1] === LF ? 1 : 0);
      pos = next;
    }
    return pos;
  }

  #takeCsvRecord(bytes: Buffer, offset: number, next: number): void {
    const { columns, fieldCount } = this.rules.settings;
    const f = this.#fields;
    const book = this.#book;
    const start = offset + f.recordStart;
    const end = offset + next;
    book.records++;

    if (f.count !== fieldCount || f.strayQuote) {
      const why = f.strayQuote
        ? 'a quote stands where RFC 4180 allows none'
        : `record has ${f.count} fields, the header ${fieldCount}`;
      const key =
        columns.orderId < f.count ? this.#text(bytes, columns.orderId) : '';
      book.reject(start, end, key, Code.malformedRow, why);
      return;
    }
    const ascii = !f.highBit;
    if (!ascii && !isUtf8(bytes.subarray(f.recordStart, f.recordEnd))) {
      const keyStart = f.starts[columns.orderId];
      const keyEnd = f.ends[columns.orderId];
      const keyValid = isUtf8(bytes.subarray(keyStart, keyEnd));
      const key = keyValid ? this.#text(bytes, columns.orderId) : '';
      book.reject(
        start,
        end,
        key,
        Code.invalidEncoding,
        'record is not valid UTF-8',
      );
      return;
    }

    const keyStart = trimStart(
      bytes,
      f.starts[columns.orderId],
      f.ends[columns.orderId],
    );
    const keyEnd = trimEnd(bytes, keyStart, f.ends[columns.orderId]);
    if (keyStart === keyEnd) {
      book.reject(start, end, '', Code.missingField, 'order_id is empty');
      return;
    }
    const order = this.#orderAt(
      bytes,
      keyStart,
      keyEnd,
      f.escaped[columns.orderId] === 1,
      ascii,
    );
    const code = this.#lines.check(bytes, order, ascii);
    const row = book.addRow(start, end, order.index, code);
    if (code === Code.none) return;
    order.badRows++;
    if (this.#lines.detail) book.rows.details.set(row, this.#lines.detail);
  }

  // Finds the order of the key bytes, reusing the previous row's order
  // when the key repeats, as it does for adjacent rows of one order.
  #orderAt(
    bytes: Buffer,
    keyStart: number,
    keyEnd: number,
    escaped: boolean,
    ascii: boolean,
  ): OrderPartial {
    const memo = this.#memo;
    if (
      !escaped &&
      memo.buffer === bytes &&
      this.#memoOrder &&
      sameBytes(bytes, keyStart, keyEnd, memo.keyStart, memo.keyEnd)
    ) {
      return this.#memoOrder;
    }
    const order =
      ascii && !escaped
        ? this.#book.index.atAscii(bytes, keyStart, keyEnd)
        : this.#book.index.at(
            decodeText(bytes, keyStart, keyEnd, escaped, ascii),
          );
    memo.buffer = escaped ? NO_BYTES : bytes;
    memo.keyStart = keyStart;
    memo.keyEnd = keyEnd;
    this.#memoOrder = order;
    return order;
  }

  #text(bytes: Buffer, column: number): string {
    const f = this.#fields;
    const start = trimStart(bytes, f.starts[column], f.ends[column]);
    const end = trimEnd(bytes, start, f.ends[column]);
    return decodeText(bytes, start, end, f.escaped[column] === 1, false);
  }
}

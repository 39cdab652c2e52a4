// Reads the records of one chunk into orders (their stretches in this
// chunk), a row table and runs; settle-chunk.ts settles them. No I/O: the
// caller feeds the bytes. This is the hot path, kept whole on purpose: one
// loop per format, with the previous row's order reused when the key bytes
// repeat (the rows of an order are usually adjacent). The values of a CSV
// line are read in csv-line.ts.
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
import { CsvLineReader, NOT_PLAIN } from './csv-line.js';
import { readJsonOrder } from './json-order.js';
import { OrderIndex } from './order-index.js';
import type { OrderPartial } from './partial.js';
import { RowTable, RunList } from './row-table.js';
import { Utf8Check } from './utf8-check.js';
import type { Rules } from './rules.js';

const LF = 0x0a;
const CR = 0x0d;
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
    return this.#index.orders;
  }
  /** The records with codes of their own (see row-table.ts). */
  readonly rows = new RowTable();
  readonly runs = new RunList();
  /** Records read, blank lines aside. */
  records = 0;
  /** Line ends read so far: the next record's line, from 0. */
  newlines = 0;
  /** Absolute position of the next record to read. */
  position: number;
  done = false;
  fatal: ChunkFatal | undefined;

  readonly #ownedEnd: number;
  readonly #index: OrderIndex;
  readonly #fields = sharedFields;
  readonly #lines: CsvLineReader;
  #runOrder = -1;
  #skippingLongLine = false;
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
    this.#index = new OrderIndex(
      Math.min((ownedEnd - start) / BYTES_PER_ORDER_GUESS, MAX_FIRST_ORDERS),
    );
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
      this.#feedJson(bytes, offset, atEof);
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
    let pos = this.position - offset;
    while (pos + offset < this.#ownedEnd && pos < bytes.length) {
      const plainEnd = lines.readPlain(bytes, pos);
      if (plainEnd !== NOT_PLAIN) {
        this.records++;
        const order = this.#orderAt(
          bytes,
          lines.plainKeyStart,
          lines.plainKeyEnd,
          false,
          true,
        );
        lines.countPlain(bytes, order);
        this.#addRow(offset + pos, offset + plainEnd, order.index, Code.none);
        this.newlines++;
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
        this.fatal = { reason, relLine: this.newlines };
        return this.position - offset;
      }
      if (next === INCOMPLETE) break;

      const blank = fields.count === 1 && fields.recordEnd === pos;
      if (!blank) this.#takeCsvRecord(bytes, offset, next);
      this.newlines += fields.innerNewlines + (bytes[next - 1] === LF ? 1 : 0);
      pos = next;
    }
    return pos;
  }

  #takeCsvRecord(bytes: Buffer, offset: number, next: number): void {
    const { columns, fieldCount } = this.rules.settings;
    const f = this.#fields;
    const start = offset + f.recordStart;
    const end = offset + next;
    this.records++;

    if (f.count !== fieldCount || f.strayQuote) {
      const why = f.strayQuote
        ? 'a quote stands where RFC 4180 allows none'
        : `record has ${f.count} fields, the header ${fieldCount}`;
      const key =
        columns.orderId < f.count ? this.#text(bytes, columns.orderId) : '';
      this.#reject(start, end, key, Code.malformedRow, why);
      return;
    }
    const ascii = !f.highBit;
    if (!ascii && !isUtf8(bytes.subarray(f.recordStart, f.recordEnd))) {
      const keyStart = f.starts[columns.orderId];
      const keyEnd = f.ends[columns.orderId];
      const keyValid = isUtf8(bytes.subarray(keyStart, keyEnd));
      const key = keyValid ? this.#text(bytes, columns.orderId) : '';
      this.#reject(
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
      this.#reject(start, end, '', Code.missingField, 'order_id is empty');
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
    const row = this.#addRow(start, end, order.index, code);
    if (code === Code.none) return;
    order.badRows++;
    if (this.#lines.detail) this.rows.details.set(row, this.#lines.detail);
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
        ? this.#index.atAscii(bytes, keyStart, keyEnd)
        : this.#index.at(decodeText(bytes, keyStart, keyEnd, escaped, ascii));
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

  #feedJson(bytes: Buffer, offset: number, atEof: boolean): void {
    const { maxRecordBytes } = this.rules.settings;
    let pos = this.position - offset;
    // An over-long line being skipped may run past the chunk's end.
    while (
      (pos + offset < this.#ownedEnd || this.#skippingLongLine) &&
      pos < bytes.length
    ) {
      const lf = bytes.indexOf(LF, pos);
      const lineEnd = lf < 0 ? bytes.length : lf;
      if (this.#skippingLongLine) {
        // The rest of an over-long line, already rejected: skip it, only
        // checking its encoding, since invalid_encoding comes first.
        this.#longLine.check(bytes.subarray(pos, lineEnd), lf >= 0 || atEof);
        pos = lf < 0 ? bytes.length : lf + 1;
        if (lf >= 0 || atEof) {
          this.#skippingLongLine = false;
          this.#endLongLine(offset + pos);
          if (lf >= 0) this.newlines++;
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
        this.records++;
        this.#reject(
          offset + pos,
          offset + next,
          '',
          Code.recordTooLong,
          `line is longer than --max-record-size (${maxRecordBytes} bytes)`,
        );
        this.#skippingLongLine = lf < 0 && !atEof;
        this.#longLine = new Utf8Check();
        this.#longLine.check(
          bytes.subarray(pos, contentEnd),
          !this.#skippingLongLine,
        );
        if (!this.#skippingLongLine) this.#endLongLine(offset + next);
      } else if (contentEnd > pos) {
        this.#takeJsonLine(bytes, offset, pos, contentEnd, next);
      }
      if (lf >= 0) this.newlines++;
      pos = next;
    }
    this.position = pos + offset;
    if (this.position >= this.#ownedEnd && !this.#skippingLongLine)
      this.done = true;
  }

  #longLine = new Utf8Check();

  // An over-long line is read to its end: it is invalid_encoding rather
  // than record_too_long when any of its bytes is not UTF-8.
  #endLongLine(end: number): void {
    const row = this.rows.length - 1;
    this.rows.end[row] = end;
    if (this.#longLine.valid) return;
    this.rows.code[row] = Code.invalidEncoding;
    this.rows.details.set(row, ['', 'line is not valid UTF-8']);
  }

  #takeJsonLine(
    bytes: Buffer,
    offset: number,
    pos: number,
    contentEnd: number,
    next: number,
  ): void {
    const start = offset + pos;
    const end = offset + next;
    this.records++;
    const line = bytes.subarray(pos, contentEnd);
    if (!isUtf8(line)) {
      this.#reject(
        start,
        end,
        '',
        Code.invalidEncoding,
        'line is not valid UTF-8',
      );
      return;
    }
    const read = readJsonOrder(line.toString('utf8'), this.rules);
    if (!('lines' in read)) {
      this.#reject(start, end, read.key, read.code, read.message);
      return;
    }

    const order = this.#index.at(read.key);
    order.jsonLines++;
    if (order.jsonLines === 1) {
      order.itemCode = read.code;
      if (read.code === Code.none && read.rate) {
        order.noteCustomer(read.customerId);
        order.addLines(
          read.currency,
          read.region,
          read.minorDigits,
          read.rate,
          read.lines,
          read.quantity,
          read.subtotalMinor,
          read.lineTaxMinor,
        );
      }
    }
    const row = this.#addRow(start, end, order.index, read.code);
    if (read.code !== Code.none)
      this.rows.details.set(row, [read.key, read.message]);
  }

  // A record with a code of its own. It belongs to an order when its order
  // id could be read: that order is then rejected too.
  #reject(
    start: number,
    end: number,
    key: string,
    code: number,
    message: string,
  ): void {
    const order = key ? this.#index.at(key) : undefined;
    if (order) order.badRows++;
    // A JSON line with an id counts toward that id's duplicates even when it
    // is no order itself (invalid_order): the id still stands on it.
    if (order && this.rules.settings.format === 'jsonl') order.jsonLines++;
    const row = this.#addRow(start, end, order ? order.index : -1, code);
    this.rows.details.set(row, [key, message]);
  }

  // Notes a record in the runs, and in the rows when it has a code; returns
  // its row then.
  #addRow(start: number, end: number, order: number, code: number): number {
    const row =
      code === Code.none
        ? -1
        : this.rows.add(start, end, this.newlines, order, code);
    if (order >= 0 && order === this.#runOrder) {
      this.runs.extendLast(end);
    } else if (order >= 0) {
      this.runs.add(order, start, end, this.newlines);
    }
    this.#runOrder = order;
    return row;
  }
}

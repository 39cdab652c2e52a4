// Turns the records of one chunk into settled orders, invoice text and
// rejects. Pure apart from the `readRecord` callback that fetches the text
// of rejected records again. This is the hot path, kept whole on purpose:
// one loop per format, with the previous row's values reused when the
// bytes repeat (the rows of an order are usually adjacent).
import { isUtf8 } from 'node:buffer';
import { RecordFields, INCOMPLETE, scanRecord } from '../csv/scan.js';
import { minorDigitsOf } from '../money/currency.js';
import { NOT_A_DECIMAL, TOO_FINE, parseMinorUnits } from '../money/decimal.js';
import { computeTaxMinor, type TaxRate } from '../money/tax.js';
import { Code } from './codes.js';
import {
  MAX_QUANTITY,
  decodeText,
  parseQuantity,
  sameBytes,
  trimEnd,
  trimStart,
} from './fields.js';
import { readJsonOrder } from './json-order.js';
import { OrderPartial } from './partial.js';
import { RowTable, RunList } from './row-table.js';
import type { Rules } from './rules.js';

const LF = 0x0a;
const CR = 0x0d;

// Field bounds are scratch space, refilled for each record; processing is
// synchronous, so one set serves every processor of a thread.
const sharedFields = new RecordFields();
const INTERN_MAX_BYTES = 32;
const INTERN_MAX_ENTRIES = 4096;

function equalsAscii(
  text: string,
  bytes: Buffer,
  start: number,
  end: number,
): boolean {
  if (text.length !== end - start) return false;
  for (let i = 0; i < text.length; i++) {
    if (text.charCodeAt(i) !== bytes[start + i]) return false;
  }
  return true;
}

/** Why a chunk cannot be read at all (the whole input is unusable). */
export interface ChunkFatal {
  reason: 'open-quote' | 'record-too-long';
  /** Line of the record, counted from the chunk's first line (0). */
  relLine: number;
}

/** Reads a chunk's records, fed one buffer at a time. */
export class ChunkProcessor {
  readonly rules: Rules;
  readonly orders: OrderPartial[] = [];
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
  readonly #byKey = new Map<string, OrderPartial>();
  readonly #fields = sharedFields;
  #runOrder = -1;
  // Lookups of the previous row, which the next row usually repeats.
  #lastCurrency = '';
  #lastDigits: number | undefined;
  #lastRegion: string | undefined;
  #lastRate: TaxRate | undefined;
  #skippingLongLine = false;
  // The previous valid CSV row, whose values the next row may share.
  #memo = { buffer: null as Buffer | null, keyStart: 0, keyEnd: 0 };
  #memoOrder: OrderPartial | undefined;

  /** Reads records starting at `start`, up to the first at `ownedEnd`. */
  constructor(rules: Rules, start: number, ownedEnd: number) {
    this.rules = rules;
    this.position = start;
    this.#ownedEnd = ownedEnd;
    this.done = start >= ownedEnd;
  }

  /**
   * Reads the records of `bytes` (which begin at absolute `offset` and must
   * include `position`). Stops at the first record that runs past the bytes
   * unless `atEof`; the caller then feeds a buffer from `position` on.
   */
  feed(bytes: Buffer, offset: number, atEof: boolean): void {
    // The caller may refill the same buffer: forget what the last one held.
    this.#memo.buffer = null;
    if (this.rules.settings.format === 'csv') {
      this.#feedCsv(bytes, offset, atEof);
    } else {
      this.#feedJson(bytes, offset, atEof);
    }
    if (atEof && !this.fatal && this.position >= offset + bytes.length) {
      this.done = true;
    }
  }

  #feedCsv(bytes: Buffer, offset: number, atEof: boolean): void {
    const { delimiter, maxRecordBytes } = this.rules.settings;
    const fields = this.#fields;
    let pos = this.position - offset;
    while (pos + offset < this.#ownedEnd && pos < bytes.length) {
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
        return;
      }
      if (next === INCOMPLETE) break;

      const blank = fields.count === 1 && fields.recordEnd === pos;
      if (!blank) this.#takeCsvRecord(bytes, offset, next);
      this.newlines += fields.innerNewlines + (bytes[next - 1] === LF ? 1 : 0);
      pos = next;
    }
    this.position = pos + offset;
    if (this.position >= this.#ownedEnd) this.done = true;
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
      columns.orderId,
      ascii,
    );
    const code = this.#checkCsvLine(bytes, order, ascii);
    if (code !== Code.none) {
      order.badRows++;
      this.#addRow(start, end, order.index, code);
    } else {
      this.#addRow(start, end, order.index, Code.none);
    }
  }

  // Finds the order of the key bytes, reusing the previous row's order
  // when the key repeats, as it does for adjacent rows of one order.
  #orderAt(
    bytes: Buffer,
    keyStart: number,
    keyEnd: number,
    column: number,
    ascii: boolean,
  ): OrderPartial {
    const memo = this.#memo;
    if (
      memo.buffer === bytes &&
      this.#memoOrder &&
      sameBytes(bytes, keyStart, keyEnd, memo.keyStart, memo.keyEnd) &&
      this.#fields.escaped[column] === 0
    ) {
      return this.#memoOrder;
    }
    const key = decodeText(
      bytes,
      keyStart,
      keyEnd,
      this.#fields.escaped[column] === 1,
      ascii,
    );
    const order = this.#orderOf(key);
    memo.buffer = this.#fields.escaped[column] === 0 ? bytes : null;
    memo.keyStart = keyStart;
    memo.keyEnd = keyEnd;
    this.#memoOrder = order;
    return order;
  }

  #orderOf(key: string): OrderPartial {
    let order = this.#byKey.get(key);
    if (!order) {
      order = new OrderPartial(key, this.orders.length);
      this.orders.push(order);
      this.#byKey.set(key, order);
    }
    return order;
  }

  // Checks a CSV line's fields in the contract's order and counts it into
  // its order when good; returns the line's code.
  #checkCsvLine(bytes: Buffer, order: OrderPartial, ascii: boolean): number {
    const { columns, defaultCurrency } = this.rules.settings;
    const f = this.#fields;
    const qStart = trimStart(
      bytes,
      f.starts[columns.quantity],
      f.ends[columns.quantity],
    );
    const qEnd = trimEnd(bytes, qStart, f.ends[columns.quantity]);
    const pStart = trimStart(
      bytes,
      f.starts[columns.unitPrice],
      f.ends[columns.unitPrice],
    );
    const pEnd = trimEnd(bytes, pStart, f.ends[columns.unitPrice]);
    if (qStart === qEnd || pStart === pEnd) {
      const name = qStart === qEnd ? 'quantity' : 'unit_price';
      return this.#detail(order.key, Code.missingField, `${name} is empty`);
    }
    const quantity = parseQuantity(bytes, qStart, qEnd);
    if (quantity < 0) {
      const text = bytes.toString('utf8', qStart, qEnd);
      return this.#detail(
        order.key,
        Code.invalidQuantity,
        `quantity '${text}' is not a whole number from 1 to ${MAX_QUANTITY}`,
      );
    }

    const currency =
      this.#optionalText(bytes, columns.currency, ascii) || defaultCurrency;
    if (currency !== this.#lastCurrency) {
      this.#lastCurrency = currency;
      this.#lastDigits = minorDigitsOf(currency);
    }
    const minorDigits = this.#lastDigits;
    if (minorDigits === undefined) {
      return this.#detail(
        order.key,
        Code.invalidCurrency,
        `currency '${currency}' is not an ISO 4217 code`,
      );
    }
    const priceMinor = parseMinorUnits(bytes, pStart, pEnd, minorDigits);
    if (priceMinor === NOT_A_DECIMAL || priceMinor === TOO_FINE) {
      const text = bytes.toString('utf8', pStart, pEnd);
      const why =
        priceMinor === TOO_FINE
          ? `has more decimals than ${currency} allows (${minorDigits})`
          : 'is not a plain non-negative decimal';
      return this.#detail(
        order.key,
        Code.invalidPrice,
        `unit_price '${text}' ${why}`,
      );
    }
    const region = this.#optionalText(bytes, columns.region, ascii);
    if (region !== this.#lastRegion) {
      this.#lastRegion = region;
      this.#lastRate = this.rules.rateOf(region);
    }
    const rate = this.#lastRate;
    if (!rate) {
      return this.#detail(
        order.key,
        Code.unknownRegion,
        `region '${region}' is not in the tax table, which has no '*' row`,
      );
    }

    const customerId = this.#optionalText(bytes, columns.customerId, ascii);
    const amountMinor = quantity * priceMinor;
    const lineTaxMinor = this.#lineTax(amountMinor, rate);
    order.addLines(
      customerId,
      currency,
      region,
      minorDigits,
      rate,
      1,
      quantity,
      amountMinor,
      lineTaxMinor,
    );
    return Code.none;
  }

  #lineTax(amountMinor: number, rate: TaxRate): number {
    if (this.rules.settings.tax.rounding !== 'line') return 0;
    if (amountMinor > Number.MAX_SAFE_INTEGER) return amountMinor;
    return computeTaxMinor(amountMinor, rate, this.rules.settings.rounding);
  }

  // The trimmed text of an optional column. Short ASCII values are interned
  // by their bytes: currencies, regions and an order's customer repeat row
  // after row, and a lookup costs less than making the string again.
  #optionalText(bytes: Buffer, column: number, ascii: boolean): string {
    if (column < 0) return '';
    const f = this.#fields;
    const start = trimStart(bytes, f.starts[column], f.ends[column]);
    const end = trimEnd(bytes, start, f.ends[column]);
    if (start === end) return '';
    if (!ascii || f.escaped[column] === 1 || end - start > INTERN_MAX_BYTES) {
      return decodeText(bytes, start, end, f.escaped[column] === 1, ascii);
    }
    let hash = end - start;
    for (let i = start; i < end; i++)
      hash = (Math.imul(hash, 31) + bytes[i]) | 0;
    const known = this.#interned.get(hash);
    if (known !== undefined && equalsAscii(known, bytes, start, end))
      return known;
    if (this.#interned.size >= INTERN_MAX_ENTRIES) this.#interned.clear();
    const text = bytes.toString('latin1', start, end);
    this.#interned.set(hash, text);
    return text;
  }

  readonly #interned = new Map<number, string>();

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
        // The rest of an over-long line, already rejected: skip it unread.
        pos = lf < 0 ? bytes.length : lf + 1;
        if (lf >= 0 || atEof) {
          this.#skippingLongLine = false;
          this.rows.end[this.rows.length - 1] = offset + pos;
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

    const order = this.#orderOf(read.key);
    order.jsonLines++;
    if (order.jsonLines === 1) {
      order.itemCode = read.code;
      if (read.code === Code.none && read.rate) {
        order.addLines(
          read.customerId,
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

  #pendingDetail: [string, string] | undefined;

  #detail(key: string, code: number, message: string): number {
    this.#pendingDetail = [key, message];
    return code;
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
    const order =
      key && this.rules.settings.format === 'csv'
        ? this.#orderOf(key)
        : undefined;
    if (order) order.badRows++;
    const row = this.#addRow(start, end, order ? order.index : -1, code);
    this.rows.details.set(row, [key, message]);
  }

  #addRow(start: number, end: number, order: number, code: number): number {
    const row = this.rows.add(start, end, this.newlines, order, code);
    if (code !== Code.none && this.#pendingDetail) {
      this.rows.details.set(row, this.#pendingDetail);
    }
    this.#pendingDetail = undefined;
    if (order >= 0 && order === this.#runOrder) {
      this.runs.extendLast(end);
    } else if (order >= 0) {
      this.runs.add(order, start, end, this.newlines);
    }
    this.#runOrder = order;
    return row;
  }
}

// Reads and checks the values of one CSV line, in the contract's order of
// reject codes, and counts a good line into its order. Part of the hot
// path: currencies and regions are looked up from their bytes
// (column-lookup.ts), and a plain customer id is left as bytes (see
// OrderPartial). One reader holds both the plain path and the general
// check, which share its lookups and its counting: kept in one file.
import { skipText, type RecordFields } from '../csv/scan.js';
import { MINOR_DIGITS } from '../money/currency.js';
import { NOT_A_DECIMAL, TOO_FINE, parseMinorUnits } from '../money/decimal.js';
import { computeTaxMinor, type TaxRate } from '../money/tax.js';
import { Code } from './codes.js';
import { ColumnLookup } from './column-lookup.js';
import {
  MAX_QUANTITY,
  decodeText,
  isBare,
  parseQuantity,
  trimEnd,
  trimStart,
} from './fields.js';
import type { OrderPartial } from './partial.js';
import { RecordLead } from './record-lead.js';
import type { Rules } from './rules.js';

const LF = 0x0a;
const CR = 0x0d;

/** readPlain's answer for a record the general path must read. */
export const NOT_PLAIN = -1;

/** Checks CSV lines against the rules; one reader serves a whole chunk. */
export class CsvLineReader {
  readonly rules: Rules;
  /** The order id and message of the last line found bad. */
  detail: [orderId: string, message: string] | undefined;
  readonly #fields: RecordFields;
  readonly #currencies: ColumnLookup<number | undefined>;
  readonly #regions: ColumnLookup<TaxRate | undefined>;
  /** Where the order id of the plain record read last stands. */
  plainKeyStart = 0;
  plainKeyEnd = 0;
  /**
   * Whether the plain record read last begins with the same order id (and
   * customer, when that column follows) as the plain record just before
   * it: its order is then that record's, which has noted that customer.
   */
  sameLead = false;
  // The lead of the plain record read before (see record-lead.ts).
  readonly #lead: RecordLead;
  // The plain record read last: its fields, and its good values.
  readonly #starts: Int32Array;
  readonly #ends: Int32Array;
  #quantity = 0;
  #priceMinor = 0;

  constructor(rules: Rules, fields: RecordFields) {
    this.rules = rules;
    this.#fields = fields;
    const { columns, defaultCurrency } = rules.settings;
    this.#currencies = new ColumnLookup<number | undefined>(
      columns.currency,
      defaultCurrency,
      MINOR_DIGITS,
      undefined,
    );
    this.#regions = new ColumnLookup(
      columns.region,
      '',
      rules.regionRates,
      rules.otherRate,
    );
    this.#starts = new Int32Array(rules.settings.fieldCount);
    this.#ends = new Int32Array(rules.settings.fieldCount);
    this.#lead = new RecordLead(columns, rules.settings.fieldCount);
  }

  /**
   * Reads the record at `pos` if it is plain and good: bytes from the space
   * to 0x7f but the quote, as many fields as the header, an order id,
   * quantity and price without spaces around them, and every value valid.
   * Returns the position after its line end, or NOT_PLAIN, for the general
   * path (scanRecord, then check) to read it. Most records are plain: one
   * pass over their bytes and no checks for quotes, encodings or rejects.
   * A record that begins with the lead of the one before (sameLead) is
   * compared there, not read (see record-lead.ts).
   */
  readPlain(bytes: Buffer, pos: number): number {
    const { delimiter, fieldCount, columns, maxRecordBytes } =
      this.rules.settings;
    const starts = this.#starts;
    const ends = this.#ends;
    const end = bytes.length;
    let next = NOT_PLAIN;
    let p = this.#skipLead(bytes, pos);
    let field = this.sameLead ? this.#lead.fields : 0;
    while (next === NOT_PLAIN) {
      const fieldStart = p;
      p = skipText(bytes, p, end, delimiter);
      if (p === end || field === fieldCount) return NOT_PLAIN;
      const byte = bytes[p];
      starts[field] = fieldStart;
      ends[field++] = p;
      if (byte === delimiter) p++;
      else if (byte === LF) next = p + 1;
      else if (byte === CR && p + 1 < end && bytes[p + 1] === LF) next = p + 2;
      else return NOT_PLAIN;
    }
    if (field !== fieldCount || p - pos > maxRecordBytes) return NOT_PLAIN;

    const keyStart = starts[columns.orderId];
    const keyEnd = ends[columns.orderId];
    if (!this.sameLead && !isBare(bytes, keyStart, keyEnd)) return NOT_PLAIN;
    this.#quantity = parseQuantity(
      bytes,
      starts[columns.quantity],
      ends[columns.quantity],
    );
    if (this.#quantity < 0) return NOT_PLAIN;
    const currencies = this.#currencies;
    if (columns.currency >= 0) {
      const column = columns.currency;
      currencies.readBytes(bytes, starts[column], ends[column], false, true);
    }
    const minorDigits = currencies.meaning;
    if (minorDigits === undefined) return NOT_PLAIN;
    this.#priceMinor = parseMinorUnits(
      bytes,
      starts[columns.unitPrice],
      ends[columns.unitPrice],
      minorDigits,
    );
    if (this.#priceMinor < 0) return NOT_PLAIN;
    const regions = this.#regions;
    if (columns.region >= 0) {
      const column = columns.region;
      regions.readBytes(bytes, starts[column], ends[column], false, true);
    }
    if (!regions.meaning) return NOT_PLAIN;
    this.plainKeyStart = keyStart;
    this.plainKeyEnd = keyEnd;
    const lead = this.#lead;
    if (lead.fields > 0) lead.remember(bytes, pos, ends[lead.fields - 1]);
    return next;
  }

  // Notes whether the record at `pos` begins with the lead of the plain
  // record read before: if so, its lead's fields stand where that
  // record's did, moved, and reading goes on after them. Returns where
  // reading goes on.
  #skipLead(bytes: Buffer, pos: number): number {
    const lead = this.#lead;
    const { start, length } = lead;
    this.sameLead = lead.matchAt(bytes, pos);
    if (!this.sameLead) return pos;
    const shift = pos - start;
    for (let field = 0; field < lead.fields; field++) {
      this.#starts[field] += shift;
      this.#ends[field] += shift;
    }
    return pos + length;
  }

  /** Counts the plain record readPlain() just read into its order. */
  countPlain(bytes: Buffer, order: OrderPartial): void {
    const customer = this.rules.settings.columns.customerId;
    // A record with the lead of the one before counts into its order,
    // which has noted that customer already.
    if (this.sameLead && this.#lead.fields === 2) {
      this.#addLine(order, this.#quantity, this.#priceMinor);
      return;
    }
    if (customer >= 0) {
      const start = trimStart(
        bytes,
        this.#starts[customer],
        this.#ends[customer],
      );
      const end = trimEnd(bytes, start, this.#ends[customer]);
      order.noteAsciiCustomer(bytes, start, end);
    } else {
      order.noteCustomer('');
    }
    this.#addLine(order, this.#quantity, this.#priceMinor);
  }

  // Counts a good line into its order, whose customer was just noted, in
  // the currency and region just read.
  #addLine(order: OrderPartial, quantity: number, priceMinor: number): void {
    const rate = this.#regions.meaning!;
    const amountMinor = quantity * priceMinor;
    order.addLines(
      this.#currencies.text,
      this.#regions.text,
      this.#currencies.meaning!,
      rate,
      1,
      quantity,
      amountMinor,
      this.#lineTax(amountMinor, rate),
    );
  }

  /** Forgets the previous row's values: the next row's buffer is new. */
  forgetBuffer(): void {
    this.#currencies.forgetBuffer();
    this.#regions.forgetBuffer();
    this.#lead.forget();
  }

  // Checks a CSV line's fields in the contract's order and counts it into
  // its order when good; returns the line's code.
  check(bytes: Buffer, order: OrderPartial, ascii: boolean): number {
    const { columns } = this.rules.settings;
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
      return this.#fail(order.key, Code.missingField, `${name} is empty`);
    }
    const quantity = parseQuantity(bytes, qStart, qEnd);
    if (quantity < 0) {
      const text = bytes.toString('utf8', qStart, qEnd);
      return this.#fail(
        order.key,
        Code.invalidQuantity,
        `quantity '${text}' is not a whole number from 1 to ${MAX_QUANTITY}`,
      );
    }

    const currencies = this.#currencies;
    currencies.read(bytes, f, ascii);
    const currency = currencies.text;
    const minorDigits = currencies.meaning;
    if (minorDigits === undefined) {
      return this.#fail(
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
      return this.#fail(
        order.key,
        Code.invalidPrice,
        `unit_price '${text}' ${why}`,
      );
    }
    const regions = this.#regions;
    regions.read(bytes, f, ascii);
    const region = regions.text;
    const rate = regions.meaning;
    if (!rate) {
      return this.#fail(
        order.key,
        Code.unknownRegion,
        `region '${region}' is not in the tax table, which has no '*' row`,
      );
    }

    // A plain ASCII customer is kept as where its bytes are: unlike
    // currencies and regions, it seldom repeats from one order to the next.
    const customer = columns.customerId;
    if (customer >= 0 && ascii && f.escaped[customer] === 0) {
      const start = trimStart(bytes, f.starts[customer], f.ends[customer]);
      const end = trimEnd(bytes, start, f.ends[customer]);
      order.noteAsciiCustomer(bytes, start, end);
    } else {
      order.noteCustomer(this.#text(bytes, customer, ascii));
    }
    this.#addLine(order, quantity, priceMinor);
    return Code.none;
  }

  #lineTax(amountMinor: number, rate: TaxRate): number {
    if (this.rules.settings.tax.rounding !== 'line') return 0;
    if (amountMinor > Number.MAX_SAFE_INTEGER) return amountMinor;
    return computeTaxMinor(amountMinor, rate, this.rules.settings.rounding);
  }

  // The trimmed text of an optional column, '' when the header lacks it.
  #text(bytes: Buffer, column: number, ascii: boolean): string {
    if (column < 0) return '';
    const f = this.#fields;
    const start = trimStart(bytes, f.starts[column], f.ends[column]);
    const end = trimEnd(bytes, start, f.ends[column]);
    return decodeText(bytes, start, end, f.escaped[column] === 1, ascii);
  }

  #fail(key: string, code: number, message: string): number {
    this.detail = [key, message];
    return code;
  }
}

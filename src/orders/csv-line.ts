// Reads and checks the values of one CSV line, in the contract's order of
// reject codes, and counts a good line into its order. Part of the hot
// path: the previous row's lookups are kept, short texts interned, and a
// plain customer id left as bytes (see OrderPartial).
import type { RecordFields } from '../csv/scan.js';
import { minorDigitsOf } from '../money/currency.js';
import { NOT_A_DECIMAL, TOO_FINE, parseMinorUnits } from '../money/decimal.js';
import { computeTaxMinor, type TaxRate } from '../money/tax.js';
import { Code } from './codes.js';
import {
  MAX_QUANTITY,
  decodeText,
  equalsAscii,
  parseQuantity,
  sameBytes,
  trimEnd,
  trimStart,
} from './fields.js';
import type { OrderPartial } from './partial.js';
import type { Rules } from './rules.js';

const INTERN_MAX_BYTES = 32;
// Interned texts live in a direct-mapped table: an array slot, not a Map
// lookup (the Map cost 4 % of a chunk's time); a clash just makes the
// text again.
const INTERN_SLOTS = 4096;
// One table for every reader of a thread (they run one at a time): the
// texts of one chunk are usually those of the next.
const interned: string[] = new Array<string>(INTERN_SLOTS).fill('');

// The optional columns whose previous value is kept (#lastValues).
const CURRENCY = 0;
const REGION = 1;
const CUSTOMER = 2;

/** Where an optional column's text stood in the previous row. */
class LastValue {
  bytes: Uint8Array | null = null;
  start = 0;
  end = 0;
  text = '';
}

/** Checks CSV lines against the rules; one reader serves a whole chunk. */
export class CsvLineReader {
  readonly rules: Rules;
  /** The order id and message of the last line found bad. */
  detail: [orderId: string, message: string] | undefined;
  readonly #fields: RecordFields;
  readonly #lastValues = [new LastValue(), new LastValue(), new LastValue()];
  // Lookups of the previous row, which the next row usually repeats.
  #lastCurrency = '';
  #lastDigits: number | undefined;
  #lastRegion: string | undefined;
  #lastRate: TaxRate | undefined;

  constructor(rules: Rules, fields: RecordFields) {
    this.rules = rules;
    this.#fields = fields;
  }

  /** Forgets the previous row's values: the next row's buffer is new. */
  forgetBuffer(): void {
    for (const last of this.#lastValues) last.bytes = null;
  }

  // Checks a CSV line's fields in the contract's order and counts it into
  // its order when good; returns the line's code.
  check(bytes: Buffer, order: OrderPartial, ascii: boolean): number {
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

    const currency =
      this.#optionalText(bytes, columns.currency, ascii, CURRENCY) ||
      defaultCurrency;
    if (currency !== this.#lastCurrency) {
      this.#lastCurrency = currency;
      this.#lastDigits = minorDigitsOf(currency);
    }
    const minorDigits = this.#lastDigits;
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
    const region = this.#optionalText(bytes, columns.region, ascii, REGION);
    if (region !== this.#lastRegion) {
      this.#lastRegion = region;
      this.#lastRate = this.rules.rateOf(region);
    }
    const rate = this.#lastRate;
    if (!rate) {
      return this.#fail(
        order.key,
        Code.unknownRegion,
        `region '${region}' is not in the tax table, which has no '*' row`,
      );
    }

    const amountMinor = quantity * priceMinor;
    const lineTaxMinor = this.#lineTax(amountMinor, rate);
    // A plain ASCII customer is kept as where its bytes are: unlike
    // currencies and regions, it seldom repeats from one order to the next.
    const customer = columns.customerId;
    if (customer >= 0 && ascii && f.escaped[customer] === 0) {
      const start = trimStart(bytes, f.starts[customer], f.ends[customer]);
      const end = trimEnd(bytes, start, f.ends[customer]);
      order.noteAsciiCustomer(bytes, start, end);
    } else {
      order.noteCustomer(this.#optionalText(bytes, customer, ascii, CUSTOMER));
    }
    order.addLines(
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
  // by their bytes: currencies and regions repeat row after row, and a
  // lookup costs less than making the string again. The cheapest lookup is
  // the previous row's value, `slot` of #lastValues.
  #optionalText(
    bytes: Buffer,
    column: number,
    ascii: boolean,
    slot: number,
  ): string {
    if (column < 0) return '';
    const f = this.#fields;
    const start = trimStart(bytes, f.starts[column], f.ends[column]);
    const end = trimEnd(bytes, start, f.ends[column]);
    if (start === end) return '';
    if (!ascii || f.escaped[column] === 1 || end - start > INTERN_MAX_BYTES) {
      return decodeText(bytes, start, end, f.escaped[column] === 1, ascii);
    }
    const last = this.#lastValues[slot];
    if (
      last.bytes === bytes &&
      sameBytes(bytes, start, end, last.start, last.end)
    ) {
      return last.text;
    }
    let hash = end - start;
    for (let i = start; i < end; i++)
      hash = (Math.imul(hash, 31) + bytes[i]) | 0;
    const at = hash & (INTERN_SLOTS - 1);
    let text = interned[at];
    if (!equalsAscii(text, bytes, start, end)) {
      text = bytes.toString('latin1', start, end);
      interned[at] = text;
    }
    last.bytes = bytes;
    last.start = start;
    last.end = end;
    last.text = text;
    return text;
  }

  #fail(key: string, code: number, message: string): number {
    this.detail = [key, message];
    return code;
  }
}

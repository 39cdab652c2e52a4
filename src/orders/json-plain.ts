// The usual JSON line read straight from its bytes, without JSON.parse: an
// order whose keys and texts are printable ASCII without escapes, whose
// items are objects with a good price and quantity, in a known currency
// and region. Anything else (escapes, other text, null, nesting beyond
// the items, a key given twice, a value that is rejected) is left to
// readJsonOrder (json-order.ts), which reads it as JSON.parse does: this
// path takes only lines it reads to the same facts, and says which it took.
// JSON.parse and the string of each line cost about half of a JSON chunk.
import { MINOR_DIGITS } from '../money/currency.js';
import { parseMinorUnits } from '../money/decimal.js';
import { computeTaxMinor, type TaxRate } from '../money/tax.js';
import { ColumnLookup } from './column-lookup.js';
import { trimEnd, trimStart } from './fields.js';
import {
  NOT_PLAIN,
  isName,
  isShortDecimal,
  keyOf,
  plainStringEnd,
  plainValueEnd,
  quantityAt,
  skipScalar,
  skipSpace,
} from './json-tokens.js';
import type { OrderPartial } from './partial.js';
import type { Rules } from './rules.js';

const QUOTE = 0x22;
const COMMA = 0x2c;
const COLON = 0x3a;
const OPEN_BRACKET = 0x5b;
const CLOSE_BRACKET = 0x5d;
const OPEN_BRACE = 0x7b;
const CLOSE_BRACE = 0x7d;

// The keys this path reads, by number: each has a bit in a mask of the
// keys met, so that a key given twice (JSON.parse keeps the last) is left
// to the general path. An order's texts are kept by the same numbers.
const ORDER_KEYS = ['id', 'order_id', 'customer_id', 'currency', 'region'];
const ID = 0;
const ORDER_ID = 1;
const CUSTOMER = 2;
const CURRENCY = 3;
const REGION = 4;
const ITEMS = 5;
const ITEM_KEYS = ['quantity', 'price', 'unit_price'];
const QUANTITY = 0;
const PRICE = 1;
const UNIT_PRICE = 2;

/** Reads plain JSON lines; one reader serves a chunk. */
export class JsonPlainReader {
  /** Where the id of the line read last stands, trimmed. */
  keyStart = 0;
  keyEnd = 0;
  readonly #rules: Rules;
  readonly #currencies: ColumnLookup<number | undefined>;
  readonly #regions: ColumnLookup<TaxRate | undefined>;
  // Where the order's texts stand, by key number; NOT_PLAIN for a key not
  // met.
  readonly #starts = new Int32Array(ORDER_KEYS.length);
  readonly #ends = new Int32Array(ORDER_KEYS.length);
  // The items' quantities and where their prices stand: the prices are
  // read once the currency, which may come after them, is known.
  #quantities = new Float64Array(16);
  #priceStarts = new Int32Array(16);
  #priceEnds = new Int32Array(16);
  #items = 0;
  // The totals of the line read last.
  #quantity = 0;
  #subtotalMinor = 0;
  #lineTaxMinor = 0;

  constructor(rules: Rules) {
    this.#rules = rules;
    const { defaultCurrency } = rules.settings;
    // Read with readBytes() alone: their column numbers are not used.
    this.#currencies = new ColumnLookup(
      0,
      defaultCurrency,
      MINOR_DIGITS,
      undefined,
    );
    this.#regions = new ColumnLookup(0, '', rules.regionRates, rules.otherRate);
  }

  /** Forgets the previous line's values: the next line's buffer is new. */
  forgetBuffer(): void {
    this.#currencies.forgetBuffer();
    this.#regions.forgetBuffer();
  }

  /**
   * Reads the line [start, end) of `bytes` if it is plain and good; returns
   * whether it did. Its id is then [keyStart, keyEnd), and countInto()
   * counts it into its order.
   */
  read(bytes: Buffer, start: number, end: number): boolean {
    const starts = this.#starts;
    const ends = this.#ends;
    starts.fill(NOT_PLAIN);
    this.#items = 0;
    const objectEnd = this.#readOrder(bytes, skipSpace(bytes, start, end), end);
    if (objectEnd === NOT_PLAIN || skipSpace(bytes, objectEnd, end) !== end) {
      return false;
    }

    // One of id and order_id, as `id ?? order_id` takes it; both are left
    // to the general path.
    const id = starts[ID] >= 0 ? ID : ORDER_ID;
    if (starts[id] < 0 || (id === ID && starts[ORDER_ID] >= 0)) return false;
    this.keyStart = trimStart(bytes, starts[id], ends[id]);
    this.keyEnd = trimEnd(bytes, this.keyStart, ends[id]);
    if (this.keyStart === this.keyEnd || this.#items === 0) return false;

    this.#lookUp(this.#currencies, bytes, CURRENCY);
    this.#lookUp(this.#regions, bytes, REGION);
    if (this.#currencies.meaning === undefined || !this.#regions.meaning) {
      return false;
    }
    return this.#addItems(bytes);
  }

  /** Counts the line read() just read into its order. */
  countInto(bytes: Buffer, order: OrderPartial): void {
    if (this.#starts[CUSTOMER] < 0) order.noteCustomer('');
    else {
      const end = this.#ends[CUSTOMER];
      const start = trimStart(bytes, this.#starts[CUSTOMER], end);
      order.noteAsciiCustomer(bytes, start, trimEnd(bytes, start, end));
    }
    order.addLines(
      this.#currencies.text,
      this.#regions.text,
      this.#currencies.meaning!,
      this.#regions.meaning!,
      this.#items,
      this.#quantity,
      this.#subtotalMinor,
      this.#lineTaxMinor,
    );
  }

  // Reads the order text `key`, empty when the line has none.
  #lookUp<T>(lookup: ColumnLookup<T>, bytes: Buffer, key: number): void {
    const start = this.#starts[key];
    if (start < 0) lookup.readBytes(bytes, 0, 0, false, true);
    else lookup.readBytes(bytes, start, this.#ends[key], false, true);
  }

  // Reads the line's object from its opening brace at `pos`; returns the
  // end of it, or NOT_PLAIN.
  #readOrder(bytes: Buffer, pos: number, end: number): number {
    if (pos >= end || bytes[pos] !== OPEN_BRACE) return NOT_PLAIN;
    let met = 0;
    let p = skipSpace(bytes, pos + 1, end);
    for (;;) {
      const nameEnd = plainStringEnd(bytes, p, end);
      if (nameEnd === NOT_PLAIN) return NOT_PLAIN;
      let key = keyOf(bytes, p + 1, nameEnd - 1, ORDER_KEYS);
      if (key < 0 && isName(bytes, p + 1, nameEnd - 1, 'items')) key = ITEMS;
      if (key >= 0) {
        if (met & (1 << key)) return NOT_PLAIN;
        met |= 1 << key;
      }
      p = skipSpace(bytes, nameEnd, end);
      if (p >= end || bytes[p] !== COLON) return NOT_PLAIN;
      p = skipSpace(bytes, p + 1, end);

      if (key === ITEMS) p = this.#readItems(bytes, p, end);
      else if (key < 0) p = skipScalar(bytes, p, end);
      else {
        const valueStart = p;
        p = plainStringEnd(bytes, valueStart, end);
        this.#starts[key] = valueStart + 1;
        this.#ends[key] = p - 1;
      }
      if (p === NOT_PLAIN) return NOT_PLAIN;

      p = skipSpace(bytes, p, end);
      if (p < end && bytes[p] === CLOSE_BRACE) return p + 1;
      if (p >= end || bytes[p] !== COMMA) return NOT_PLAIN;
      p = skipSpace(bytes, p + 1, end);
    }
  }

  // Reads the items array at `pos`; returns its end, or NOT_PLAIN.
  #readItems(bytes: Buffer, pos: number, end: number): number {
    if (pos >= end || bytes[pos] !== OPEN_BRACKET) return NOT_PLAIN;
    let p = skipSpace(bytes, pos + 1, end);
    for (;;) {
      p = this.#readItem(bytes, p, end);
      if (p === NOT_PLAIN) return NOT_PLAIN;
      p = skipSpace(bytes, p, end);
      if (p < end && bytes[p] === CLOSE_BRACKET) return p + 1;
      if (p >= end || bytes[p] !== COMMA) return NOT_PLAIN;
      p = skipSpace(bytes, p + 1, end);
    }
  }

  // Reads one item object at `pos`, noting its quantity and where its
  // price stands; returns its end, or NOT_PLAIN.
  #readItem(bytes: Buffer, pos: number, end: number): number {
    if (pos >= end || bytes[pos] !== OPEN_BRACE) return NOT_PLAIN;
    let met = 0;
    let quantity = -1;
    let priceStart = 0;
    let priceEnd = 0;
    let p = skipSpace(bytes, pos + 1, end);
    for (;;) {
      const nameEnd = plainStringEnd(bytes, p, end);
      if (nameEnd === NOT_PLAIN) return NOT_PLAIN;
      const key = keyOf(bytes, p + 1, nameEnd - 1, ITEM_KEYS);
      if (key >= 0) {
        if (met & (1 << key)) return NOT_PLAIN;
        met |= 1 << key;
      }
      p = skipSpace(bytes, nameEnd, end);
      if (p >= end || bytes[p] !== COLON) return NOT_PLAIN;
      p = skipSpace(bytes, p + 1, end);

      const valueEnd =
        key >= 0 ? plainValueEnd(bytes, p, end) : skipScalar(bytes, p, end);
      if (valueEnd === NOT_PLAIN) return NOT_PLAIN;
      if (key === QUANTITY) {
        quantity = quantityAt(bytes, p, valueEnd);
        if (quantity < 0) return NOT_PLAIN;
      } else if (key >= 0) {
        const quoted = bytes[p] === QUOTE ? 1 : 0;
        priceStart = trimStart(bytes, p + quoted, valueEnd - quoted);
        priceEnd = trimEnd(bytes, priceStart, valueEnd - quoted);
        if (!quoted && !isShortDecimal(bytes, p, valueEnd)) return NOT_PLAIN;
      }
      p = skipSpace(bytes, valueEnd, end);
      if (p < end && bytes[p] === CLOSE_BRACE) break;
      if (p >= end || bytes[p] !== COMMA) return NOT_PLAIN;
      p = skipSpace(bytes, p + 1, end);
    }

    // A price given twice, as price and unit_price, is left to JSON.parse.
    const prices = met & ((1 << PRICE) | (1 << UNIT_PRICE));
    if (quantity < 0 || (prices !== 1 << PRICE && prices !== 1 << UNIT_PRICE)) {
      return NOT_PLAIN;
    }
    this.#noteItem(quantity, priceStart, priceEnd);
    return p + 1;
  }

  #noteItem(quantity: number, priceStart: number, priceEnd: number): void {
    const item = this.#items++;
    if (item === this.#quantities.length) {
      this.#quantities = grown(this.#quantities, new Float64Array(item * 2));
      this.#priceStarts = grown(this.#priceStarts, new Int32Array(item * 2));
      this.#priceEnds = grown(this.#priceEnds, new Int32Array(item * 2));
    }
    this.#quantities[item] = quantity;
    this.#priceStarts[item] = priceStart;
    this.#priceEnds[item] = priceEnd;
  }

  // Reads the items' prices in the order's currency and adds up the order,
  // in the same steps as readJsonOrder; false when a price is not good.
  #addItems(bytes: Buffer): boolean {
    const minorDigits = this.#currencies.meaning!;
    const rate = this.#regions.meaning!;
    const { tax, rounding } = this.#rules.settings;
    let quantity = 0;
    let subtotalMinor = 0;
    let lineTaxMinor = 0;
    for (let item = 0; item < this.#items; item++) {
      const priceMinor = parseMinorUnits(
        bytes,
        this.#priceStarts[item],
        this.#priceEnds[item],
        minorDigits,
      );
      if (priceMinor < 0) return false;
      const amountMinor = this.#quantities[item] * priceMinor;
      quantity += this.#quantities[item];
      subtotalMinor += amountMinor;
      if (tax.rounding === 'line') {
        lineTaxMinor += computeTaxMinor(amountMinor, rate, rounding);
      }
    }
    this.#quantity = quantity;
    this.#subtotalMinor = subtotalMinor;
    this.#lineTaxMinor = lineTaxMinor;
    return true;
  }
}

function grown<T extends Int32Array | Float64Array>(from: T, to: T): T {
  to.set(from);
  return to;
}

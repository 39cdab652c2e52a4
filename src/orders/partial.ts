// One order's lines as seen in one stretch of the input, merged with its
// other stretches as the merge finds them; settlement.ts says what the
// whole order comes to. Pure: no I/O.
import type { TaxRate } from '../money/tax.js';
import { equalsAscii, sameBytes } from './fields.js';
import { hashOrderId } from './hash.js';
import { MAX_MINOR, type PartialFacts } from './settlement.js';

/**
 * An order's lines within one chunk (or merged from several chunks).
 *
 * An id or customer read from plain ASCII bytes is held as where those
 * bytes stand, its string made only when asked for: most orders are
 * written straight from the bytes, and two strings an order cost a sixth
 * of a chunk's reading. The bytes must not change while they are held:
 * keepTexts() makes the strings before a buffer is refilled.
 */
export class OrderPartial {
  /** The order's place among its chunk's orders, by first line. */
  readonly index: number;
  hasValidLine = false;
  // The id's and the customer's text, or the bytes they stand in.
  #key: string | undefined;
  #keyBytes: Buffer | null = null;
  keyStart = 0;
  keyEnd = 0;
  #customer: string | undefined = '';
  #customerBytes: Buffer | null = null;
  customerStart = 0;
  customerEnd = 0;
  currency = '';
  region = '';
  minorDigits = 2;
  rate: TaxRate | undefined;
  lines = 0;
  quantity = 0;
  subtotalMinor = 0;
  lineTaxMinor = 0;
  /** CSV: lines with a code of their own; they reject the order. */
  badRows = 0;
  /** JSON lines: lines carrying this id (more than one is a duplicate). */
  jsonLines = 0;
  /** JSON lines: the code of the line's worst item, 0 when all are good. */
  itemCode = 0;
  mixed = false;
  outOfRange = false;

  /** hashOrderId of the key. */
  readonly hash: number;

  constructor(key: string, index: number, hash = hashOrderId(key)) {
    this.#key = key;
    this.index = index;
    this.hash = hash;
  }

  /** An order whose id is the ASCII bytes [start, end); `hash` is its hash. */
  static ofAsciiId(
    bytes: Buffer,
    start: number,
    end: number,
    index: number,
    hash: number,
  ): OrderPartial {
    const order = new OrderPartial('', index, hash);
    order.#key = undefined;
    order.#keyBytes = bytes;
    order.keyStart = start;
    order.keyEnd = end;
    return order;
  }

  get key(): string {
    return (this.#key ??= latin1(this.#keyBytes!, this.keyStart, this.keyEnd));
  }

  get customerId(): string {
    return (this.#customer ??= latin1(
      this.#customerBytes!,
      this.customerStart,
      this.customerEnd,
    ));
  }

  /** The bytes the id stands in, when its string is not made yet. */
  get keyBytes(): Buffer | null {
    return this.#key === undefined ? this.#keyBytes : null;
  }

  /** The bytes the customer stands in, when its string is not made yet. */
  get customerBytes(): Buffer | null {
    return this.#customer === undefined ? this.#customerBytes : null;
  }

  /** Whether the id is the ASCII bytes [start, end) of `bytes`. */
  keyIs(bytes: Buffer, start: number, end: number): boolean {
    return this.#key === undefined && this.#keyBytes === bytes
      ? sameBytes(bytes, start, end, this.keyStart, this.keyEnd)
      : equalsAscii(this.key, bytes, start, end);
  }

  /** Makes the strings of texts held as bytes of `bytes`, which may change. */
  keepTexts(bytes: Buffer): void {
    if (this.#keyBytes === bytes) {
      this.#key = this.key;
      this.#keyBytes = null;
    }
    if (this.#customerBytes === bytes) {
      this.#customer = this.customerId;
      this.#customerBytes = null;
    }
  }

  /**
   * Notes the customer of the valid line about to be counted by addLines():
   * the order's, if it has no valid line yet; otherwise another customer
   * makes the order mixed.
   */
  noteCustomer(customerId: string): void {
    if (!this.hasValidLine) this.#customer = customerId;
    else if (this.customerId !== customerId) this.mixed = true;
  }

  /** noteCustomer() for a customer that is the ASCII bytes [start, end). */
  noteAsciiCustomer(bytes: Buffer, start: number, end: number): void {
    if (!this.hasValidLine) {
      this.#customer = undefined;
      this.#customerBytes = bytes;
      this.customerStart = start;
      this.customerEnd = end;
    } else if (!this.#customerIs(bytes, start, end)) {
      this.mixed = true;
    }
  }

  #customerIs(bytes: Buffer, start: number, end: number): boolean {
    return this.#customer === undefined && this.#customerBytes === bytes
      ? sameBytes(bytes, start, end, this.customerStart, this.customerEnd)
      : equalsAscii(this.customerId, bytes, start, end);
  }

  /**
   * Counts valid lines (one CSV row, or a JSON order's items), whose
   * customer was just noted.
   */
  addLines(
    currency: string,
    region: string,
    minorDigits: number,
    rate: TaxRate,
    lines: number,
    quantity: number,
    amountMinor: number,
    lineTaxMinor: number,
  ): void {
    if (!this.hasValidLine) {
      this.hasValidLine = true;
      this.currency = currency;
      this.region = region;
      this.minorDigits = minorDigits;
      this.rate = rate;
    } else if (this.currency !== currency || this.region !== region) {
      this.mixed = true;
    }
    this.lines += lines;
    this.quantity += quantity;
    this.#addAmounts(amountMinor, lineTaxMinor);
  }

  /** Folds a later stretch of the same order into this one. */
  merge(later: PartialFacts): void {
    if (later.hasValidLine) {
      if (!this.hasValidLine) {
        this.hasValidLine = true;
        this.#customer = later.customerId;
        this.currency = later.currency;
        this.region = later.region;
        this.minorDigits = later.minorDigits;
        this.rate = later.rate;
      } else if (
        this.customerId !== later.customerId ||
        this.currency !== later.currency ||
        this.region !== later.region
      ) {
        this.mixed = true;
      }
    }
    this.lines += later.lines;
    this.quantity += later.quantity;
    this.badRows += later.badRows;
    this.jsonLines += later.jsonLines;
    this.itemCode ||= later.itemCode;
    this.mixed ||= later.mixed;
    this.outOfRange ||= later.outOfRange;
    this.#addAmounts(later.subtotalMinor, later.lineTaxMinor);
  }

  // A sum above 2^53 - 1 is inexact in a double, but then the order is
  // rejected as out of range and the inexact sum is never printed.
  #addAmounts(amountMinor: number, lineTaxMinor: number): void {
    this.subtotalMinor += amountMinor;
    this.lineTaxMinor += lineTaxMinor;
    if (this.subtotalMinor > MAX_MINOR || this.lineTaxMinor > MAX_MINOR) {
      this.outOfRange = true;
    }
  }
}

/** The facts of `order` as plain data, for another process. */
export function factsOf(order: OrderPartial): PartialFacts {
  return {
    key: order.key,
    customerId: order.customerId,
    hasValidLine: order.hasValidLine,
    currency: order.currency,
    region: order.region,
    minorDigits: order.minorDigits,
    rate: order.rate,
    lines: order.lines,
    quantity: order.quantity,
    subtotalMinor: order.subtotalMinor,
    lineTaxMinor: order.lineTaxMinor,
    badRows: order.badRows,
    jsonLines: order.jsonLines,
    itemCode: order.itemCode,
    mixed: order.mixed,
    outOfRange: order.outOfRange,
  };
}

function latin1(bytes: Buffer, start: number, end: number): string {
  return bytes.toString('latin1', start, end);
}

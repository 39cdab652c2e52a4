// A spread order's stretch as it is spilled (bucket-spill.ts): the facts
// of its lines in one chunk. Numbers are little endian; a text is its
// UTF-8 byte length in four bytes, then its bytes, but for currencies and
// regions, written as their numbers in a table (settled-records.ts holds
// the other record of spread orders).
import type { TaxRate } from '../money/tax.js';
import type { ByteSink } from '../orders/byte-sink.js';
import { OrderPartial } from '../orders/partial.js';
import type { Rules } from '../orders/rules.js';
import type { PartialFacts } from '../orders/settlement.js';

const HAS_VALID_LINE = 1;
const MIXED = 2;
const OUT_OF_RANGE = 4;
const HAS_RATE = 8;

/**
 * The texts that take few values, currencies and regions, numbered as they
 * are first met: a stretch holds their numbers, not their text, which
 * spares making two strings a stretch when it is read back.
 */
export class TextTable {
  readonly texts: string[] = [];
  readonly #numbers = new Map<string, number>();

  /** The table whose texts are `texts`, in their order (from another thread). */
  static of(texts: string[]): TextTable {
    const table = new TextTable();
    for (const text of texts) table.numberOf(text);
    return table;
  }

  numberOf(text: string): number {
    let number = this.#numbers.get(text);
    if (number === undefined) {
      number = this.texts.push(text) - 1;
      this.#numbers.set(text, number);
    }
    return number;
  }
}

/** A stretch's fixed part: place, flags and counts, then amounts. */
const STRETCH_FIXED = 4 + 4 + 1 + 1 + 1 + 4 + 4 + 4 + 8 + 8 + 8 + 4 + 4;

/**
 * Writes the facts of order `order`'s stretch in chunk `chunk`, its
 * currency and region as their numbers in `table`. An id or customer
 * still held as bytes (see OrderPartial) is copied as they are.
 */
export function putStretch(
  sink: ByteSink,
  chunk: number,
  order: number,
  facts: PartialFacts,
  table: TextTable,
): void {
  const partial = facts instanceof OrderPartial ? facts : undefined;
  const keyBytes = partial?.keyBytes;
  const customerBytes = partial?.customerBytes;
  const keyUnits = keyBytes
    ? partial!.keyEnd - partial!.keyStart
    : facts.key.length * 3;
  const customerUnits = customerBytes
    ? partial!.customerEnd - partial!.customerStart
    : facts.customerId.length * 3;
  const buffer = sink.room(STRETCH_FIXED + 8 + keyUnits + customerUnits);
  const view = sink.view();
  const at = sink.length;
  view.setUint32(at, chunk, true);
  view.setUint32(at + 4, order, true);
  buffer[at + 8] =
    (facts.hasValidLine ? HAS_VALID_LINE : 0) |
    (facts.mixed ? MIXED : 0) |
    (facts.outOfRange ? OUT_OF_RANGE : 0) |
    (facts.rate ? HAS_RATE : 0);
  buffer[at + 9] = facts.minorDigits;
  buffer[at + 10] = facts.itemCode;
  view.setUint32(at + 11, facts.lines, true);
  view.setUint32(at + 15, facts.badRows, true);
  view.setUint32(at + 19, facts.jsonLines, true);
  view.setFloat64(at + 23, facts.quantity, true);
  view.setFloat64(at + 31, facts.subtotalMinor, true);
  view.setFloat64(at + 39, facts.lineTaxMinor, true);
  view.setUint32(at + 47, table.numberOf(facts.currency), true);
  view.setUint32(at + 51, table.numberOf(facts.region), true);
  let end = at + STRETCH_FIXED;
  end = keyBytes
    ? putBytes(buffer, view, end, keyBytes, partial!.keyStart, partial!.keyEnd)
    : putText(buffer, view, end, facts.key);
  end = customerBytes
    ? putBytes(
        buffer,
        view,
        end,
        customerBytes,
        partial!.customerStart,
        partial!.customerEnd,
      )
    : putText(buffer, view, end, facts.customerId);
  sink.length = end;
}

/** A stretch's facts as read back: one object, refilled for each. */
class ReadFacts implements PartialFacts {
  key = '';
  customerId = '';
  hasValidLine = false;
  currency = '';
  region = '';
  minorDigits = 0;
  rate: TaxRate | undefined;
  lines = 0;
  quantity = 0;
  subtotalMinor = 0;
  lineTaxMinor = 0;
  badRows = 0;
  jsonLines = 0;
  itemCode = 0;
  mixed = false;
  outOfRange = false;
}

/**
 * Reads the stretches of a block, one after another; `facts` holds the
 * stretch read last, until the next.
 */
export class StretchReader {
  chunk = 0;
  order = 0;
  readonly facts: PartialFacts = new ReadFacts();
  readonly #rules: Rules;
  readonly #table: TextTable;
  #block: Buffer = Buffer.alloc(0);
  #view = viewOf(this.#block);
  #at = 0;

  constructor(rules: Rules, table: TextTable) {
    this.#rules = rules;
    this.#table = table;
  }

  /** Starts on a block of stretch records. */
  read(block: Buffer): void {
    this.#block = block;
    this.#view = viewOf(block);
    this.#at = 0;
  }

  /** Moves to the next stretch; false at the block's end. */
  next(): boolean {
    const block = this.#block;
    const view = this.#view;
    const at = this.#at;
    if (at >= block.length) return false;
    const facts = this.facts as ReadFacts;
    const { texts } = this.#table;
    this.chunk = view.getUint32(at, true);
    this.order = view.getUint32(at + 4, true);
    const flags = block[at + 8];
    facts.hasValidLine = (flags & HAS_VALID_LINE) !== 0;
    facts.mixed = (flags & MIXED) !== 0;
    facts.outOfRange = (flags & OUT_OF_RANGE) !== 0;
    facts.minorDigits = block[at + 9];
    facts.itemCode = block[at + 10];
    facts.lines = view.getUint32(at + 11, true);
    facts.badRows = view.getUint32(at + 15, true);
    facts.jsonLines = view.getUint32(at + 19, true);
    facts.quantity = view.getFloat64(at + 23, true);
    facts.subtotalMinor = view.getFloat64(at + 31, true);
    facts.lineTaxMinor = view.getFloat64(at + 39, true);
    facts.currency = texts[view.getUint32(at + 47, true)];
    facts.region = texts[view.getUint32(at + 51, true)];
    facts.rate =
      flags & HAS_RATE ? this.#rules.rateOf(facts.region) : undefined;
    let start = at + STRETCH_FIXED;
    let bytes = view.getUint32(start, true);
    facts.key = block.toString('utf8', start + 4, start + 4 + bytes);
    start += 4 + bytes;
    bytes = view.getUint32(start, true);
    facts.customerId = block.toString('utf8', start + 4, start + 4 + bytes);
    this.#at = start + 4 + bytes;
    return true;
  }
}

// The numbers of a record are read and written through a DataView of its
// buffer: Buffer's readUInt32LE and kin check their arguments each time
// (3M shuffled rows, alternated: 6.28-7.70 s with them, 5.88-6.12 s with
// the views). A sink keeps the view of its buffer (ByteSink.view).
export function viewOf(buffer: Buffer): DataView {
  return new DataView(buffer.buffer, buffer.byteOffset, buffer.length);
}

// A text: its UTF-8 byte length in four bytes, then its bytes.
function putText(
  buffer: Buffer,
  view: DataView,
  at: number,
  text: string,
): number {
  const bytes = buffer.write(text, at + 4, 'utf8');
  view.setUint32(at, bytes, true);
  return at + 4 + bytes;
}

// putText() of a text that is the ASCII bytes [start, end) of `from`, an
// id or a customer of a few bytes: copied byte by byte, since
// Buffer.copy's fixed cost was a twelfth of the scattered merge's time.
function putBytes(
  buffer: Buffer,
  view: DataView,
  at: number,
  from: Buffer,
  start: number,
  end: number,
): number {
  view.setUint32(at, end - start, true);
  at += 4;
  for (let i = start; i < end; i++) buffer[at++] = from[i];
  return at;
}

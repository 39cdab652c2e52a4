// The two records that spread orders are spilled as (bucket-spill.ts): a
// stretch (the facts of an order's lines in one chunk) and a settled order
// (its invoice line, to be written at its first place). Numbers are little
// endian; a text is its UTF-8 byte length in four bytes, then its bytes,
// but for currencies and regions, written as their numbers in a table.
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
  let at = sink.length;
  at = buffer.writeUInt32LE(chunk, at);
  at = buffer.writeUInt32LE(order, at);
  const flags =
    (facts.hasValidLine ? HAS_VALID_LINE : 0) |
    (facts.mixed ? MIXED : 0) |
    (facts.outOfRange ? OUT_OF_RANGE : 0) |
    (facts.rate ? HAS_RATE : 0);
  at = buffer.writeUInt8(flags, at);
  at = buffer.writeUInt8(facts.minorDigits, at);
  at = buffer.writeUInt8(facts.itemCode, at);
  at = buffer.writeUInt32LE(facts.lines, at);
  at = buffer.writeUInt32LE(facts.badRows, at);
  at = buffer.writeUInt32LE(facts.jsonLines, at);
  at = buffer.writeDoubleLE(facts.quantity, at);
  at = buffer.writeDoubleLE(facts.subtotalMinor, at);
  at = buffer.writeDoubleLE(facts.lineTaxMinor, at);
  at = buffer.writeUInt32LE(table.numberOf(facts.currency), at);
  at = buffer.writeUInt32LE(table.numberOf(facts.region), at);
  at = keyBytes
    ? putBytes(buffer, at, keyBytes, partial!.keyStart, partial!.keyEnd)
    : putText(buffer, at, facts.key);
  at = customerBytes
    ? putBytes(
        buffer,
        at,
        customerBytes,
        partial!.customerStart,
        partial!.customerEnd,
      )
    : putText(buffer, at, facts.customerId);
  sink.length = at;
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
  #at = 0;

  constructor(rules: Rules, table: TextTable) {
    this.#rules = rules;
    this.#table = table;
  }

  /** Starts on a block of stretch records. */
  read(block: Buffer): void {
    this.#block = block;
    this.#at = 0;
  }

  /** Moves to the next stretch; false at the block's end. */
  next(): boolean {
    const block = this.#block;
    let at = this.#at;
    if (at >= block.length) return false;
    const facts = this.facts as ReadFacts;
    const { texts } = this.#table;
    this.chunk = block.readUInt32LE(at);
    this.order = block.readUInt32LE(at + 4);
    const flags = block[at + 8];
    facts.hasValidLine = (flags & HAS_VALID_LINE) !== 0;
    facts.mixed = (flags & MIXED) !== 0;
    facts.outOfRange = (flags & OUT_OF_RANGE) !== 0;
    facts.minorDigits = block[at + 9];
    facts.itemCode = block[at + 10];
    facts.lines = block.readUInt32LE(at + 11);
    facts.badRows = block.readUInt32LE(at + 15);
    facts.jsonLines = block.readUInt32LE(at + 19);
    facts.quantity = block.readDoubleLE(at + 23);
    facts.subtotalMinor = block.readDoubleLE(at + 31);
    facts.lineTaxMinor = block.readDoubleLE(at + 39);
    facts.currency = texts[block.readUInt32LE(at + 47)];
    facts.region = texts[block.readUInt32LE(at + 51)];
    facts.rate =
      flags & HAS_RATE ? this.#rules.rateOf(facts.region) : undefined;
    at += STRETCH_FIXED;
    let bytes = block.readUInt32LE(at);
    facts.key = block.toString('utf8', at + 4, at + 4 + bytes);
    at += 4 + bytes;
    bytes = block.readUInt32LE(at);
    facts.customerId = block.toString('utf8', at + 4, at + 4 + bytes);
    this.#at = at + 4 + bytes;
    return true;
  }
}

/**
 * What the merge does at a spread order's first place: write the whole
 * order's invoice line, or keep the chunk's own output for an order that
 * stood in one chunk only (its id's hash was another's).
 */
export const Settled = { invoice: 1, keep: 2 } as const;

const SETTLED_FIXED = 1 + 4 + 4 + 8 + 4;

/** Writes what the merge does at the first place of a spread order. */
export function putSettled(
  sink: ByteSink,
  kind: number,
  chunk: number,
  order: number,
  totalMinor: number,
  line: Buffer,
): void {
  const buffer = sink.room(SETTLED_FIXED + line.length);
  let at = sink.length;
  at = buffer.writeUInt8(kind, at);
  at = buffer.writeUInt32LE(chunk, at);
  at = buffer.writeUInt32LE(order, at);
  at = buffer.writeDoubleLE(totalMinor, at);
  at = buffer.writeUInt32LE(line.length, at);
  buffer.set(line, at);
  sink.length = at + line.length;
}

/**
 * Reads a bucket's settled orders, block after block, in the order they
 * were written: that of their first places.
 */
export class SettledReader {
  kind = 0;
  chunk = -1;
  order = -1;
  totalMinor = 0;
  /** The invoice line, valid until next(). */
  line: Buffer = Buffer.alloc(0);
  readonly #blocks: Iterator<Buffer>;
  #block: Buffer = Buffer.alloc(0);
  #at = 0;

  constructor(blocks: Iterator<Buffer>) {
    this.#blocks = blocks;
  }

  /** Whether the next settled order stands at this place. */
  isAt(chunk: number, order: number): boolean {
    return this.chunk === chunk && this.order === order;
  }

  /** Moves to the next settled order; false when there is none. */
  next(): boolean {
    while (this.#at >= this.#block.length) {
      const next = this.#blocks.next();
      if (next.done) {
        this.chunk = this.order = -1;
        return false;
      }
      this.#block = next.value;
      this.#at = 0;
    }
    const block = this.#block;
    const at = this.#at;
    this.kind = block[at];
    this.chunk = block.readUInt32LE(at + 1);
    this.order = block.readUInt32LE(at + 5);
    this.totalMinor = block.readDoubleLE(at + 9);
    const length = block.readUInt32LE(at + 17);
    this.line = block.subarray(at + SETTLED_FIXED, at + SETTLED_FIXED + length);
    this.#at = at + SETTLED_FIXED + length;
    return true;
  }
}

// A text: its UTF-8 byte length in four bytes, then its bytes.
function putText(buffer: Buffer, at: number, text: string): number {
  const bytes = buffer.write(text, at + 4, 'utf8');
  buffer.writeUInt32LE(bytes, at);
  return at + 4 + bytes;
}

// putText() of a text that is the ASCII bytes [start, end) of `from`, an
// id or a customer of a few bytes: copied byte by byte, since
// Buffer.copy's fixed cost was a twelfth of the scattered merge's time.
function putBytes(
  buffer: Buffer,
  at: number,
  from: Buffer,
  start: number,
  end: number,
): number {
  buffer.writeUInt32LE(end - start, at);
  at += 4;
  for (let i = start; i < end; i++) buffer[at++] = from[i];
  return at;
}

// The two records that spread orders are spilled as (bucket-spill.ts): a
// stretch (the facts of an order's lines in one chunk) and a settled order
// (its invoice line, to be written at its first place). Numbers are little
// endian; a text is its UTF-8 byte length in four bytes, then its bytes.
import type { ByteSink } from '../orders/byte-sink.js';
import type { Rules } from '../orders/rules.js';
import type { PartialFacts } from '../orders/settlement.js';

const HAS_VALID_LINE = 1;
const MIXED = 2;
const OUT_OF_RANGE = 4;
const HAS_RATE = 8;

/** A stretch's fixed part: place, flags and counts, then amounts. */
const STRETCH_FIXED = 4 + 4 + 1 + 1 + 1 + 4 + 4 + 4 + 8 + 8 + 8;

/** Writes the facts of order `order`'s stretch in chunk `chunk`. */
export function putStretch(
  sink: ByteSink,
  chunk: number,
  order: number,
  facts: PartialFacts,
): void {
  const { key, customerId, currency, region } = facts;
  const texts = key.length + customerId.length + currency.length;
  const buffer = sink.room(STRETCH_FIXED + 16 + 3 * (texts + region.length));
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
  for (const text of [key, customerId, currency, region]) {
    at = putText(buffer, at, text);
  }
  sink.length = at;
}

/** Reads the stretches of a block, one after another. */
export class StretchReader {
  chunk = 0;
  order = 0;
  facts: PartialFacts | undefined;
  readonly #rules: Rules;
  #block: Buffer = Buffer.alloc(0);
  #at = 0;

  constructor(rules: Rules) {
    this.#rules = rules;
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
    this.chunk = block.readUInt32LE(at);
    this.order = block.readUInt32LE(at + 4);
    const flags = block[at + 8];
    const minorDigits = block[at + 9];
    const itemCode = block[at + 10];
    const lines = block.readUInt32LE(at + 11);
    const badRows = block.readUInt32LE(at + 15);
    const jsonLines = block.readUInt32LE(at + 19);
    const quantity = block.readDoubleLE(at + 23);
    const subtotalMinor = block.readDoubleLE(at + 31);
    const lineTaxMinor = block.readDoubleLE(at + 39);
    at += STRETCH_FIXED;
    const texts: string[] = [];
    for (let i = 0; i < 4; i++) {
      const bytes = block.readUInt32LE(at);
      texts.push(block.toString('utf8', at + 4, at + 4 + bytes));
      at += 4 + bytes;
    }
    this.#at = at;
    const [key, customerId, currency, region] = texts;
    this.facts = {
      key,
      customerId,
      hasValidLine: (flags & HAS_VALID_LINE) !== 0,
      currency,
      region,
      minorDigits,
      rate: flags & HAS_RATE ? this.#rules.rateOf(region) : undefined,
      lines,
      quantity,
      subtotalMinor,
      lineTaxMinor,
      badRows,
      jsonLines,
      itemCode,
      mixed: (flags & MIXED) !== 0,
      outOfRange: (flags & OUT_OF_RANGE) !== 0,
    };
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
  sink.length = at + line.copy(buffer, at);
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

function putText(buffer: Buffer, at: number, text: string): number {
  const bytes = buffer.write(text, at + 4, 'utf8');
  buffer.writeUInt32LE(bytes, at);
  return at + 4 + bytes;
}

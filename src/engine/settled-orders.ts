// The spread orders of a run once settled (spread-orders.ts), as the merge
// writes them: the whole orders' invoice lines, bucket by bucket in the
// order of their first places, and the rejected orders' records.
import { finalLineCode } from '../orders/settlement.js';
import type { Rules } from '../orders/rules.js';
import { renderRowReject } from '../orders/settle-chunk.js';
import type { BucketSpill } from './bucket-spill.js';
import type { AcceptedChunk } from './chain.js';
import type { SpreadIds } from './spread-ids.js';
import { SettledReader } from './settled-records.js';
import { readStretches } from './stretches.js';

// A rejected order's place, as one double: chunk * 2^26 + order, times 16
// for the code it is rejected with (below 16). Sorted, they stand in
// input order.
const ORDER_SPAN = 2 ** 26;
const CODE_SPAN = 16;

/** A rejected spread order's place and code, to be sorted with others. */
export function rejectedPlace(chunk: number, order: number, code: number) {
  return (chunk * ORDER_SPAN + order) * CODE_SPAN + code;
}

/** The spread orders of a run, settled: what the merge writes of them. */
export class SettledOrders {
  readonly #spreadIds: SpreadIds;
  // The spills of the settled orders: the first holds the buckets below
  // `#split`, the second (a thread's) the others.
  readonly #spills: BucketSpill[];
  readonly #split: number;
  readonly #buckets: number;
  // The rejected orders' places and codes, sorted (see rejectedPlace).
  readonly #rejected: Float64Array;
  #nextRejected = 0;

  constructor(
    spreadIds: SpreadIds,
    spills: BucketSpill[],
    split: number,
    rejected: Float64Array,
  ) {
    this.#spreadIds = spreadIds;
    this.#spills = spills;
    this.#split = split;
    this.#buckets = spills[0].buckets;
    this.#rejected = rejected;
  }

  /**
   * One reader a bucket of the settled orders, each on its first; reader
   * `bucketAt(chunk, order)` is the one a spread order's place looks at.
   */
  readers(): SettledReader[] {
    return Array.from({ length: this.#buckets }, (_, bucket) => {
      const spill = this.#spills[bucket < this.#split ? 0 : 1];
      const reader = new SettledReader(spill.blocks(bucket));
      reader.next();
      return reader;
    });
  }

  /** The bucket of the spread order at a place. */
  bucketAt(chunk: number, order: number): number {
    return this.#spreadIds.bucketOf(chunk, order, this.#buckets);
  }

  /**
   * The rejected spread orders standing in a chunk, with their codes; ask
   * for the chunks in input order.
   */
  rejectedIn(chunk: number): Map<number, number> {
    const orders = new Map<number, number>();
    const rejected = this.#rejected;
    const end = (chunk + 1) * ORDER_SPAN * CODE_SPAN;
    while (this.#nextRejected < rejected.length) {
      const entry = rejected[this.#nextRejected];
      if (entry >= end) break;
      this.#nextRejected++;
      const place = Math.floor(entry / CODE_SPAN);
      if (place < chunk * ORDER_SPAN) continue;
      orders.set(place - chunk * ORDER_SPAN, entry - place * CODE_SPAN);
    }
    return orders;
  }

  close(): void {
    for (const spill of this.#spills) spill.close();
  }
}

/**
 * The rejects lines of the rejected spread orders `orders` (order number
 * to code) standing in a chunk, in line order.
 */
export function spreadRejectsIn(
  chunk: AcceptedChunk,
  orders: Map<number, number>,
  rules: Rules,
  readRecord: (start: number, end: number) => Buffer,
): Array<{ line: number; text: string }> {
  if (orders.size === 0) return [];
  const how = { rules, readRecord, records: true };
  const lines: Array<{ line: number; text: string }> = [];
  const wanted = [...orders.keys()];
  for (const { order, partial, records } of readStretches(chunk, wanted, how)) {
    const orderCode = orders.get(order)!;
    for (const { line, row } of records) {
      const code = finalLineCode(row.code, orderCode);
      const tail = renderRowReject(row, code, partial.key, rules, readRecord);
      lines.push({ line, text: `${line},${tail}` });
    }
  }
  return lines.sort((a, b) => a.line - b.line);
}

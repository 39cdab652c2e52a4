// Which order id hashes stand in more than one chunk. Ids are cut into 256
// partitions by the hash's low bits; a partition's ids, from every chunk in
// input order, are checked in one small table that stays in the
// processor's cache. One large table of every id waited on main memory for
// nearly every one: on 10M rows it cost the primary about 0.7 s. Each chunk
// spills its ids sorted by partition (partitionIds); spread-ids.ts reads
// them a group of partitions at a time and hands them over here.

const EMPTY = 0;
const MANY = -1;
/** How many partitions ids are cut into. */
export const PARTS = 256;

/** The partition of an id hash: its low 8 bits. */
export function partitionOf(hash: number): number {
  // ToUint32 of an integer double: its low 32 bits, exactly.
  return (hash >>> 0) & (PARTS - 1);
}

/** Ids as two columns: each id's hash, and its order number in its chunk. */
export interface IdColumns {
  hashes: Float64Array;
  orders: Uint32Array;
}

/**
 * A chunk's ids sorted by partition: those of partition p are ids
 * offsets[p] up to offsets[p + 1].
 */
export interface PartitionedIds extends IdColumns {
  offsets: Int32Array;
}

/**
 * Sorts a chunk's id hashes (by order number) by partition, keeping the
 * order numbers ascending within each.
 */
export function partitionIds(hashes: Float64Array): PartitionedIds {
  const offsets = new Int32Array(PARTS + 1);
  for (let order = 0; order < hashes.length; order++) {
    offsets[partitionOf(hashes[order]) + 1]++;
  }
  for (let part = 0; part < PARTS; part++) offsets[part + 1] += offsets[part];
  const next = offsets.slice(0, PARTS);
  const sorted = new Float64Array(hashes.length);
  const orders = new Uint32Array(hashes.length);
  for (let order = 0; order < hashes.length; order++) {
    const at = next[partitionOf(hashes[order])]++;
    sorted[at] = hashes[order];
    orders[at] = order;
  }
  return { offsets, hashes: sorted, orders };
}

// Where an id stood, packed in one double: chunk * 2^26 + order (both below
// 2^26, so the sum is exact), or MANY once it stood in two chunks.
const ORDER_SPAN = 2 ** 26;

// A slot is found from the hash's bits 8 to 31 (bits 0 to 7 chose the
// partition).
const MAX_SLOTS = 2 ** 24;

/** Reports a place of an id, by its hash, that stands in several chunks. */
export type OnSpread = (chunk: number, order: number, hash: number) => void;

/**
 * Checks the ids of one partition after another. For each, start() it with
 * its count of ids, then add() them in chunk order: `onSpread` is told of
 * every place of an id that stands in more than one chunk, and of the ids
 * of one chunk that share a hash with such an id (a collision).
 */
export class KeyTable {
  readonly #onSpread: OnSpread;
  // The table, reused from partition to partition: hash, place pairs.
  #slots = new Float64Array(0);
  #mask = 0;
  // Hashes shared by two ids of their first chunk: rare (about n^2 / 2^53).
  #alsoInFirstChunk = new Map<number, number[]>();

  constructor(onSpread: OnSpread) {
    this.#onSpread = onSpread;
  }

  /** Empties the table for a partition of `count` ids. */
  start(count: number): void {
    let slotCount = 16;
    while (slotCount < count * 2) slotCount *= 2;
    if (slotCount > MAX_SLOTS) {
      throw new Error('an order id partition cannot hold over 2^23 ids');
    }
    if (this.#slots.length < slotCount * 2) {
      this.#slots = new Float64Array(slotCount * 2);
    } else {
      this.#slots.fill(EMPTY, 0, slotCount * 2);
    }
    this.#mask = slotCount - 1;
    this.#alsoInFirstChunk.clear();
  }

  /**
   * Adds that `hash` stands in `chunk` as its order number `order`. Ids
   * come in chunk order, so the first place a hash takes in the table is
   * its first place in the file.
   */
  add(hash: number, chunk: number, order: number): void {
    this.#insert(hash, chunk * ORDER_SPAN + order, this.#mask);
  }

  #insert(hash: number, place: number, mask: number): void {
    const slots = this.#slots;
    const alsoInFirstChunk = this.#alsoInFirstChunk;
    let at = (((hash >>> 0) >>> 8) & mask) << 1;
    while (slots[at] !== EMPTY && slots[at] !== hash) {
      at = (at + 2) & ((mask << 1) | 1);
    }
    if (slots[at] === EMPTY) {
      slots[at] = hash;
      slots[at + 1] = place;
      return;
    }
    const chunk = Math.floor(place / ORDER_SPAN);
    const order = place - chunk * ORDER_SPAN;
    const firstPlace = slots[at + 1];
    const first =
      firstPlace === MANY ? MANY : Math.floor(firstPlace / ORDER_SPAN);
    if (first === chunk) {
      // Two ids of one chunk with one hash (chunks hold each id once): keep
      // the second, so that it is reported too should the hash spread.
      const also = alsoInFirstChunk.get(hash) ?? [];
      alsoInFirstChunk.set(hash, [...also, order]);
      return;
    }
    if (first !== MANY) {
      this.#onSpread(first, firstPlace - first * ORDER_SPAN, hash);
      for (const other of alsoInFirstChunk.get(hash) ?? []) {
        this.#onSpread(first, other, hash);
      }
      slots[at + 1] = MANY;
    }
    this.#onSpread(chunk, order, hash);
  }
}

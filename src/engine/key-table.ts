// Which order id hashes stand in more than one chunk. Ids are appended to
// one of 256 lists, chosen by the hash's low bits (their partition); flush()
// checks the lists one at a time in a single small table that stays in the
// processor's cache. One large table filled as chunks came in waited on
// main memory for nearly every id: on 10M rows it cost the primary about
// 0.7 s, the lists and flush() 0.15 s. The ids come from the spill files,
// each chunk's sorted by partition (partitionIds), and a table is given a
// group of partitions at a time, so memory stays bounded by the ids of one
// group (see spread-ids.ts).

const EMPTY = 0;
const MANY = -1;
/** How many partitions ids are cut into. */
export const PARTS = 256;

/** The partition of an id hash: its low 8 bits. */
export function partitionOf(hash: number): number {
  // ToUint32 of an integer double: its low 32 bits, exactly.
  return (hash >>> 0) & (PARTS - 1);
}

/** A chunk's ids sorted by partition: those of partition p are offsets[p] up to offsets[p + 1]. */
export interface PartitionedIds {
  offsets: Int32Array;
  hashes: Float64Array;
  orders: Int32Array;
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
  const orders = new Int32Array(hashes.length);
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

// A list is a chain of blocks of this many ids, so it never copies itself.
const BLOCK_IDS = 1024;
// A slot is found from the hash's bits 8 to 31 (bits 0 to 7 chose the list).
const MAX_SLOTS = 2 ** 24;

/** Reports a place of an id that stands in more than one chunk. */
export type OnSpread = (chunk: number, order: number) => void;

/** The ids of one partition, as pairs of hash and packed place. */
class IdList {
  readonly blocks: Float64Array[] = [];
  /** Ids in the last block; as if full at first, so a push makes one. */
  last = BLOCK_IDS;
  count = 0;

  push(hash: number, place: number): void {
    if (this.last === BLOCK_IDS) {
      this.blocks.push(new Float64Array(BLOCK_IDS * 2));
      this.last = 0;
    }
    const block = this.blocks[this.blocks.length - 1];
    block[this.last * 2] = hash;
    block[this.last * 2 + 1] = place;
    this.last++;
    this.count++;
  }
}

/**
 * A set of order id hashes (non-zero) with where each first stood, added in
 * chunk order; flush() then tells `onSpread` of every id in two chunks.
 */
export class KeyTable {
  readonly #lists = Array.from({ length: PARTS }, () => new IdList());
  readonly #onSpread: OnSpread;
  // The table flush() checks each list in, reused from list to list.
  #slots = new Float64Array(0);

  /**
   * `onSpread` is told, at flush(), of every id that stands in more than
   * one chunk: each place of it, with the ids of one chunk that share a
   * hash with it (a collision) told as well.
   */
  constructor(onSpread: OnSpread) {
    this.#onSpread = onSpread;
  }

  /** Notes that `hash` stands in `chunk` as its order number `order`. */
  add(hash: number, chunk: number, order: number): void {
    const list = this.#lists[partitionOf(hash)];
    list.push(hash, chunk * ORDER_SPAN + order);
  }

  /**
   * Checks every id added; calls `onSpread` for those in two chunks. The
   * last call: the lists are let go as they are checked.
   */
  flush(): void {
    for (let part = 0; part < PARTS; part++) {
      this.#check(this.#lists[part]);
      this.#lists[part].blocks.length = 0;
    }
    this.#slots = new Float64Array(0);
  }

  // A list holds its ids in the order they were added, that is in chunk
  // order, so the first place a hash takes in the table is its first place
  // in the file.
  #check(list: IdList): void {
    let slotCount = 16;
    while (slotCount < list.count * 2) slotCount *= 2;
    if (slotCount > MAX_SLOTS) {
      throw new Error('an order id list cannot hold over 2^23 ids');
    }
    if (this.#slots.length < slotCount * 2) {
      this.#slots = new Float64Array(slotCount * 2);
    } else {
      this.#slots.fill(EMPTY, 0, slotCount * 2);
    }
    // Hashes shared by two ids of their first chunk: rare (about n^2 / 2^53).
    const alsoInFirstChunk = new Map<number, number[]>();
    const mask = slotCount - 1;
    let left = list.count;
    for (const block of list.blocks) {
      const ids = Math.min(left, BLOCK_IDS);
      left -= ids;
      for (let i = 0; i < ids * 2; i += 2) {
        this.#insert(block[i], block[i + 1], mask, alsoInFirstChunk);
      }
    }
  }

  #insert(
    hash: number,
    place: number,
    mask: number,
    alsoInFirstChunk: Map<number, number[]>,
  ): void {
    const slots = this.#slots;
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
      this.#onSpread(first, firstPlace - first * ORDER_SPAN);
      for (const other of alsoInFirstChunk.get(hash) ?? []) {
        this.#onSpread(first, other);
      }
      slots[at + 1] = MANY;
    }
    this.#onSpread(chunk, order);
  }
}

// Which order id hashes stand in more than one chunk. Open-addressing
// tables over one typed array each, 16 bytes a slot, where a Map of strings
// would take ten times that. The hashes are split over 256 tables by their low
// bits, so that growing one never holds two copies of the whole set.
// Shortcoming: it holds one entry per distinct order id of the file, so a
// file of hundreds of millions of orders needs gigabytes here; spilling
// the partitions to files and checking them one at a time would bound it.

const EMPTY = 0;
const MANY = -1;
const PARTS = 256;

// Where an id first stood, packed in one double: chunk * 2^26 + order
// (both below 2^26, so the sum is exact), or MANY once it stood in two.
const ORDER_SPAN = 2 ** 26;

const FIRST_PART_SLOTS = 64;
const MAX_PART_SLOTS = 2 ** 24;
// What reserve() sets aside at most: 4M ids, 128 MB of slots.
const MAX_RESERVED_IDS = 4 * 2 ** 20;

/**
 * One partition: a table kept at most three quarters full. A slot is two
 * neighbouring doubles, the hash and where it first stood. Slots are found
 * from the hash's low 32 bits with integer arithmetic: the double division
 * and modulo this once used cost more than the memory access itself.
 */
class Part {
  slots: Float64Array;
  size = 0;
  /** The size at which the table grows. */
  limit: number;

  constructor(slotCount: number) {
    this.slots = new Float64Array(slotCount * 2);
    this.limit = (slotCount / 4) * 3;
  }

  /**
   * The index of `hash`'s slot pair, or of the empty pair it would take.
   * `low` is the hash's low 32 bits: the lowest 8 chose the partition, the
   * next 24 choose the slot (a part never holds more than 2^24 slots).
   */
  slotOf(hash: number, low: number): number {
    const slots = this.slots;
    const mask = (slots.length >>> 1) - 1;
    for (let slot = (low >>> 8) & mask; ; slot = (slot + 1) & mask) {
      const at = slot << 1;
      if (slots[at] === EMPTY || slots[at] === hash) return at;
    }
  }

  grow(): void {
    const old = this.slots;
    if (old.length >= MAX_PART_SLOTS * 2) {
      throw new Error('the order id table cannot grow past 2^32 ids');
    }
    this.slots = new Float64Array(old.length * 2);
    this.limit *= 2;
    for (let at = 0; at < old.length; at += 2) {
      const hash = old[at];
      if (hash === EMPTY) continue;
      const slot = this.slotOf(hash, hash >>> 0);
      this.slots[slot] = hash;
      this.slots[slot + 1] = old[at + 1];
    }
  }
}

/** A set of order id hashes (non-zero), each with where it first stood. */
export class KeyTable {
  readonly #parts = Array.from(
    { length: PARTS },
    () => new Part(FIRST_PART_SLOTS),
  );
  // Hashes shared by two ids of their first chunk: rare (about n^2 / 2^53).
  readonly #alsoInFirstChunk = new Map<number, number[]>();

  /**
   * Sizes the tables for about `ids` ids at once (up to 4M), so that they
   * are not rehashed again and again as they fill.
   */
  reserve(ids: number): void {
    const perPart = Math.min(ids, MAX_RESERVED_IDS) / PARTS;
    for (const part of this.#parts) {
      while (part.limit < perPart) part.grow();
    }
  }

  /**
   * Notes that `hash` stands in `chunk` as its order number `order`. When
   * that makes it stand in a second chunk, calls `onSpread` with its first
   * place too; for a third chunk and more, with this place alone.
   */
  add(
    hash: number,
    chunk: number,
    order: number,
    onSpread: (chunk: number, order: number) => void,
  ): void {
    // ToUint32 of an integer double: its low 32 bits, exactly.
    const low = hash >>> 0;
    const part = this.#parts[low & (PARTS - 1)];
    if (part.size >= part.limit) part.grow();
    const at = part.slotOf(hash, low);
    if (part.slots[at] === EMPTY) {
      part.slots[at] = hash;
      part.slots[at + 1] = chunk * ORDER_SPAN + order;
      part.size++;
      return;
    }
    const place = part.slots[at + 1];
    const first = place === MANY ? MANY : Math.floor(place / ORDER_SPAN);
    if (first === chunk) {
      // Two ids of one chunk with one hash (chunks hold each id once): keep
      // the second, so that it is reported too should the hash spread.
      const also = this.#alsoInFirstChunk.get(hash) ?? [];
      this.#alsoInFirstChunk.set(hash, [...also, order]);
      return;
    }
    if (first !== MANY) {
      onSpread(first, place - first * ORDER_SPAN);
      for (const other of this.#alsoInFirstChunk.get(hash) ?? []) {
        onSpread(first, other);
      }
      part.slots[at + 1] = MANY;
    }
    onSpread(chunk, order);
  }
}

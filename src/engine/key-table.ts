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

/**
 * One partition: a table kept at most three quarters full. A slot is two
 * neighbouring doubles, the hash and where it first stood. An insert costs
 * about 300 ns here, most of it waiting on memory: the hashes are random,
 * so each insert touches a random place of a table of tens of megabytes.
 */
class Part {
  slots = new Float64Array(128);
  size = 0;

  /** The index of `hash`'s slot pair, or of the empty pair it would take. */
  slotOf(hash: number): number {
    const mask = this.slots.length / 2 - 1;
    // The low bits chose the partition; the next ones choose the slot.
    let slot = Math.floor(hash / PARTS) & mask;
    while (this.slots[slot * 2] !== EMPTY && this.slots[slot * 2] !== hash) {
      slot = (slot + 1) & mask;
    }
    return slot * 2;
  }

  growIfFull(): void {
    if (this.size * 8 < this.slots.length * 3) return;
    const old = this.slots;
    this.slots = new Float64Array(old.length * 2);
    for (let at = 0; at < old.length; at += 2) {
      if (old[at] === EMPTY) continue;
      const slot = this.slotOf(old[at]);
      this.slots[slot] = old[at];
      this.slots[slot + 1] = old[at + 1];
    }
  }
}

/** A set of order id hashes (non-zero), each with where it first stood. */
export class KeyTable {
  readonly #parts = Array.from({ length: PARTS }, () => new Part());
  // Hashes shared by two ids of their first chunk: rare (about n^2 / 2^53).
  readonly #alsoInFirstChunk = new Map<number, number[]>();

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
    const part = this.#parts[hash % PARTS];
    part.growIfFull();
    const at = part.slotOf(hash);
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

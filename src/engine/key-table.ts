// Which order id hashes stand in more than one chunk. Open-addressing
// tables over typed arrays, 16 bytes a slot, where a Map of strings would
// take ten times that. The hashes are split over 256 tables by their low
// bits, so that growing one never holds two copies of the whole set.
// Shortcoming: it holds one entry per distinct order id of the file, so a
// file of hundreds of millions of orders needs gigabytes here; spilling
// the partitions to files and checking them one at a time would bound it.

const EMPTY = 0;
const MANY = -1;
const PARTS = 256;

/** One partition: a table kept at most three quarters full. */
class Part {
  hashes = new Float64Array(64);
  chunks = new Int32Array(64);
  orders = new Int32Array(64);
  size = 0;

  slotOf(hash: number): number {
    const mask = this.hashes.length - 1;
    // The low bits chose the partition; the next ones choose the slot.
    let slot = Math.floor(hash / PARTS) & mask;
    while (this.hashes[slot] !== EMPTY && this.hashes[slot] !== hash) {
      slot = (slot + 1) & mask;
    }
    return slot;
  }

  growIfFull(): void {
    if (this.size * 4 < this.hashes.length * 3) return;
    const { hashes, chunks, orders } = this;
    this.hashes = new Float64Array(hashes.length * 2);
    this.chunks = new Int32Array(hashes.length * 2);
    this.orders = new Int32Array(hashes.length * 2);
    for (let i = 0; i < hashes.length; i++) {
      if (hashes[i] === EMPTY) continue;
      const slot = this.slotOf(hashes[i]);
      this.hashes[slot] = hashes[i];
      this.chunks[slot] = chunks[i];
      this.orders[slot] = orders[i];
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
    const slot = part.slotOf(hash);
    if (part.hashes[slot] === EMPTY) {
      part.hashes[slot] = hash;
      part.chunks[slot] = chunk;
      part.orders[slot] = order;
      part.size++;
      return;
    }
    const first = part.chunks[slot];
    if (first === chunk) {
      // Two ids of one chunk with one hash (chunks hold each id once): keep
      // the second, so that it is reported too should the hash spread.
      const also = this.#alsoInFirstChunk.get(hash) ?? [];
      this.#alsoInFirstChunk.set(hash, [...also, order]);
      return;
    }
    if (first !== MANY) {
      onSpread(first, part.orders[slot]);
      for (const other of this.#alsoInFirstChunk.get(hash) ?? []) {
        onSpread(first, other);
      }
      part.chunks[slot] = MANY;
    }
    onSpread(chunk, order);
  }
}

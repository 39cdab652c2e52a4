// Which order id hashes stand in more than one chunk. An open-addressing
// table over typed arrays: 16 bytes an order id at most half full, where a
// Map of strings would take ten times that.
// Shortcoming: it holds one entry per distinct order id of the file, so a
// file of hundreds of millions of orders needs gigabytes here; partitioning
// the hashes into spill files by their top bits would bound it.

const EMPTY = 0;
const MANY = -1;

/** A set of order id hashes (non-zero), each with where it first stood. */
export class KeyTable {
  #hashes = new Float64Array(1 << 16);
  #chunks = new Int32Array(1 << 16);
  #orders = new Int32Array(1 << 16);
  #size = 0;

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
    if (this.#size * 2 >= this.#hashes.length) this.#grow();
    const slot = this.#slotOf(hash);
    if (this.#hashes[slot] === EMPTY) {
      this.#hashes[slot] = hash;
      this.#chunks[slot] = chunk;
      this.#orders[slot] = order;
      this.#size++;
      return;
    }
    const first = this.#chunks[slot];
    if (first === chunk) {
      // Two ids of one chunk with one hash (chunks hold each id once): keep
      // the second, so that it is reported too should the hash spread.
      const also = this.#alsoInFirstChunk.get(hash) ?? [];
      this.#alsoInFirstChunk.set(hash, [...also, order]);
      return;
    }
    if (first !== MANY) {
      onSpread(first, this.#orders[slot]);
      for (const other of this.#alsoInFirstChunk.get(hash) ?? []) {
        onSpread(first, other);
      }
      this.#chunks[slot] = MANY;
    }
    onSpread(chunk, order);
  }

  // Hashes shared by two ids of their first chunk: rare (about n^2 / 2^53).
  readonly #alsoInFirstChunk = new Map<number, number[]>();

  #slotOf(hash: number): number {
    const mask = this.#hashes.length - 1;
    let slot = (hash % 0x40000000) & mask;
    while (this.#hashes[slot] !== EMPTY && this.#hashes[slot] !== hash) {
      slot = (slot + 1) & mask;
    }
    return slot;
  }

  #grow(): void {
    const hashes = this.#hashes;
    const chunks = this.#chunks;
    const orders = this.#orders;
    this.#hashes = new Float64Array(hashes.length * 2);
    this.#chunks = new Int32Array(hashes.length * 2);
    this.#orders = new Int32Array(hashes.length * 2);
    for (let i = 0; i < hashes.length; i++) {
      if (hashes[i] === EMPTY) continue;
      const slot = this.#slotOf(hashes[i]);
      this.#hashes[slot] = hashes[i];
      this.#chunks[slot] = chunks[i];
      this.#orders[slot] = orders[i];
    }
  }
}

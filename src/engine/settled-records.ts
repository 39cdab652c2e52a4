// A spread order once settled, as it is spilled (bucket-spill.ts): what
// the merge does at its first place, and the whole order's invoice line.
// Numbers are little endian, read and written through DataViews (see
// viewOf).
import type { ByteSink } from '../orders/byte-sink.js';
import { viewOf } from './stretch-records.js';

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
  const view = sink.view();
  const at = sink.length;
  buffer[at] = kind;
  view.setUint32(at + 1, chunk, true);
  view.setUint32(at + 5, order, true);
  view.setFloat64(at + 9, totalMinor, true);
  view.setUint32(at + 17, line.length, true);
  buffer.set(line, at + SETTLED_FIXED);
  sink.length = at + SETTLED_FIXED + line.length;
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
  #view = viewOf(this.#block);
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
      this.#view = viewOf(next.value);
      this.#at = 0;
    }
    const block = this.#block;
    const view = this.#view;
    const at = this.#at;
    this.kind = block[at];
    this.chunk = view.getUint32(at + 1, true);
    this.order = view.getUint32(at + 5, true);
    this.totalMinor = view.getFloat64(at + 9, true);
    const length = view.getUint32(at + 17, true);
    this.line = block.subarray(at + SETTLED_FIXED, at + SETTLED_FIXED + length);
    this.#at = at + SETTLED_FIXED + length;
    return true;
  }
}

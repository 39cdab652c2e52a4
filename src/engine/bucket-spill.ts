// Records sorted into buckets, each bucket's kept a block at a time in one
// shared file, so that memory holds a block a bucket, whatever the number
// of records: the spread orders of a file whose orders are scattered are
// settled one bucket at a time this way (spread-orders.ts). Nothing is
// written to disk while every bucket fits in its block, so the few orders
// cut at the chunk edges of an ordinary file never leave memory.
import { closeSync, openSync, writeSync } from 'node:fs';
import { ByteSink } from '../orders/byte-sink.js';
import { readAt } from './spill.js';

// Room for the next record before a block is full: a few records' worth.
const SLACK = 1024;

/** The smallest block worth a write. */
export const MIN_BLOCK_BYTES = 4 << 10;

/**
 * A spill written on another thread, handed over (handOver) to be read:
 * its file, where each bucket's blocks lie in it, and the records of each
 * bucket still in memory.
 */
export interface SpillParts {
  path: string;
  blocks: number[][];
  tails: Buffer[];
}

export class BucketSpill {
  readonly #path: string;
  readonly #blockBytes: number;
  readonly #sinks: Array<ByteSink | undefined>;
  // Per bucket, where its blocks in the file start and end, in pairs.
  readonly #blocks: number[][];
  #fd: number | undefined;
  #fileBytes = 0;

  /**
   * Buckets whose records go to `path` once a bucket holds `blockBytes`.
   * Each record must be written whole to one bucket's sink, then wrote().
   */
  constructor(path: string, buckets: number, blockBytes: number) {
    this.#path = path;
    this.#blockBytes = blockBytes;
    this.#sinks = Array.from({ length: buckets }, () => undefined);
    this.#blocks = Array.from({ length: buckets }, () => []);
  }

  /** A spill handed over by another thread, to read its buckets. */
  static of(parts: SpillParts): BucketSpill {
    const spill = new BucketSpill(parts.path, parts.blocks.length, 0);
    parts.blocks.forEach((blocks, bucket) => {
      spill.#blocks[bucket].push(...blocks);
      const tail = parts.tails[bucket];
      if (tail.length === 0) return;
      const sink = spill.sink(bucket);
      sink.room(tail.length).set(tail);
      sink.length = tail.length;
    });
    if (parts.blocks.some((blocks) => blocks.length > 0)) {
      spill.#fd = openSync(parts.path, 'r');
    }
    return spill;
  }

  /** What another thread needs to read this spill, with BucketSpill.of(). */
  parts(): SpillParts {
    const tails = this.#sinks.map((sink) =>
      sink ? Buffer.from(sink.bytes()) : Buffer.alloc(0),
    );
    return { path: this.#path, blocks: this.#blocks, tails };
  }

  /** Closes the file and hands the spill over: its parts(). */
  handOver(): SpillParts {
    this.close();
    return this.parts();
  }

  get buckets(): number {
    return this.#sinks.length;
  }

  /** Where to write a bucket's next record. */
  sink(bucket: number): ByteSink {
    return (this.#sinks[bucket] ??= new ByteSink(
      Math.min(this.#blockBytes, 1 << 16),
    ));
  }

  /**
   * Ends a record written to a bucket's sink: writes out a block about to
   * fill, before the sink grows past the block's size.
   */
  wrote(bucket: number): void {
    const sink = this.#sinks[bucket]!;
    if (sink.length + SLACK < this.#blockBytes) return;
    this.#fd ??= openSync(this.#path, 'w+');
    const block = sink.bytes();
    for (let done = 0; done < block.length;) {
      done += writeSync(this.#fd, block, done, block.length - done);
    }
    this.#blocks[bucket].push(this.#fileBytes, this.#fileBytes + block.length);
    this.#fileBytes += block.length;
    sink.clear();
  }

  /**
   * Yields a bucket's blocks in the order written, each valid until the
   * next is asked for; each holds whole records.
   */
  *blocks(bucket: number): Generator<Buffer> {
    const blocks = this.#blocks[bucket];
    for (let at = 0; at < blocks.length; at += 2) {
      yield readAt(this.#fd!, blocks[at], blocks[at + 1] - blocks[at]);
    }
    const sink = this.#sinks[bucket];
    if (sink && sink.length > 0) yield sink.bytes();
  }

  /** Forgets a bucket's records held in memory, once they are read. */
  free(bucket: number): void {
    this.#sinks[bucket] = undefined;
  }

  /** Closes the file; it goes with the run's spill folder. */
  close(): void {
    if (this.#fd !== undefined) closeSync(this.#fd);
    this.#fd = undefined;
  }
}

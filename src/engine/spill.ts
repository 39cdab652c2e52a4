// A chunk's output on disk until the merge: its invoice and rejects text,
// then the typed arrays that index them, then its runs (run-bytes.ts),
// which only a spread order's stretches are read again from, and last its
// order ids' hashes, sorted by partition, from which the merge finds the
// orders that stand in several chunks (see layoutOf). Keeping results in
// files keeps every process's memory bounded by the chunks in flight.
import { closeSync, openSync, readSync, writeSync } from 'node:fs';
import { threadId } from 'node:worker_threads';
import { INPUT_CHANGED } from '../errors.js';
import type { ChunkOutcome } from '../orders/settle-chunk.js';
import { decodeRuns } from '../orders/run-bytes.js';
import { PARTS, partitionIds, type IdColumns } from './key-table.js';

/** The arrays of a spilled chunk that the merge reads back for each chunk. */
export interface SpillIndex {
  invoiceEnds: Uint32Array;
  invoiceTotals: Float64Array;
  rejectLines: Float64Array;
  rejectEnds: Float64Array;
  rejectOrders: Int32Array;
}

/** Where a chunk's output lies in its thread's spill file. */
export interface SpillPlace {
  spillPath: string;
  spillOffset: number;
  invoiceBytes: number;
  rejectBytes: number;
  /** Reject text is ASCII, so its character offsets are byte offsets. */
  rejectAscii: boolean;
  /** The bytes of its runs (run-bytes.ts). */
  runBytes: number;
}

// Each thread appends its chunks to one file of its own, opened once: a
// file a chunk cost an open and a close for every megabyte read.
let spill: { path: string; fd: number; bytes: number } | undefined;

/** Appends a chunk's outcome to this thread's spill file in `spillDir`. */
export function writeSpill(
  spillDir: string,
  outcome: ChunkOutcome,
): SpillPlace {
  if (!spill || !spill.path.startsWith(`${spillDir}/`)) {
    const path = `${spillDir}/spill-${process.pid}-${threadId}.bin`;
    spill = { path, fd: openSync(path, 'w'), bytes: 0 };
  }
  const invoice = outcome.invoiceBytes;
  const rejects = Buffer.from(outcome.rejectText);
  const spillOffset = spill.bytes;
  const ids = partitionIds(outcome.hashes);
  for (const part of [
    invoice,
    rejects,
    outcome.invoiceTotals,
    outcome.rejectLines,
    outcome.rejectEnds,
    outcome.invoiceEnds,
    outcome.rejectOrders,
    outcome.runBytes,
    ids.offsets,
    ids.hashes,
    ids.orders,
  ]) {
    spill.bytes += writeAllAt(spill.fd, part, spill.bytes);
  }
  return {
    spillPath: spill.path,
    spillOffset,
    invoiceBytes: invoice.length,
    rejectBytes: rejects.length,
    rejectAscii: rejects.length === outcome.rejectText.length,
    runBytes: outcome.runBytes.length,
  };
}

function writeAllAt(
  fd: number,
  part: ArrayBufferView,
  position: number,
): number {
  const bytes = new Uint8Array(part.buffer, part.byteOffset, part.byteLength);
  for (let done = 0; done < bytes.length;) {
    done += writeSync(fd, bytes, done, bytes.length - done, position + done);
  }
  return bytes.length;
}

/** What the merge needs to find a chunk's parts in a spill file. */
interface SpillShape extends SpillPlace {
  orders: number;
  rejects: number;
}

// Where the parts that follow the texts stand, in the order writeSpill
// writes them: the index (the doubles first, so that each stays aligned:
// invoice totals, a double an order, reject lines and ends, a double a
// reject; then invoice ends, a Uint32 an order, and reject orders, an Int32
// a reject), the runs, the id offsets (an Int32 a partition, and one more),
// the id hashes (a double an order) and the ids' order numbers (a Uint32
// an order). Each byte spilled costs the threads time (see run-bytes.ts):
// what fits in 32 bits is kept in 32.
function layoutOf({
  spillOffset,
  invoiceBytes,
  rejectBytes,
  ...shape
}: SpillShape) {
  const index = spillOffset + invoiceBytes + rejectBytes;
  const indexBytes = shape.orders * (8 + 4) + shape.rejects * (2 * 8 + 4);
  const runs = index + indexBytes;
  const idOffsets = runs + shape.runBytes;
  const idHashes = idOffsets + (PARTS + 1) * 4;
  const idOrders = idHashes + shape.orders * 8;
  return { index, indexBytes, runs, idOffsets, idHashes, idOrders };
}

/** A spilled chunk's texts and index, as the merge reads them back. */
export interface SpilledChunk {
  invoices: Buffer;
  rejects: Buffer;
  index: SpillIndex;
}

/**
 * Reads spilled chunks back for the merge, one after another: a chunk's
 * texts and index in one read, into one buffer used again for the next
 * chunk, from spill files kept open. The views it returns are valid until
 * the next read. (A read for the texts, another for the index into a fresh
 * buffer, and an open and a close for each cost 53-71 ms of 10M rows'
 * merge.)
 */
export class SpillReader {
  readonly #files = new Map<string, number>();
  #buffer = Buffer.allocUnsafeSlow(0);

  read(shape: SpillShape): SpilledChunk {
    const { orders, rejects, invoiceBytes, rejectBytes } = shape;
    const layout = layoutOf(shape);
    const textBytes = invoiceBytes + rejectBytes;
    // The texts are read from `lead` on, so that the index after them
    // starts 8-byte aligned, as its doubles must.
    const lead = (8 - (textBytes % 8)) % 8;
    const bytes = lead + textBytes + layout.indexBytes;
    if (this.#buffer.length < bytes) {
      this.#buffer = Buffer.allocUnsafeSlow(
        Math.max(bytes, this.#buffer.length * 2),
      );
    }
    const buffer = this.#buffer;
    readInto(
      buffer.subarray(lead, bytes),
      this.#fdOf(shape.spillPath),
      shape.spillOffset,
    );
    let at = buffer.byteOffset + lead + textBytes;
    const take = <T>(
      View: new (buffer: ArrayBufferLike, at: number, length: number) => T,
      length: number,
      size: number,
    ): T => {
      const view = new View(buffer.buffer, at, length);
      at += length * size;
      return view;
    };
    return {
      invoices: buffer.subarray(lead, lead + invoiceBytes),
      rejects: buffer.subarray(lead + invoiceBytes, lead + textBytes),
      // The doubles come first: each stays aligned.
      index: {
        invoiceTotals: take(Float64Array, orders, 8),
        rejectLines: take(Float64Array, rejects, 8),
        rejectEnds: take(Float64Array, rejects, 8),
        invoiceEnds: take(Uint32Array, orders, 4),
        rejectOrders: take(Int32Array, rejects, 4),
      },
    };
  }

  close(): void {
    for (const fd of this.#files.values()) closeSync(fd);
    this.#files.clear();
  }

  #fdOf(path: string): number {
    let fd = this.#files.get(path);
    if (fd === undefined) this.#files.set(path, (fd = openSync(path, 'r')));
    return fd;
  }
}

/**
 * Reads the runs of some of a spilled chunk's orders, the chunk starting
 * at `start` in the input: for each order, its runs in input order, as
 * (start, end, line) triples.
 */
export function readSpillRuns(
  shape: SpillShape & { start: number },
  orders: number[],
): Map<number, number[]> {
  const fd = openSync(shape.spillPath, 'r');
  try {
    const bytes = readAt(fd, layoutOf(shape).runs, shape.runBytes);
    return decodeRuns(bytes, shape.start, new Set(orders));
  } finally {
    closeSync(fd);
  }
}

/**
 * Where each partition's ids start among a spilled chunk's ids, sorted by
 * partition (see partitionIds); `fd` is the chunk's spill file, open.
 */
export function readSpillIdOffsets(shape: SpillShape, fd: number): Int32Array {
  const offsets = new Int32Array(PARTS + 1);
  readInto(Buffer.from(offsets.buffer), fd, layoutOf(shape).idOffsets);
  return offsets;
}

/**
 * Reads the ids of partitions [from, to) of a spilled chunk, their hashes
 * and order numbers, into `ids` from id `at` on.
 */
export function readSpillIds(
  shape: SpillShape,
  fd: number,
  offsets: Int32Array,
  from: number,
  to: number,
  ids: IdColumns,
  at: number,
): void {
  const [first, end] = [offsets[from], offsets[to]];
  if (end === first) return;
  const layout = layoutOf(shape);
  const count = end - first;
  const hashes = ids.hashes.subarray(at, at + count);
  readInto(bytesOf(hashes), fd, layout.idHashes + first * 8);
  const orders = ids.orders.subarray(at, at + count);
  readInto(bytesOf(orders), fd, layout.idOrders + first * 4);
}

function bytesOf(view: ArrayBufferView): Buffer {
  return Buffer.from(view.buffer, view.byteOffset, view.byteLength);
}

/**
 * Fills `buffer` from the run's input at `position`. A read past its end
 * means the file was cut short while the run read it: the error says so
 * (INPUT_CHANGED) across threads and processes, and the run ends with 74.
 */
export function readInputInto(
  buffer: Buffer,
  fd: number,
  position: number,
): Buffer {
  try {
    return readInto(buffer, fd, position);
  } catch (error) {
    throw new Error(`${INPUT_CHANGED}: ${(error as Error).message}`);
  }
}

/** readInputInto a new buffer of `length` bytes. */
export function readInputAt(
  fd: number,
  position: number,
  length: number,
): Buffer {
  return readInputInto(Buffer.allocUnsafe(length), fd, position);
}

/** Reads `length` bytes at `position`, failing on a short read. */
export function readAt(fd: number, position: number, length: number): Buffer {
  return readInto(Buffer.allocUnsafe(length), fd, position);
}

/** Fills `buffer` with the bytes at `position`, failing on a short read. */
export function readInto(buffer: Buffer, fd: number, position: number): Buffer {
  const length = buffer.length;
  for (let done = 0; done < length;) {
    const read = readSync(fd, buffer, done, length - done, position + done);
    if (read === 0) throw new Error(`file ended at byte ${position + done}`);
    done += read;
  }
  return buffer;
}

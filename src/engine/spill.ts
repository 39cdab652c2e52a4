// A chunk's output on disk until the merge: its invoice and rejects text,
// then the typed arrays that index them. Keeping results in files keeps
// every process's memory bounded by the chunks in flight.
import { closeSync, openSync, readSync, writeSync } from 'node:fs';
import type { ChunkOutcome } from '../orders/settle-chunk.js';

/** The arrays of a spilled chunk, read back by the merge. */
export interface SpillIndex {
  hashes: Float64Array;
  invoiceEnds: Float64Array;
  rejectLines: Float64Array;
  rejectEnds: Float64Array;
  rejectOrders: Int32Array;
  runs: Float64Array;
}

/** Writes a chunk's outcome; returns the byte lengths of its texts. */
export function writeSpill(path: string, outcome: ChunkOutcome) {
  const invoice = outcome.invoiceBytes;
  const rejects = Buffer.from(outcome.rejectText);
  const fd = openSync(path, 'w');
  try {
    for (const part of [
      invoice,
      rejects,
      outcome.hashes,
      outcome.invoiceEnds,
      outcome.rejectLines,
      outcome.rejectEnds,
      outcome.runs,
      outcome.rejectOrders,
    ]) {
      writeAll(fd, part);
    }
  } finally {
    closeSync(fd);
  }
  return {
    invoiceBytes: invoice.length,
    rejectBytes: rejects.length,
    rejectAscii: rejects.length === outcome.rejectText.length,
  };
}

function writeAll(fd: number, part: ArrayBufferView): void {
  const bytes = new Uint8Array(part.buffer, part.byteOffset, part.byteLength);
  for (let done = 0; done < bytes.length; ) {
    done += writeSync(fd, bytes, done, bytes.length - done);
  }
}

/** Where each part of a spill file starts, from the counts in a report. */
interface SpillShape {
  spillPath: string;
  orders: number;
  rejects: number;
  runs: number;
  invoiceBytes: number;
  rejectBytes: number;
}

/** Reads a spill file's invoice and rejects text as bytes. */
export function readSpillTexts(shape: SpillShape): { invoices: Buffer; rejects: Buffer } {
  const fd = openSync(shape.spillPath, 'r');
  try {
    return {
      invoices: readAt(fd, 0, shape.invoiceBytes),
      rejects: readAt(fd, shape.invoiceBytes, shape.rejectBytes),
    };
  } finally {
    closeSync(fd);
  }
}

/** Reads a spill file's index arrays. */
export function readSpillIndex(shape: SpillShape): SpillIndex {
  const fd = openSync(shape.spillPath, 'r');
  try {
    let at = shape.invoiceBytes + shape.rejectBytes;
    const take = (bytes: number) => {
      const buffer = readAt(fd, at, bytes);
      at += bytes;
      // A copy, so the array's memory is aligned for its element size.
      return buffer.buffer.slice(buffer.byteOffset, buffer.byteOffset + bytes);
    };
    return {
      hashes: new Float64Array(take(shape.orders * 8)),
      invoiceEnds: new Float64Array(take(shape.orders * 8)),
      rejectLines: new Float64Array(take(shape.rejects * 8)),
      rejectEnds: new Float64Array(take(shape.rejects * 8)),
      runs: new Float64Array(take(shape.runs * 32)),
      rejectOrders: new Int32Array(take(shape.rejects * 4)),
    };
  } finally {
    closeSync(fd);
  }
}

/** Reads `length` bytes at `position`, failing on a short read. */
export function readAt(fd: number, position: number, length: number): Buffer {
  const buffer = Buffer.allocUnsafe(length);
  for (let done = 0; done < length; ) {
    const read = readSync(fd, buffer, done, length - done, position + done);
    if (read === 0) throw new Error(`file ended at byte ${position + done}`);
    done += read;
  }
  return buffer;
}

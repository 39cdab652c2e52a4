// The stretches of a chunk's spread orders read again from the input: for
// the orders the chunk's edges do not describe (spread-orders.ts), and for
// the records of those that turn out rejected.
import { ChunkProcessor } from '../orders/chunk.js';
import { forEachRow } from '../orders/find-rows.js';
import type { OrderPartial } from '../orders/partial.js';
import type { RowFacts } from '../orders/row-table.js';
import type { Rules } from '../orders/rules.js';
import type { AcceptedChunk } from './chain.js';
import { readSpillRuns } from './spill.js';

/** An order's lines in one chunk, and its records when asked for. */
export interface Stretch {
  order: number;
  partial: OrderPartial;
  records: Array<{ chunk: number; line: number; row: RowFacts }>;
}

// Past this many spread orders in one chunk, reading the whole chunk again
// is cheaper than reading each order's runs: the edges of a chunk make two
// such orders, a file whose orders are scattered makes thousands.
const WHOLE_CHUNK_AFTER = 16;

/**
 * The `wanted` orders of a chunk (ascending order numbers), read again,
 * in the same order; their records too when `how.records`.
 */
export function readStretches(
  chunk: AcceptedChunk,
  wanted: number[],
  how: {
    rules: Rules;
    readRecord: (start: number, end: number) => Buffer;
    records: boolean;
  },
): Stretch[] {
  if (wanted.length === 0) return [];
  const { rules, readRecord } = how;
  const stretches = wanted.map((order): Stretch => ({
    order,
    partial: undefined!,
    records: [],
  }));
  // Takes the orders `reads` names from a processor that read them again:
  // its order numbers there, to the places of their stretches. One pass
  // finds their records, however many they are (a scattered file has
  // thousands a chunk).
  const take = (
    processor: ChunkProcessor,
    // The bytes fed to the processor, and where in the input they start.
    bytes: Buffer,
    from: number,
    reads: Map<number, Stretch>,
    linesBefore: number,
  ) => {
    for (const [read, stretch] of reads) {
      const partial = processor.orders[read];
      if (stretch.partial) stretch.partial.merge(partial);
      else stretch.partial = partial;
    }
    if (!how.records) return;
    forEachRow(
      processor,
      (start, end) => bytes.subarray(start - from, end - from),
      (read) => reads.has(read),
      (row, line, read) => {
        reads.get(read)!.records.push({
          chunk: chunk.index,
          line: linesBefore + line + 1,
          row,
        });
      },
    );
  };

  if (wanted.length > WHOLE_CHUNK_AFTER) {
    const processor = new ChunkProcessor(rules, chunk.start, chunk.end);
    const bytes = readRecord(chunk.start, chunk.end);
    processor.feed(bytes, chunk.start, true);
    if (!how.records) {
      // Each order is one stretch, where the processor has it.
      for (const stretch of stretches) {
        stretch.partial = processor.orders[stretch.order];
      }
      return stretches;
    }
    const reads = new Map(stretches.map((stretch) => [stretch.order, stretch]));
    take(processor, bytes, chunk.start, reads, chunk.linesBefore);
  } else {
    const runsOf = readSpillRuns(chunk, wanted);
    for (const stretch of stretches) {
      const runs = runsOf.get(stretch.order)!;
      for (let at = 0; at < runs.length; at += 3) {
        const [start, end, runLine] = [runs[at], runs[at + 1], runs[at + 2]];
        const processor = new ChunkProcessor(rules, start, end);
        const bytes = readRecord(start, end);
        processor.feed(bytes, start, true);
        const reads = new Map([[0, stretch]]);
        take(processor, bytes, start, reads, chunk.linesBefore + runLine);
      }
    }
  }
  return stretches;
}

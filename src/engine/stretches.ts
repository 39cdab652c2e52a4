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
 * The wanted orders of a chunk, read again, by their order number there;
 * their records too when `how.records`.
 */
export function readStretches(
  chunk: AcceptedChunk,
  wanted: Set<number>,
  how: {
    rules: Rules;
    readRecord: (start: number, end: number) => Buffer;
    records: boolean;
  },
): Stretch[] {
  const { rules, readRecord } = how;
  const stretches = new Map<number, Stretch>();
  // Takes the orders `reads` names from a processor that read them again:
  // its order numbers there, to the chunk's. One pass finds their records,
  // however many they are (a scattered file has thousands a chunk).
  const take = (
    processor: ChunkProcessor,
    // The bytes fed to the processor, and where in the input they start.
    bytes: Buffer,
    from: number,
    reads: Map<number, number>,
    linesBefore: number,
  ) => {
    for (const [read, order] of reads) {
      const partial = processor.orders[read];
      const stretch = stretches.get(order);
      if (stretch) stretch.partial.merge(partial);
      else stretches.set(order, { order, partial, records: [] });
    }
    if (!how.records) return;
    forEachRow(
      processor,
      (start, end) => bytes.subarray(start - from, end - from),
      (read) => reads.has(read),
      (row, line, read) => {
        stretches.get(reads.get(read)!)!.records.push({
          chunk: chunk.index,
          line: linesBefore + line + 1,
          row,
        });
      },
    );
  };

  if (wanted.size > WHOLE_CHUNK_AFTER) {
    const processor = new ChunkProcessor(rules, chunk.start, chunk.end);
    const bytes = readRecord(chunk.start, chunk.end);
    processor.feed(bytes, chunk.start, true);
    const reads = new Map([...wanted].map((order) => [order, order]));
    take(processor, bytes, chunk.start, reads, chunk.linesBefore);
  } else {
    for (const [order, runs] of readSpillRuns(chunk, [...wanted])) {
      for (let at = 0; at < runs.length; at += 3) {
        const [start, end, runLine] = [runs[at], runs[at + 1], runs[at + 2]];
        const processor = new ChunkProcessor(rules, start, end);
        const bytes = readRecord(start, end);
        processor.feed(bytes, start, true);
        const reads = new Map([[0, order]]);
        take(processor, bytes, start, reads, chunk.linesBefore + runLine);
      }
    }
  }
  return [...stretches.values()].sort((a, b) => a.order - b.order);
}

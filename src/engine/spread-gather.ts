// The first step of settling spread orders (spread-orders.ts): each
// stretch of every spread order, taken from the facts a chunk reported for
// its edges or read again from the input, is written to its bucket, and
// what the chunk counted for it alone is taken back. A file of scattered
// orders has millions of stretches: its chunks are then shared with a
// thread of the primary's (spread-aside.ts), which takes the later ones
// and writes a spill of its own, so that reading the primary's spill and
// then the thread's keeps input order.
import { log } from '../log.js';
import { Code } from '../orders/codes.js';
import type { Rules } from '../orders/rules.js';
import { settleOrder, type PartialFacts } from '../orders/settlement.js';
import { BucketSpill, MIN_BLOCK_BYTES } from './bucket-spill.js';
import type { AcceptedChunk } from './chain.js';
import type { MergeResult } from './merge-stretch.js';
import type { SpreadIds } from './spread-ids.js';
import { putStretch, TextTable } from './stretch-records.js';
import { readStretches } from './stretches.js';
import {
  addCounted,
  type SpillShape,
  type SpreadThread,
} from './spread-aside.js';
import type { JobSpec } from './task.js';

/** Stretches written to a spill, their currencies and regions in `table`. */
export interface StretchSource {
  spill: BucketSpill;
  table: TextTable;
}

/** What gathering needs besides the chunks. */
export interface Gathering {
  job: JobSpec;
  rules: Rules;
  readRecord: (start: number, end: number) => Buffer;
  result: MergeResult;
  pause: () => Promise<void>;
}

/**
 * Writes the stretches of the spread orders of `chunks` (the accepted
 * chunks, in input order) to buckets, taking back from `how.result` what
 * each chunk counted for them; `thread`, when given, takes the later half
 * of the chunks. Returns the spills, in input order, for the caller to
 * close.
 */
export async function gatherStretches(
  chunks: AcceptedChunk[],
  spreadIds: SpreadIds,
  spill: SpillShape,
  how: Gathering,
  thread: SpreadThread | undefined,
): Promise<StretchSource[]> {
  const shared = thread !== undefined && chunks.length > 1;
  const half = shared ? Math.ceil(chunks.length / 2) : chunks.length;
  // Two spills hold blocks at once: each has half the room.
  const blockBytes = shared
    ? Math.max(MIN_BLOCK_BYTES, spill.blockBytes / 2)
    : spill.blockBytes;
  const shape = { ...spill, blockBytes };
  const asked = shared
    ? thread.ask({
        kind: 'gather',
        job: how.job,
        chunks: chunks.slice(half),
        orderCounts: spreadIds.orderCounts,
        marks: spreadIds.marks,
        count: spreadIds.count,
        spill: { ...shape, path: `${shape.path}.thread` },
      })
    : undefined;
  const own: StretchSource = {
    spill: new BucketSpill(shape.path, shape.buckets, shape.blockBytes),
    table: new TextTable(),
  };
  try {
    const { rules, readRecord, result } = how;
    const gather = async (from: number, to: number) => {
      for (const chunk of chunks.slice(from, to)) {
        await how.pause();
        gatherChunk(chunk, spreadIds, own, rules, readRecord, result);
      }
    };
    await gather(0, half);
    const answer = asked && (await asked.catch(failed));
    if (!answer) {
      await gather(half, chunks.length);
      return [own];
    }
    addCounted(result, answer.counted);
    const spill = BucketSpill.of(answer.parts);
    return [own, { spill, table: TextTable.of(answer.texts) }];
  } catch (error) {
    own.spill.close();
    throw error;
  }
}

/**
 * A failed thread costs only time, its share being done by the caller: its
 * cause is told with ORDER_BATCH_DEBUG.
 */
export function failed(error: Error): undefined {
  if (process.env.ORDER_BATCH_DEBUG) {
    log(`spread orders' thread failed: ${error.message}`);
  }
  return undefined;
}

/** Writes the stretches of one chunk's spread orders to `to`'s buckets. */
export function gatherChunk(
  chunk: AcceptedChunk,
  spreadIds: SpreadIds,
  to: StretchSource,
  rules: Rules,
  readRecord: (start: number, end: number) => Buffer,
  result: MergeResult,
): void {
  const orders = spreadIds.ordersOf(chunk.index);
  if (orders.length === 0) return;
  const { spill, table } = to;
  for (const { order, facts } of stretchesOf(
    chunk,
    orders,
    rules,
    readRecord,
  )) {
    takeBack(facts, rules, result);
    const bucket = spreadIds.bucketOf(chunk.index, order, spill.buckets);
    putStretch(spill.sink(bucket), chunk.index, order, facts, table);
    spill.wrote(bucket);
  }
}

// The stretches of a chunk's spread orders `orders` (ascending), in the
// same order, so that a bucket's orders are folded in the order of their
// first places: from the facts the chunk reported for its edges (its
// first and last orders), or read again.
function stretchesOf(
  chunk: AcceptedChunk,
  orders: number[],
  rules: Rules,
  readRecord: (start: number, end: number) => Buffer,
): Array<{ order: number; facts: PartialFacts }> {
  const edges = new Map(chunk.edges.map((edge) => [edge.order, edge.facts]));
  const toRead = orders.filter((order) => !edges.has(order));
  const how = { rules, readRecord, records: false };
  const read = readStretches(chunk, toRead, how).values();
  return orders.map((order) => {
    const facts = edges.get(order) ?? read.next().value!.partial;
    return { order, facts };
  });
}

// Takes back what a chunk counted for a stretch of a spread order, as it
// settled the stretch alone.
function takeBack(partial: PartialFacts, rules: Rules, result: MergeResult) {
  const local = settleOrder(partial, rules);
  if (local.code !== Code.none) {
    result.rejectedOrders--;
    return;
  }
  result.invoices--;
  result.invoicedRows -= partial.jsonLines || partial.lines;
  result.totals.addInvoice(
    partial.currency,
    -partial.subtotalMinor,
    -local.taxMinor,
    -local.totalMinor,
    -1,
  );
}

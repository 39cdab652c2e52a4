// Orders that stand in more than one chunk (at chunk edges, or scattered
// through the file): read again from the input, folded together in input
// order, and settled whole, correcting what each chunk counted alone.
//
// They are settled a bucket at a time, a bucket holding the orders whose
// ids' hashes end in the same bits: each stretch goes to its bucket
// as the chunks are read again, then each bucket is folded and settled,
// its invoice lines kept in the order of their first places for the merge
// to write. So memory holds one bucket's orders and a block of every
// bucket (bucket-spill.ts), not every spread order: a file whose orders
// are scattered makes millions of them, and holding them all took 2.4 GiB
// on 10M shuffled rows.
import { join } from 'node:path';
import { Code } from '../orders/codes.js';
import { OrderPartial } from '../orders/partial.js';
import { settleOrder } from '../orders/settlement.js';
import { ByteSink } from '../orders/byte-sink.js';
import { writeInvoice } from '../orders/render.js';
import type { Rules } from '../orders/rules.js';
import { BucketSpill, MIN_BLOCK_BYTES } from './bucket-spill.js';
import type { AcceptedChunk } from './chain.js';
import type { MergeResult } from './merge-stretch.js';
import { rejectedPlace, SettledOrders } from './settled-orders.js';
import { MAX_BUCKETS, type SpreadIds } from './spread-ids.js';
import { addCounted, SpreadThread, type SpillShape } from './spread-aside.js';
import {
  failed,
  gatherStretches,
  type Gathering,
  type StretchSource,
} from './spread-gather.js';
import { putSettled, Settled } from './settled-records.js';
import { StretchReader } from './stretch-records.js';

// For tests only: ORDER_BATCH_TEST_SMALL_BUCKETS makes buckets of 200
// stretches and blocks of 4 KiB, and shares the chunks with a thread
// however few their stretches (spread-gather.ts), so that a test's few
// thousand rows take the path of millions of scattered rows.
const smallBuckets = Boolean(process.env.ORDER_BATCH_TEST_SMALL_BUCKETS);

// Spread orders' stretches a bucket. Folding holds about 0.5 KB an order,
// a few stretches each, and the garbage of the buckets before it: 40,000
// a bucket peaked at 240 MiB on 10M shuffled rows, 10,000 at 216 MiB.
const STRETCHES_A_BUCKET = smallBuckets ? 200 : 10_000;
// The blocks of all buckets together, in memory at once, and the least.
const BLOCKS_BYTES = smallBuckets ? 0 : 16 << 20;
// Below this many stretches, starting a thread to share the work costs
// more than it saves.
const SHARED_AFTER = smallBuckets ? 0 : 100_000;

// How long the merge runs before it lets signal handlers run: a turn of
// the event loop for each of 10M rows' 460 chunks took 11-14 ms of the
// merge, and gathering spread orders took as many turns again.
const PAUSE_EVERY_MS = 10;
let pausedMs = 0;

/**
 * Lets signal handlers run, if PAUSE_EVERY_MS have passed since it last
 * did, and stops the merge once one has.
 */
export async function pause(signal: AbortSignal | undefined): Promise<void> {
  if (performance.now() - pausedMs >= PAUSE_EVERY_MS) {
    await new Promise(setImmediate);
    pausedMs = performance.now();
  }
  signal?.throwIfAborted();
}

/**
 * Settles whole the orders that `spreadIds` marks, taking back from
 * `how.result` what each chunk counted for its stretch alone, and counting
 * each whole order once instead. A stretch at a chunk's edge, the usual
 * case, is taken from the facts the chunk reported; any other is read
 * again from the input. Buckets that outgrow memory go to files in the
 * run's spill folder; past SHARED_AFTER stretches, a thread takes half of
 * the work (spread-aside.ts).
 */
export async function settleSpreadOrders(
  chunks: AcceptedChunk[],
  spreadIds: SpreadIds,
  how: Gathering,
): Promise<SettledOrders> {
  let buckets = 1;
  while (
    buckets < MAX_BUCKETS &&
    buckets * STRETCHES_A_BUCKET < spreadIds.count
  ) {
    buckets *= 2;
  }
  const blockBytes = Math.max(MIN_BLOCK_BYTES, BLOCKS_BYTES / buckets);
  const { spillDir } = how.job;
  const thread =
    spreadIds.count >= SHARED_AFTER ? new SpreadThread() : undefined;
  let sources: StretchSource[] = [];
  try {
    const path = join(spillDir, 'spread-stretches.bin');
    const spill = { path, buckets, blockBytes };
    sources = await gatherStretches(chunks, spreadIds, spill, how, thread);
    const settled = { ...spill, path: join(spillDir, 'spread-settled.bin') };
    return await settleBuckets(spreadIds, sources, settled, how, thread);
  } finally {
    for (const { spill } of sources) spill.close();
    await thread?.stop();
  }
}

// Folds and settles the orders of each bucket of the stretches' `sources`,
// writing what the merge does at their first places to the same bucket of
// a spill of `shape`; `thread`, when given, takes the later half of the
// buckets, into a spill of its own.
async function settleBuckets(
  spreadIds: SpreadIds,
  sources: StretchSource[],
  shape: SpillShape,
  how: Gathering,
  thread: SpreadThread | undefined,
): Promise<SettledOrders> {
  const { rules, result, pause } = how;
  const { buckets } = shape;
  const half = thread && buckets > 1 ? buckets / 2 : buckets;
  const asked =
    half < buckets
      ? thread!.ask({
          kind: 'fold',
          job: how.job,
          sources: sources.map(({ spill, table }) => ({
            parts: spill.parts(),
            texts: table.texts,
          })),
          from: half,
          to: buckets,
          settled: { ...shape, path: `${shape.path}.thread` },
        })
      : undefined;
  const settled = new BucketSpill(shape.path, buckets, shape.blockBytes);
  try {
    const readers = sources.map(
      ({ spill, table }) => [spill, new StretchReader(rules, table)] as const,
    );
    const rejected: number[] = [];
    const settle = async (from: number, to: number) => {
      for (let bucket = from; bucket < to; bucket++) {
        await pause();
        settleBucket(readers, bucket, settled, rules, result, rejected);
      }
    };
    await settle(0, half);
    const answer = asked && (await asked.catch(failed));
    if (!answer) {
      await settle(half, buckets);
      const sorted = Float64Array.from(rejected).sort();
      return new SettledOrders(spreadIds, [settled], buckets, sorted);
    }
    addCounted(result, answer.counted);
    const all = new Float64Array(rejected.length + answer.rejected.length);
    all.set(rejected);
    all.set(answer.rejected, rejected.length);
    const spills = [settled, BucketSpill.of(answer.parts)];
    return new SettledOrders(spreadIds, spills, half, all.sort());
  } catch (error) {
    settled.close();
    throw error;
  }
}

/**
 * Folds and settles the orders of one bucket of the stretches' `sources`
 * (each read with its own reader), writing what the merge does at their
 * first places to the same bucket of `settled`, and the rejected orders'
 * places and codes (see rejectedPlace) to `rejected`.
 */
export function settleBucket(
  sources: ReadonlyArray<readonly [BucketSpill, StretchReader]>,
  bucket: number,
  settled: BucketSpill,
  rules: Rules,
  result: MergeResult,
  rejected: number[],
): void {
  for (const order of foldBucket(sources, bucket).values()) {
    settleSpreadOrder(order, rules, result, settled.sink(bucket), rejected);
    settled.wrote(bucket);
  }
}

/** A spread order folded whole, and where its stretches stand. */
interface FoldedOrder {
  whole: OrderPartial;
  /** A chunk and the order's number there, two numbers a stretch. */
  places: number[];
}

// Folds a bucket's stretches by id, in input order (source after source,
// each read with its own reader), freeing each source's bucket once read:
// the orders come out in the order of their first places.
function foldBucket(
  sources: ReadonlyArray<readonly [BucketSpill, StretchReader]>,
  bucket: number,
): Map<string, FoldedOrder> {
  const folded = new Map<string, FoldedOrder>();
  for (const [spill, reader] of sources) {
    const { facts } = reader;
    for (const block of spill.blocks(bucket)) {
      reader.read(block);
      while (reader.next()) {
        let order = folded.get(facts.key);
        if (!order) {
          order = { whole: new OrderPartial(facts.key, -1), places: [] };
          folded.set(facts.key, order);
        }
        order.whole.merge(facts);
        order.places.push(reader.chunk, reader.order);
      }
    }
    spill.free(bucket);
  }
  return folded;
}

// One sink for every spread order's invoice line, copied once written.
const invoiceLine = new ByteSink();

// Settles a folded order whole, counts it once, and writes to `sink` what
// the merge does at its first place; a rejected order's places go on
// `rejected` with its code, for the rejects file.
function settleSpreadOrder(
  order: FoldedOrder,
  rules: Rules,
  result: MergeResult,
  sink: ByteSink,
  rejected: number[],
): void {
  const { whole, places } = order;
  const settlement = settleOrder(whole, rules);
  if (settlement.code === Code.none) {
    result.invoices++;
    result.invoicedRows += whole.jsonLines || whole.lines;
    result.totals.addInvoice(
      whole.currency,
      whole.subtotalMinor,
      settlement.taxMinor,
      settlement.totalMinor,
    );
  } else {
    result.rejectedOrders++;
  }
  const [chunk, first] = places;
  invoiceLine.clear();
  if (places.length === 2) {
    // One stretch: its id only shared its hash with another's, and its
    // chunk's own output stays.
    putSettled(sink, Settled.keep, chunk, first, 0, invoiceLine.bytes());
  } else if (settlement.code === Code.none) {
    // Written by the same code as every chunk's invoices, byte for byte.
    writeInvoice(invoiceLine, whole, settlement, rules);
    const { totalMinor } = settlement;
    putSettled(
      sink,
      Settled.invoice,
      chunk,
      first,
      totalMinor,
      invoiceLine.bytes(),
    );
  } else {
    for (let at = 0; at < places.length; at += 2) {
      rejected.push(rejectedPlace(places[at], places[at + 1], settlement.code));
    }
  }
}

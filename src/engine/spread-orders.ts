// Orders that stand in more than one chunk (at chunk edges, or scattered
// through the file): read again from the input, folded together in input
// order, and settled whole, correcting what each chunk counted alone.
//
// Known shortcoming: every such order is held in the primary's memory
// until the outputs are written, about 0.6 KB each. That is nothing for the
// few orders cut at chunk edges, but a file whose orders' lines are
// scattered makes nearly every order spread, and memory then grows with
// the file (1M shuffled rows: a peak of about 450 MiB; see the README);
// one too large for the heap ends with Node's out-of-memory report (exit
// 134), its temporary files left for the next run to remove. Settling them
// by id partition, a group of partitions at a time, with their invoice
// lines spilled and merged back in input order, would bound it.
import { Code } from '../orders/codes.js';
import { OrderPartial } from '../orders/partial.js';
import {
  finalLineCode,
  settleOrder,
  type PartialFacts,
} from '../orders/settlement.js';
import { ByteSink } from '../orders/byte-sink.js';
import { writeInvoice } from '../orders/render.js';
import type { Rules } from '../orders/rules.js';
import type { RowFacts } from '../orders/row-table.js';
import { renderRowReject } from '../orders/settle-chunk.js';
import type { ChunkChain } from './chain.js';
import type { SpreadIds } from './spread-ids.js';
import type { MergeResult } from './merge.js';
import { readStretches } from './stretches.js';

/** A spread order's invoice line, to be written at its first line. */
export interface MergedInvoice {
  line: Buffer;
  totalMinor: number;
}

/** Per chunk, the invoice lines of the spread orders first seen there. */
export type FirstLines = Map<number, Map<number, MergedInvoice>>;

/** An order found in several chunks, gathered from all of them. */
export interface SpreadOrder {
  whole: OrderPartial;
  /**
   * Where its stretches stand, in input order: a chunk and the order's
   * number there, two numbers a stretch. A single stretch means an id
   * whose hash only shares another's: the order is not spread at all.
   */
  places: number[];
  /**
   * Its first stretch, until a second comes: what a chunk counted for a
   * stretch is taken back as soon as the order is known to be spread, so
   * that no stretch is held to the end (1M shuffled rows held half a
   * million of them).
   */
  firstStretch: PartialFacts | undefined;
  /** Its records, for the rejects file should the order be rejected. */
  records: Array<{ chunk: number; line: number; row: RowFacts }>;
}

// Lets signal handlers run, and stops the merge once one has.
export async function pause(signal: AbortSignal | undefined): Promise<void> {
  await new Promise(setImmediate);
  signal?.throwIfAborted();
}

/**
 * Folds together, in input order, the stretches of every order whose id
 * hash stands in several chunks, and takes back from `result` what each
 * chunk counted for its stretch. A stretch at a chunk's edge, the usual
 * case, is taken from the facts the chunk reported; any other is read
 * again from the input. Records are read only for the orders that turn
 * out rejected, for the rejects file: a file of scattered orders makes
 * millions of them otherwise.
 */
export async function gatherSpreadOrders(
  chain: ChunkChain,
  spreadIds: SpreadIds,
  rules: Rules,
  readRecord: (start: number, end: number) => Buffer,
  result: MergeResult,
  signal: AbortSignal | undefined,
): Promise<Map<string, SpreadOrder>> {
  const spread = new Map<string, SpreadOrder>();
  const add = (chunk: number, order: number, partial: PartialFacts) => {
    let entry = spread.get(partial.key);
    if (!entry) {
      const whole = new OrderPartial(partial.key, -1);
      entry = { whole, places: [], firstStretch: partial, records: [] };
      spread.set(partial.key, entry);
    } else {
      if (entry.firstStretch) takeBack(entry.firstStretch, rules, result);
      entry.firstStretch = undefined;
      takeBack(partial, rules, result);
    }
    entry.whole.merge(partial);
    entry.places.push(chunk, order);
  };

  for (const chunk of chain.accepted) {
    const wanted = spreadIds.get(chunk.index);
    if (!wanted) continue;
    await pause(signal);
    const toRead = new Set(wanted);
    for (const { order, facts } of chunk.edges) {
      if (!wanted.has(order)) continue;
      toRead.delete(order);
      add(chunk.index, order, facts);
    }
    if (toRead.size === 0) continue;
    const how = { rules, readRecord, records: false };
    for (const stretch of readStretches(chunk, toRead, how)) {
      add(chunk.index, stretch.order, stretch.partial);
    }
  }
  await readRejectedRecords(spread, chain, rules, readRecord, signal);
  return spread;
}

// Reads the records of the spread orders that are rejected, chunk after
// chunk; each order's records end in line order.
async function readRejectedRecords(
  spread: Map<string, SpreadOrder>,
  chain: ChunkChain,
  rules: Rules,
  readRecord: (start: number, end: number) => Buffer,
  signal: AbortSignal | undefined,
): Promise<void> {
  // Per chunk, the rejected orders standing in it, by order number there.
  const wanted = new Map<number, Map<number, SpreadOrder>>();
  for (const entry of spread.values()) {
    if (!isSpread(entry)) continue;
    if (settleOrder(entry.whole, rules).code === Code.none) continue;
    forEachPlace(entry, (chunk, order) => {
      if (!wanted.has(chunk)) wanted.set(chunk, new Map());
      wanted.get(chunk)!.set(order, entry);
    });
  }
  const how = { rules, readRecord, records: true };
  const entries = new Set<SpreadOrder>();
  for (const chunk of chain.accepted) {
    const orders = wanted.get(chunk.index);
    if (!orders) continue;
    await pause(signal);
    const stretches = readStretches(chunk, new Set(orders.keys()), how);
    for (const stretch of stretches) {
      const entry = orders.get(stretch.order)!;
      entry.records.push(...stretch.records);
      entries.add(entry);
    }
  }
  for (const entry of entries) entry.records.sort((a, b) => a.line - b.line);
}

// One sink for every spread order's invoice line, copied out once written:
// a sink allocates 64 KiB, a thousand times on 10M rows.
const invoiceLine = new ByteSink();

/** Whether an order gathered stands in several chunks (see places). */
export function isSpread(order: SpreadOrder): boolean {
  return order.places.length > 2;
}

/** Calls `each` with the chunk and order number of each of its stretches. */
export function forEachPlace(
  order: SpreadOrder,
  each: (chunk: number, order: number) => void,
): void {
  const { places } = order;
  for (let at = 0; at < places.length; at += 2)
    each(places[at], places[at + 1]);
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

// Settles a spread order whole (what its chunks counted is taken back as
// it is gathered): counts the whole order once, and prepares its output.
export function settleSpreadOrder(
  key: string,
  order: SpreadOrder,
  rules: Rules,
  result: MergeResult,
  readRecord: (start: number, end: number) => Buffer,
  firstLines: FirstLines,
  extraRejects: Map<number, Array<{ line: number; text: string }>>,
): void {
  const whole = settleOrder(order.whole, rules);
  const [firstChunk, firstOrder] = order.places;
  if (whole.code === Code.none) {
    result.invoices++;
    result.invoicedRows += order.whole.jsonLines || order.whole.lines;
    result.totals.addInvoice(
      order.whole.currency,
      order.whole.subtotalMinor,
      whole.taxMinor,
      whole.totalMinor,
    );
    // Written by the same code as every chunk's invoices, byte for byte.
    const line = invoiceLine;
    line.clear();
    writeInvoice(line, order.whole, whole, rules);
    if (!firstLines.has(firstChunk)) firstLines.set(firstChunk, new Map());
    firstLines.get(firstChunk)!.set(firstOrder, {
      line: Buffer.from(line.bytes()),
      totalMinor: whole.totalMinor,
    });
    return;
  }

  result.rejectedOrders++;
  for (const record of order.records) {
    const code = finalLineCode(record.row.code, whole);
    const tail = renderRowReject(record.row, code, key, rules, readRecord);
    if (!extraRejects.has(record.chunk)) extraRejects.set(record.chunk, []);
    extraRejects
      .get(record.chunk)!
      .push({ line: record.line, text: `${record.line},${tail}` });
  }
}

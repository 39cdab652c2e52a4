// Writes the accepted chunks' invoices and rejects in input order. Orders
// that stand in more than one chunk are settled whole by spread-orders.ts
// and written at their first line instead of the chunks' own lines.
import { closeSync, openSync } from 'node:fs';
import { Rules } from '../orders/rules.js';
import type { Counts } from '../orders/settle-chunk.js';
import { CurrencyTotals } from '../orders/totals.js';
import { ExactSum } from '../money/exact-sum.js';
import type { AcceptedChunk, ChunkChain } from './chain.js';
import { checkInvariants, type Written } from './invariants.js';
import type { SpreadIdCheck } from './spread-ids-aside.js';
import { readAt, SpillReader, type SpillIndex } from './spill.js';
import { spreadRejectsIn } from './settled-orders.js';
import { pause, settleSpreadOrders } from './spread-orders.js';
import { Settled, type SettledReader } from './settled-records.js';
import { guessSpreadIds, type SpreadIds } from './spread-ids.js';
import type { JobSpec } from './task.js';
import type { OutputWriter } from '../io/output-writer.js';

// For tests only: ORDER_BATCH_TEST_LOSE_INVOICE makes the merge count one
// invoice fewer than it wrote, as a merge that lost one would, so that the
// tests see a broken invariant end the run with 70 and publish nothing.
const loseAnInvoice = Boolean(process.env.ORDER_BATCH_TEST_LOSE_INVOICE);

/** What the merge wrote, for the summary. */
export interface MergeResult extends Counts {
  totals: CurrencyTotals;
}

/**
 * Merges every accepted chunk into the invoices and rejects writers, with
 * `check` finding the orders in several chunks. It yields to the event
 * loop between chunks, so that a signal still stops it.
 */
export async function mergeChunks(
  job: JobSpec,
  chain: ChunkChain,
  invoices: OutputWriter,
  rejects: OutputWriter,
  check: SpreadIdCheck,
  signal?: AbortSignal,
): Promise<MergeResult> {
  const rules = new Rules(job.settings);
  const fd = openSync(job.inputPath, 'r');
  try {
    check.begin(chain.accepted);
    const readRecord = (start: number, end: number) =>
      readAt(fd, start, end - start);
    const outputs = { invoices, rejects };
    const marks = [invoices.mark(), rejects.mark()];
    const merge = (spreadIds: SpreadIds) =>
      writeMerged(chain, spreadIds, rules, readRecord, outputs, job, signal);
    const wait = () => pause(signal);
    // Beside a thread, the outputs are written from a guess while the ids
    // are checked, and written again in the rare run that the check proves
    // the guess wrong (an order apart from the rest of its lines, or two
    // ids of one hash in different chunks).
    const known = check.aside ? undefined : await check.result(wait);
    const guess = known ?? guessSpreadIds(chain.accepted);
    let merged = await merge(guess);
    const spreadIds = known ?? (await check.result(wait));
    if (!spreadIds.equals(guess)) {
      invoices.rewind(marks[0]);
      rejects.rewind(marks[1]);
      merged = await merge(spreadIds);
    }
    if (loseAnInvoice) merged.written.invoices--;
    checkInvariants(merged.written, merged.result);
    return merged.result;
  } finally {
    closeSync(fd);
  }
}

// Writes the invoices and rejects of every accepted chunk, the orders of
// `spreadIds` settled whole; returns the counts and what was written.
async function writeMerged(
  chain: ChunkChain,
  spreadIds: SpreadIds,
  rules: Rules,
  readRecord: (start: number, end: number) => Buffer,
  { invoices, rejects }: { invoices: OutputWriter; rejects: OutputWriter },
  job: JobSpec,
  signal: AbortSignal | undefined,
): Promise<{ result: MergeResult; written: Written }> {
  const result = sumChunks(chain.accepted);
  const spread = await settleSpreadOrders(chain, spreadIds, {
    job,
    rules,
    readRecord,
    result,
    pause: () => pause(signal),
  });
  // The writers copy or write out what they are given: the reader's views
  // may change with each chunk.
  const spills = new SpillReader();
  try {
    // Rejects and invoices are counted again as they are written, from the
    // spilled text rather than the chunks' counters: the invariants
    // compare the two before anything is published.
    result.rejectedRows = 0;
    const written: Written = { invoices: 0, totalMinor: 0n };
    const settled = spread.readers();
    for (const chunk of chain.accepted) {
      await pause(signal);
      const {
        invoices: invoiceText,
        rejects: rejectText,
        index,
      } = spills.read(chunk);
      const cutOrders = spreadIds.ordersOf(chunk.index);
      const settledAt = (order: number) =>
        settled[spread.bucketAt(chunk.index, order)];
      const kept = writeInvoices(
        invoiceText,
        index,
        chunk.index,
        cutOrders,
        settledAt,
        invoices,
        written,
      );
      const extra = spreadRejectsIn(
        chunk,
        spread.rejectedIn(chunk.index),
        rules,
        readRecord,
      );
      result.rejectedRows += writeRejects(
        chunk,
        rejectText,
        index,
        { cutOrders, kept },
        extra,
        rejects,
      );
    }
    return { result, written };
  } finally {
    spills.close();
    spread.close();
  }
}

/** Counts of nothing yet, to add to. */
export function noCounts(): MergeResult {
  return {
    rows: 0,
    invoicedRows: 0,
    rejectedRows: 0,
    invoices: 0,
    rejectedOrders: 0,
    totals: new CurrencyTotals(),
  };
}

function sumChunks(chunks: AcceptedChunk[]): MergeResult {
  const result = noCounts();
  for (const chunk of chunks) {
    result.rows += chunk.rows;
    result.invoicedRows += chunk.invoicedRows;
    result.rejectedRows += chunk.rejectedRows;
    result.invoices += chunk.invoices;
    result.rejectedOrders += chunk.rejectedOrders;
    result.totals.addRecord(chunk.totals);
  }
  return result;
}

// Writes a chunk's invoices, each of its spread orders `cutOrders`
// (ascending) replaced by what `settledAt` says at the order's place: the
// whole order's invoice at its first place, nothing at the others, or the
// chunk's own invoice for an order that stood in this chunk only. Adds to
// `written` the invoices it writes and their totals, counted from the
// spilled layout and amounts, not from the chunks' counters. Returns the
// orders kept as the chunk wrote them.
function writeInvoices(
  invoices: Buffer,
  index: SpillIndex,
  chunk: number,
  cutOrders: number[],
  settledAt: (order: number) => SettledReader,
  out: OutputWriter,
  written: Written,
): number[] {
  const { invoiceEnds, invoiceTotals } = index;
  const sum = new ExactSum();
  written.invoices += sumUncut(index, cutOrders, sum);
  const kept: number[] = [];
  let from = 0;
  for (const order of cutOrders) {
    const start = order === 0 ? 0 : invoiceEnds[order - 1];
    out.write(invoices.subarray(from, start));
    from = invoiceEnds[order];
    const settled = settledAt(order);
    if (!settled.isAt(chunk, order)) continue;
    if (settled.kind === Settled.invoice) {
      out.write(settled.line);
      written.invoices++;
      sum.add(settled.totalMinor);
    } else {
      kept.push(order);
      from = start;
      if (invoiceEnds[order] > start) {
        written.invoices++;
        sum.add(invoiceTotals[order]);
      }
    }
    settled.next();
  }
  out.write(invoices.subarray(from));
  written.totalMinor += sum.total();
  return kept;
}

// Adds to `sum` the totals of a chunk's invoices that are written as the
// chunk wrote them (not in the sorted `cutOrders`); returns how many there
// are. A loop of its own: in writeInvoices, code optimized inside this
// loop was entered again for every chunk and thrown away at the first
// spread order. The orders between two cut ones are summed in a loop of
// their own too, the running sum in a local while it stays safe (through
// ExactSum one by one, with a look at the next cut order each, the merge
// of 10M rows took 136 ms instead of 120).
function sumUncut(
  index: SpillIndex,
  cutOrders: number[],
  sum: ExactSum,
): number {
  const { invoiceEnds, invoiceTotals } = index;
  let invoices = 0;
  let from = 0;
  for (let cut = 0; cut <= cutOrders.length; cut++) {
    const to = cut < cutOrders.length ? cutOrders[cut] : invoiceEnds.length;
    invoices += sumInvoices(invoiceEnds, invoiceTotals, from, to, sum);
    from = to + 1;
  }
  return invoices;
}

// Adds to `sum` the totals of the invoices of orders [from, to) (an order
// whose invoice is empty has none); returns how many there are.
function sumInvoices(
  invoiceEnds: Float64Array,
  invoiceTotals: Float64Array,
  from: number,
  to: number,
  sum: ExactSum,
): number {
  let invoices = 0;
  let running = 0;
  let previousEnd = from === 0 ? 0 : invoiceEnds[from - 1];
  for (let order = from; order < to; order++) {
    const end = invoiceEnds[order];
    if (end === previousEnd) continue;
    previousEnd = end;
    invoices++;
    const total = invoiceTotals[order];
    if (total > Number.MAX_SAFE_INTEGER - running) {
      sum.add(running);
      running = 0;
    }
    running += total;
  }
  sum.add(running);
  return invoices;
}

// Writes a chunk's rejects with their line numbers, leaving out those of
// spread orders and putting in the spread orders' own, in line order.
function writeRejects(
  chunk: AcceptedChunk,
  rejects: Buffer,
  index: SpillIndex,
  spread: { cutOrders: number[]; kept: number[] },
  extra: Array<{ line: number; text: string }>,
  out: OutputWriter,
): number {
  if (chunk.rejects === 0 && extra.length === 0) return 0;
  // A chunk's own rejects of its spread orders are left out, but for those
  // kept as the chunk wrote them (made only for a chunk with rejects: a
  // scattered file's chunks have thousands of spread orders).
  const cut = new Set(spread.cutOrders);
  for (const order of spread.kept) cut.delete(order);
  const text = chunk.rejectAscii
    ? rejects.toString('latin1')
    : rejects.toString('utf8');
  const lines: Array<{ line: number; text: string }> = [];
  for (let i = 0; i < chunk.rejects; i++) {
    if (cut.has(index.rejectOrders[i])) continue;
    const line = chunk.linesBefore + index.rejectLines[i] + 1;
    const tail = text.slice(
      i === 0 ? 0 : index.rejectEnds[i - 1],
      index.rejectEnds[i],
    );
    lines.push({ line, text: `${line},${tail}` });
  }
  if (extra.length > 0) {
    lines.push(...extra);
    lines.sort((a, b) => a.line - b.line);
  }
  for (const entry of lines) out.write(entry.text);
  return lines.length;
}

// Writes the accepted chunks' invoices and rejects in input order. Orders
// that stand in more than one chunk are settled whole by spread-orders.ts
// and written at their first line instead of the chunks' own lines.
import { closeSync, openSync } from 'node:fs';
import { Rules } from '../orders/rules.js';
import type { Counts } from '../orders/settle-chunk.js';
import { CurrencyTotals } from '../orders/totals.js';
import type { AcceptedChunk, ChunkChain } from './chain.js';
import { writeInvoices, writeRejects } from './merge-chunk.js';
import { checkInvariants, type Written } from './invariants.js';
import type { SpreadIdCheck } from './spread-ids-aside.js';
import { readAt, SpillReader } from './spill.js';
import { spreadRejectsIn } from './settled-orders.js';
import { pause, settleSpreadOrders } from './spread-orders.js';
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

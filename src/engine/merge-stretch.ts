// Writes consecutive accepted chunks' invoices and rejects in input order
// (all of a run's, or a stretch that merge.ts writes ahead), the orders of
// the spread ids given settled whole by spread-orders.ts and written at
// their first line instead of the chunks' own lines; and the counts that
// the merge adds up.
import type { OutputWriter } from '../io/output-writer.js';
import type { Rules } from '../orders/rules.js';
import type { Counts } from '../orders/settle-chunk.js';
import { CurrencyTotals } from '../orders/totals.js';
import type { AcceptedChunk } from './chain.js';
import type { Written } from './invariants.js';
import { writeInvoices, writeRejects } from './merge-chunk.js';
import { spreadRejectsIn } from './settled-orders.js';
import { SpillReader } from './spill.js';
import type { SpreadIds } from './spread-ids.js';
import { pause, settleSpreadOrders } from './spread-orders.js';
import type { JobSpec } from './task.js';

/** The writers of a run's invoices and rejects. */
export interface MergeOutputs {
  invoices: OutputWriter;
  rejects: OutputWriter;
}

/** What the merge wrote, for the summary. */
export interface MergeResult extends Counts {
  totals: CurrencyTotals;
}

/**
 * Writes the invoices and rejects of `chunks`, the orders of `spreadIds`
 * settled whole; returns the counts and what was written.
 */
export async function writeMerged(
  chunks: AcceptedChunk[],
  spreadIds: SpreadIds,
  rules: Rules,
  readRecord: (start: number, end: number) => Buffer,
  { invoices, rejects }: MergeOutputs,
  job: JobSpec,
  signal: AbortSignal | undefined,
): Promise<{ result: MergeResult; written: Written }> {
  const result = sumChunks(chunks);
  const spread = await settleSpreadOrders(chunks, spreadIds, {
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
    for (const chunk of chunks) {
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

/** Nothing written yet, to add to. */
export function nothingWritten(): Written {
  return { invoices: 0, totalMinor: 0n };
}

/** Adds `counts` to `to`. */
export function addCounts(to: MergeResult, counts: MergeResult): void {
  to.rows += counts.rows;
  to.invoicedRows += counts.invoicedRows;
  to.rejectedRows += counts.rejectedRows;
  to.invoices += counts.invoices;
  to.rejectedOrders += counts.rejectedOrders;
  to.totals.addRecord(counts.totals.toRecord());
}

// The invariants the merge checks before anything is published: what it
// wrote, counted from the spilled text as it went out, against the counts
// the chunks reported.
import { internalError } from '../errors.js';
import type { MergeResult } from './merge-stretch.js';

/** What the merge wrote, counted from the spilled text as it went out. */
export interface Written {
  invoices: number;
  /** The written invoices' totals, summed over currencies in minor units. */
  totalMinor: bigint;
}

/**
 * The invariants checked before anything is published: rows = invoiced +
 * rejected, as many invoices written as orders invoiced, and the written
 * invoices' totals adding up to the summary's (a checksum over currencies).
 * A broken one is a bug: it throws an internal error (exit 70).
 */
export function checkInvariants(written: Written, result: MergeResult): void {
  if (result.rows !== result.invoicedRows + result.rejectedRows) {
    throw internalError(
      `rows (${result.rows}) differ from invoiced (${result.invoicedRows}) ` +
        `plus rejected (${result.rejectedRows})`,
    );
  }
  if (written.invoices !== result.invoices) {
    throw internalError(
      `${written.invoices} invoices were written for ${result.invoices} ` +
        'invoiced orders',
    );
  }
  const summed = Object.values(result.totals.toRecord()).reduce(
    (sum, totals) => sum + BigInt(totals.total),
    0n,
  );
  if (written.totalMinor !== summed) {
    throw internalError(
      `the invoices written total ${written.totalMinor} minor units, ` +
        `the summary ${summed}`,
    );
  }
}

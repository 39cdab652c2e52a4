// Writes one accepted chunk's part of the outputs, for the merge: its
// invoices, each spread order's replaced by what settling it whole said,
// and its rejects, with their line numbers and the spread orders' own.
// Counts what it writes from the spilled text, for the invariants.
import { ExactSum } from '../money/exact-sum.js';
import type { OutputWriter } from '../io/output-writer.js';
import type { AcceptedChunk } from './chain.js';
import type { Written } from './invariants.js';
import { Settled, type SettledReader } from './settled-records.js';
import type { SpillIndex } from './spill.js';

/**
 * Writes a chunk's invoices, each of its spread orders `cutOrders`
 * (ascending) replaced by what `settledAt` says at the order's place: the
 * whole order's invoice at its first place, nothing at the others, or the
 * chunk's own invoice for an order that stood in this chunk only. Adds to
 * `written` the invoices it writes and their totals, counted from the
 * spilled layout and amounts, not from the chunks' counters. Returns the
 * orders kept as the chunk wrote them.
 */
export function writeInvoices(
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
  invoiceEnds: Uint32Array,
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

/**
 * Writes a chunk's rejects with their line numbers, leaving out those of
 * spread orders and putting in the spread orders' own, in line order.
 */
export function writeRejects(
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

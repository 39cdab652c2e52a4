// Writes the accepted chunks' invoices and rejects in input order. Orders
// that stand in more than one chunk (at chunk edges, or scattered through
// the file) are read again from their runs, settled whole, and written at
// their first line; the counts the chunks made for them are corrected.
import { closeSync, openSync } from 'node:fs';
import { internalError } from '../errors.js';
import { ChunkProcessor } from '../orders/chunk.js';
import { Code } from '../orders/codes.js';
import { OrderPartial, finalLineCode, settleOrder } from '../orders/partial.js';
import { renderInvoice } from '../orders/render.js';
import { Rules } from '../orders/rules.js';
import {
  renderRowReject,
  rowOf,
  type Counts,
  type RowFacts,
} from '../orders/settle-chunk.js';
import { CurrencyTotals } from '../orders/totals.js';
import type { AcceptedChunk, ChunkChain } from './chain.js';
import { readAt, readSpillIndex, readSpillTexts } from './spill.js';
import type { JobSpec } from './task.js';
import type { OutputWriter } from '../io/output-writer.js';

/** What the merge wrote, for the summary. */
export interface MergeResult extends Counts {
  totals: CurrencyTotals;
}

/** An order found in several chunks, gathered from all of them. */
interface SpreadOrder {
  whole: OrderPartial;
  /** Its stretch in each chunk, as that chunk settled it alone. */
  byChunk: Map<number, { partial: OrderPartial; rows: number; order: number }>;
  /** Its records, for the rejects file should the order be rejected. */
  records: Array<{ chunk: number; line: number; row: RowFacts }>;
}

/**
 * Merges every accepted chunk into the invoices and rejects writers. It
 * yields to the event loop between chunks, so that a signal still stops it.
 */
export async function mergeChunks(
  job: JobSpec,
  chain: ChunkChain,
  invoices: OutputWriter,
  rejects: OutputWriter,
  signal?: AbortSignal,
): Promise<MergeResult> {
  const rules = new Rules(job.settings);
  const fd = openSync(job.inputPath, 'r');
  try {
    const readRecord = (start: number, end: number) =>
      readAt(fd, start, end - start);
    const spread = await gatherSpreadOrders(chain, rules, readRecord, signal);
    const result = sumChunks(chain.accepted);
    const cuts = new Map<number, Set<number>>(); // chunk -> its spread orders
    const firstLines = new Map<string, string>(); // "chunk:order" -> invoice
    const extraRejects = new Map<
      number,
      Array<{ line: number; text: string }>
    >();

    for (const [key, order] of spread) {
      if (order.byChunk.size < 2) continue; // a hash collision, not spread
      settleSpreadOrder(
        key,
        order,
        rules,
        result,
        readRecord,
        firstLines,
        extraRejects,
      );
      for (const [chunk, local] of order.byChunk) {
        if (!cuts.has(chunk)) cuts.set(chunk, new Set());
        cuts.get(chunk)!.add(local.order);
      }
    }

    result.rejectedRows = 0;
    for (const chunk of chain.accepted) {
      await pause(signal);
      writeInvoices(chunk, cuts.get(chunk.index), firstLines, invoices);
      result.rejectedRows += writeRejects(
        chunk,
        cuts.get(chunk.index),
        extraRejects.get(chunk.index),
        rejects,
      );
    }
    if (result.rows !== result.invoicedRows + result.rejectedRows) {
      throw internalError(
        `rows (${result.rows}) differ from invoiced (${result.invoicedRows}) ` +
          `plus rejected (${result.rejectedRows})`,
      );
    }
    return result;
  } finally {
    closeSync(fd);
  }
}

// Lets signal handlers run, and stops the merge once one has.
async function pause(signal: AbortSignal | undefined): Promise<void> {
  await new Promise(setImmediate);
  signal?.throwIfAborted();
}

function sumChunks(chunks: AcceptedChunk[]): MergeResult {
  const result: MergeResult = {
    rows: 0,
    invoicedRows: 0,
    rejectedRows: 0,
    invoices: 0,
    rejectedOrders: 0,
    totals: new CurrencyTotals(),
  };
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

// Reads again, from the input, every order whose id hash stands in several
// chunks, and folds each order's stretches together in input order.
async function gatherSpreadOrders(
  chain: ChunkChain,
  rules: Rules,
  readRecord: (start: number, end: number) => Buffer,
  signal: AbortSignal | undefined,
): Promise<Map<string, SpreadOrder>> {
  const spread = new Map<string, SpreadOrder>();
  for (const chunk of chain.accepted) {
    const wanted = chain.spread.get(chunk.index);
    if (!wanted) continue;
    await pause(signal);
    for (const stretch of readStretches(chunk, wanted, rules, readRecord)) {
      const { partial } = stretch;
      let entry = spread.get(partial.key);
      if (!entry) {
        entry = {
          whole: new OrderPartial(partial.key, -1),
          byChunk: new Map(),
          records: [],
        };
        spread.set(partial.key, entry);
      }
      entry.whole.merge(partial);
      entry.byChunk.set(chunk.index, {
        partial,
        rows: stretch.records.length,
        order: stretch.order,
      });
      entry.records.push(...stretch.records);
    }
  }
  return spread;
}

interface Stretch {
  order: number;
  partial: OrderPartial;
  records: Array<{ chunk: number; line: number; row: RowFacts }>;
}

// Past this many spread orders in one chunk, reading the whole chunk again
// is cheaper than reading each order's runs: the edges of a chunk make two
// such orders, a file whose orders are scattered makes thousands.
const WHOLE_CHUNK_AFTER = 16;

// The wanted orders of a chunk, read again, by their order number there.
function readStretches(
  chunk: AcceptedChunk,
  wanted: Set<number>,
  rules: Rules,
  readRecord: (start: number, end: number) => Buffer,
): Stretch[] {
  const stretches = new Map<number, Stretch>();
  // `read` is the order's number in the processor: 0 for one run read
  // alone, the chunk's own number when the whole chunk was read again.
  const take = (
    processor: ChunkProcessor,
    order: number,
    read: number,
    linesBefore: number,
  ) => {
    const partial = processor.orders[read];
    let stretch = stretches.get(order);
    if (!stretch) {
      stretch = {
        order,
        partial: new OrderPartial(partial.key, order),
        records: [],
      };
      stretches.set(order, stretch);
    }
    stretch.partial.merge(partial);
    const { rows } = processor;
    for (let row = 0; row < rows.length; row++) {
      if (rows.order[row] !== read) continue;
      const line = linesBefore + rows.line[row] + 1;
      stretch.records.push({ chunk: chunk.index, line, row: rowOf(rows, row) });
    }
  };

  if (wanted.size > WHOLE_CHUNK_AFTER) {
    const processor = new ChunkProcessor(rules, chunk.start, chunk.end);
    processor.feed(readRecord(chunk.start, chunk.end), chunk.start, true);
    for (const order of wanted)
      take(processor, order, order, chunk.linesBefore);
  } else {
    const { runs } = readSpillIndex(chunk);
    for (let at = 0; at < runs.length; at += 4) {
      const order = runs[at];
      if (!wanted.has(order)) continue;
      const [start, end, runLine] = [runs[at + 1], runs[at + 2], runs[at + 3]];
      const processor = new ChunkProcessor(rules, start, end);
      processor.feed(readRecord(start, end), start, true);
      take(processor, order, 0, chunk.linesBefore + runLine);
    }
  }
  return [...stretches.values()].sort((a, b) => a.order - b.order);
}

// Settles a spread order whole: takes back what each chunk counted for its
// stretch, counts the whole order once, and prepares its output.
function settleSpreadOrder(
  key: string,
  order: SpreadOrder,
  rules: Rules,
  result: MergeResult,
  readRecord: (start: number, end: number) => Buffer,
  firstLines: Map<string, string>,
  extraRejects: Map<number, Array<{ line: number; text: string }>>,
): void {
  for (const { partial } of order.byChunk.values()) {
    const local = settleOrder(partial, rules);
    if (local.code === Code.none) {
      result.invoices--;
      result.invoicedRows -= partial.jsonLines || partial.lines;
      result.totals.add(
        partial.currency,
        -BigInt(partial.subtotalMinor),
        -BigInt(local.taxMinor),
        -BigInt(local.totalMinor),
      );
    } else {
      result.rejectedOrders--;
    }
  }

  const whole = settleOrder(order.whole, rules);
  const [firstChunk, first] = order.byChunk.entries().next().value!;
  if (whole.code === Code.none) {
    result.invoices++;
    result.invoicedRows += order.whole.jsonLines || order.whole.lines;
    result.totals.add(
      order.whole.currency,
      BigInt(order.whole.subtotalMinor),
      BigInt(whole.taxMinor),
      BigInt(whole.totalMinor),
    );
    firstLines.set(
      `${firstChunk}:${first.order}`,
      renderInvoice(order.whole, whole, rules),
    );
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

function writeInvoices(
  chunk: AcceptedChunk,
  cut: Set<number> | undefined,
  firstLines: Map<string, string>,
  out: OutputWriter,
): void {
  const { invoices } = readSpillTexts(chunk);
  if (!cut) {
    out.write(invoices);
    return;
  }
  const { invoiceEnds } = readSpillIndex(chunk);
  const text = invoices;
  let from = 0;
  for (const order of [...cut].sort((a, b) => a - b)) {
    const start = order === 0 ? 0 : invoiceEnds[order - 1];
    out.write(text.slice(from, start));
    const merged = firstLines.get(`${chunk.index}:${order}`);
    if (merged) out.write(merged);
    from = invoiceEnds[order];
  }
  out.write(text.slice(from));
}

// Writes a chunk's rejects with their line numbers, leaving out those of
// spread orders and putting in the spread orders' own, in line order.
function writeRejects(
  chunk: AcceptedChunk,
  cut: Set<number> | undefined,
  extra: Array<{ line: number; text: string }> | undefined,
  out: OutputWriter,
): number {
  if (chunk.rejects === 0 && !extra) return 0;
  const index = readSpillIndex(chunk);
  const { rejects } = readSpillTexts(chunk);
  const text = chunk.rejectAscii
    ? rejects.toString('latin1')
    : rejects.toString('utf8');
  const lines: Array<{ line: number; text: string }> = [];
  for (let i = 0; i < chunk.rejects; i++) {
    if (cut?.has(index.rejectOrders[i])) continue;
    const line = chunk.linesBefore + index.rejectLines[i] + 1;
    const tail = text.slice(
      i === 0 ? 0 : index.rejectEnds[i - 1],
      index.rejectEnds[i],
    );
    lines.push({ line, text: `${line},${tail}` });
  }
  if (extra) {
    lines.push(...extra);
    lines.sort((a, b) => a.line - b.line);
  }
  for (const entry of lines) out.write(entry.text);
  return lines.length;
}

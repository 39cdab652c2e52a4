// Settles a read chunk: each order's invoice or rejects, the counts, and
// the index the merge needs (order id hashes, where each order's lines and
// invoice text are). Orders standing in other chunks too are settled again
// by the merge, with every stretch of them at hand.
import { Code, codeName } from './codes.js';
import type { ChunkFatal, ChunkProcessor } from './chunk.js';
import { factsOf } from './partial.js';
import {
  finalLineCode,
  settleOrder,
  type PartialFacts,
  type Settlement,
} from './settlement.js';
import { ByteSink } from './byte-sink.js';
import { encodeRuns } from './run-bytes.js';
import { renderRejectTail, writeInvoice } from './render.js';
import { forEachRow } from './find-rows.js';
import type { RowFacts } from './row-table.js';
import type { Rules } from './rules.js';
import { CurrencyTotals, type TotalsRecord } from './totals.js';

/** Fetches a record's bytes again, by absolute position. */
export type ReadRecord = (start: number, end: number) => Buffer;

/** Counts that the merge adds up and corrects. */
export interface Counts {
  rows: number;
  invoicedRows: number;
  rejectedRows: number;
  invoices: number;
  rejectedOrders: number;
}

/** A chunk's result, as the thread hands it to the merge. */
export interface ChunkOutcome extends Counts {
  start: number;
  end: number;
  newlines: number;
  fatal?: ChunkFatal;
  totals: TotalsRecord;
  /**
   * Per order, by first line: id hash and end of its invoice bytes (below
   * 2^32: a chunk's invoice bytes are one Buffer, which cannot be longer).
   */
  hashes: Float64Array;
  invoiceEnds: Uint32Array;
  /** Per order, its invoice's total in minor units (0 if not invoiced). */
  invoiceTotals: Float64Array;
  invoiceBytes: Buffer;
  /** Per reject, in input order: its line, order (or -1), end of text. */
  rejectLines: Float64Array;
  rejectOrders: Int32Array;
  rejectEnds: Float64Array;
  rejectText: string;
  /**
   * The orders at the chunk's edges (that of its first record and that of
   * its last), which the chunks beside it may continue: their numbers and
   * facts.
   */
  edges: Array<{ order: number; facts: PartialFacts }>;
  /** The runs of its orders' records, as encodeRuns writes them. */
  runBytes: Buffer;
}

const ORDER_MESSAGES: Record<number, string> = {
  [Code.duplicateOrder]: 'order id stands on more than one line',
  [Code.mixedOrder]:
    'lines of the order disagree on customer_id, currency or region',
  [Code.amountOutOfRange]: 'order total passes 2^53 - 1 minor units',
  [Code.orderRejected]: 'another line of the order was rejected',
};

/**
 * Settles every order of a processed chunk and lays out its output. The
 * invoice bytes are written into `invoiceBytes`, and the runs into
 * `runBytes`, each emptied first: a caller that settles chunk after chunk
 * may pass the same ones each time, once it is done with the previous
 * outcome's bytes.
 */
export function settleChunk(
  processor: ChunkProcessor,
  start: number,
  readRecord: ReadRecord,
  invoiceBytes = new ByteSink(),
  runBytes = new ByteSink(),
): ChunkOutcome {
  const { orders, rows } = processor;
  invoiceBytes.clear();
  runBytes.clear();
  encodeRuns(processor.runs, start, runBytes);
  const settled = new SettledOrders(orders.length);
  settled.settle(processor, invoiceBytes);
  const { settlements, invoices } = settled;

  // A clean chunk, the usual case, has no rejects to look for row by row.
  const rejects =
    rows.length === 0 && invoices === orders.length
      ? NO_REJECTS
      : layOutRejects(settlements, processor, readRecord);
  return {
    start,
    end: processor.position,
    newlines: processor.newlines,
    fatal: processor.fatal,
    rows: processor.records,
    invoicedRows: settled.invoicedRows,
    rejectedRows: rejects.lines.length,
    invoices,
    rejectedOrders: orders.length - invoices,
    totals: settled.totals.toRecord(),
    hashes: settled.hashes,
    invoiceEnds: settled.invoiceEnds,
    invoiceTotals: settled.invoiceTotals,
    invoiceBytes: invoiceBytes.bytes(),
    rejectLines: rejects.lines,
    rejectOrders: rejects.orders,
    rejectEnds: rejects.ends,
    rejectText: rejects.text,
    edges: edgesOf(processor),
    runBytes: runBytes.bytes(),
  };
}

// Each order's settlement and invoice, with what the chunk's outcome needs
// of them.
class SettledOrders {
  readonly settlements: Settlement[];
  readonly totals = new CurrencyTotals();
  /** Per order, by first line: id hash and end of its invoice bytes. */
  readonly hashes: Float64Array;
  readonly invoiceEnds: Uint32Array;
  /** Per order, its invoice's total in minor units (0 if not invoiced). */
  readonly invoiceTotals: Float64Array;
  invoices = 0;
  invoicedRows = 0;

  constructor(orders: number) {
    this.settlements = new Array<Settlement>(orders);
    this.hashes = new Float64Array(orders);
    this.invoiceEnds = new Uint32Array(orders);
    this.invoiceTotals = new Float64Array(orders);
  }

  /**
   * Settles every order, writing the invoices into `invoiceBytes`: one
   * pass, each order read from memory once. Nothing follows its loop: the
   * code compiled while the loop ran the first time knew nothing of what
   * came after, and was thrown away at the end of every chunk.
   */
  settle(processor: ChunkProcessor, invoiceBytes: ByteSink): void {
    const { orders, rules } = processor;
    for (let index = 0; index < orders.length; index++) {
      const order = orders[index];
      const settlement = settleOrder(order, rules);
      this.settlements[index] = settlement;
      this.hashes[index] = order.hash;
      if (settlement.code === Code.none) {
        writeInvoice(invoiceBytes, order, settlement, rules);
        this.invoices++;
        this.invoicedRows += order.jsonLines || order.lines;
        this.totals.addInvoice(
          order.currency,
          order.subtotalMinor,
          settlement.taxMinor,
          settlement.totalMinor,
        );
        this.invoiceTotals[index] = settlement.totalMinor;
      }
      this.invoiceEnds[index] = invoiceBytes.length;
    }
  }
}

function edgesOf(processor: ChunkProcessor) {
  const { data, length } = processor.runs;
  if (length === 0) return [];
  const [first, last] = [data[0], data[length - 4]];
  const edges = first === last ? [first] : [first, last];
  return edges.map((order) => ({
    order,
    facts: factsOf(processor.orders[order]),
  }));
}

const NO_REJECTS = {
  lines: new Float64Array(0),
  orders: new Int32Array(0),
  ends: new Float64Array(0),
  text: '',
};

function layOutRejects(
  settlements: Settlement[],
  processor: ChunkProcessor,
  readRecord: ReadRecord,
) {
  const lines: number[] = [];
  const orders: number[] = [];
  const ends: number[] = [];
  let text = '';
  // The records of rejected orders, and those of no order (all rejected).
  const rejected = (order: number) =>
    order < 0 || settlements[order].code !== Code.none;
  forEachRow(processor, readRecord, rejected, (row, line, order) => {
    const code =
      order < 0 ? row.code : finalLineCode(row.code, settlements[order].code);
    const key = order < 0 ? '' : processor.orders[order].key;
    text += renderRowReject(row, code, key, processor.rules, readRecord);
    lines.push(line);
    orders.push(order);
    ends.push(text.length);
  });
  return {
    lines: Float64Array.from(lines),
    orders: Int32Array.from(orders),
    ends: Float64Array.from(ends),
    text,
  };
}

const RECORD_PREVIEW_BYTES = 1024;

/** The rejects line of one row (without its line number). */
export function renderRowReject(
  row: RowFacts,
  code: number,
  orderKey: string,
  rules: Rules,
  readRecord: ReadRecord,
): string {
  const own = row.code === code ? row.detail : undefined;
  const key = own ? own[0] : orderKey;
  const message = own ? own[1] : ORDER_MESSAGES[code];
  // An over-long record is shown by its start: the rejects file stays
  // readable and its writer's memory bounded.
  // (two bytes more for a CRLF line end, which the limit does not count)
  const long =
    row.end - row.start > rules.settings.maxRecordBytes + 2 &&
    row.end - row.start > RECORD_PREVIEW_BYTES;
  const end = long ? row.start + RECORD_PREVIEW_BYTES : row.end;
  const record = readRecord(row.start, end)
    .toString('utf8')
    .replace(/\r?\n$/, '');
  return renderRejectTail(
    key,
    codeName(code),
    message,
    long ? `${record}…` : record,
    rules.settings.formulaGuard,
  );
}

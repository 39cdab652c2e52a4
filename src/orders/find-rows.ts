// Finds a read chunk's records again from its runs: a chunk keeps a row
// only for a record with a code of its own, so the records of an order
// rejected as a whole (mixed, out of range, or one bad line) are found by
// reading its runs again, only when there is such an order.
import { RecordFields, scanRecord } from '../csv/scan.js';
import type { ChunkProcessor } from './chunk.js';
import { rowOf, type RowFacts } from './row-table.js';

const LF = 0x0a;
const CR = 0x0d;

const fields = new RecordFields();

/** Where a record stands among a chunk's lines, and what it is. */
export type OnRow = (row: RowFacts, line: number, order: number) => void;

/**
 * Calls `each`, in input order, for every record of the orders `pick`
 * takes (by order number; -1 takes the records of no order). `bytesAt`
 * gives the input's bytes [start, end). Lines count from the chunk's
 * first line (0).
 */
export function forEachRow(
  processor: ChunkProcessor,
  bytesAt: (start: number, end: number) => Buffer,
  pick: (order: number) => boolean,
  each: OnRow,
): void {
  const { rows } = processor;
  let coded = 0;
  // The rows with codes standing before `position`, of the orders picked.
  const codedBefore = (position: number) => {
    for (; coded < rows.length && rows.start[coded] < position; coded++) {
      const order = rows.order[coded];
      if (pick(order)) each(rowOf(rows, coded), rows.line[coded], order);
    }
  };

  const { data: runs, length } = processor.runs;
  for (let at = 0; at < length; at += 4) {
    const order = runs[at];
    if (!pick(order)) continue;
    const [start, end] = [runs[at + 1], runs[at + 2]];
    codedBefore(start);
    const bytes = bytesAt(start, end);
    let line = runs[at + 3];
    let pos = 0;
    while (pos < bytes.length) {
      const record = nextRecord(bytes, pos, processor);
      const here = start + pos;
      if (!record.blank) {
        if (coded < rows.length && rows.start[coded] === here) {
          each(rowOf(rows, coded), rows.line[coded], order);
          coded++;
        } else {
          const row = { start: here, end: start + record.next, code: 0 };
          each({ ...row, detail: undefined }, line, order);
        }
      }
      line += record.newlines;
      pos = record.next;
    }
  }
  codedBefore(Infinity);
}

const found = { next: 0, newlines: 0, blank: false };

// The record at `pos`, split as ChunkProcessor splits it: where the next
// one starts, the line ends it holds, and whether it is a blank line.
function nextRecord(bytes: Buffer, pos: number, processor: ChunkProcessor) {
  const { format, delimiter } = processor.rules.settings;
  if (format === 'csv') {
    found.next = scanRecord(bytes, pos, bytes.length, delimiter, true, fields);
    found.newlines =
      fields.innerNewlines + (bytes[found.next - 1] === LF ? 1 : 0);
    found.blank = fields.count === 1 && fields.recordEnd === pos;
    return found;
  }
  const lf = bytes.indexOf(LF, pos);
  const lineEnd = lf < 0 ? bytes.length : lf;
  const contentEnd =
    lineEnd > pos && bytes[lineEnd - 1] === CR ? lineEnd - 1 : lineEnd;
  found.next = lf < 0 ? bytes.length : lf + 1;
  found.newlines = lf < 0 ? 0 : 1;
  found.blank = contentEnd === pos;
  return found;
}

// Reads the CSV header with csv-parse (it is one record, so speed does not
// matter there) and maps the contract's columns to field positions.
import { closeSync, openSync } from 'node:fs';
import { parse } from 'csv-parse/sync';
import { INCOMPLETE, RecordFields, scanRecord } from '../csv/scan.js';
import { unusableInput } from '../errors.js';
import { noColumns, type ColumnIndexes } from '../orders/rules.js';
import { readAt, readInto } from '../engine/spill.js';

/** Where the data starts and which field holds which column. */
export interface InputLayout {
  dataStart: number;
  /** Line ends before dataStart: the header's, and a BOM's none. */
  headerLines: number;
  columns: ColumnIndexes;
  fieldCount: number;
}

const ALIASES: Record<string, keyof ColumnIndexes> = {
  order_id: 'orderId',
  id: 'orderId',
  quantity: 'quantity',
  unit_price: 'unitPrice',
  price: 'unitPrice',
  currency: 'currency',
  region: 'region',
  customer_id: 'customerId',
};
const REQUIRED: Array<[keyof ColumnIndexes, string]> = [
  ['orderId', 'order_id'],
  ['quantity', 'quantity'],
  ['unitPrice', 'unit_price'],
];
const LF = 0x0a;
const CR = 0x0d;
const BLOCK_BYTES = 64 * 1024;

/** Where the records of a JSON lines file start: after any BOM. */
export function jsonLayout(
  path: string,
  fileBytes: number,
  name: string,
): InputLayout {
  const start = bomLength(path, fileBytes);
  if (fileBytes - start === 0) throw unusableInput(name, 'the file is empty');
  if (!hasNonBlankLine(path, start, fileBytes)) {
    throw unusableInput(name, 'the file is empty: it has only blank lines');
  }
  const none = noColumns();
  return { dataStart: start, headerLines: 0, columns: none, fieldCount: 0 };
}

/** Reads and checks the CSV header. */
export function readCsvLayout(
  path: string,
  fileBytes: number,
  delimiter: number,
  maxRecordBytes: number,
  name: string,
): InputLayout {
  const length = Math.min(fileBytes, maxRecordBytes + 3);
  const bytes = readFirst(path, length);
  let pos = bytes[0] === 0xef && bytes[1] === 0xbb && bytes[2] === 0xbf ? 3 : 0;
  const atEof = length === fileBytes;
  const fields = new RecordFields();
  let lines = 0;
  for (;;) {
    if (pos >= bytes.length)
      throw unusableInput(name, 'the file is empty: it has no header');
    const next = scanRecord(bytes, pos, bytes.length, delimiter, atEof, fields);
    if (next === INCOMPLETE) {
      throw unusableInput(
        name,
        atEof
          ? `a quote in the header (line ${lines + 1}) is never closed`
          : `the header is longer than --max-record-size (${maxRecordBytes} bytes)`,
      );
    }
    const blank = fields.count === 1 && fields.recordEnd === pos;
    const headerLine = lines + 1;
    lines += fields.innerNewlines + (bytes[next - 1] === LF ? 1 : 0);
    if (!blank) {
      const text = bytes.toString('utf8', pos, fields.recordEnd);
      return {
        dataStart: next,
        headerLines: lines,
        ...mapColumns(text, delimiter, name, headerLine),
      };
    }
    pos = next;
  }
}

// `line` is the header's 1-based line, after any blank lines before it.
function mapColumns(
  headerText: string,
  delimiter: number,
  name: string,
  line: number,
) {
  const names = parseHeader(headerText, delimiter, name, line);
  const columns = noColumns();
  const seen = new Map<string, string>();
  names.forEach((raw, index) => {
    const known = raw.trim().toLowerCase();
    // sku is not used by the totals, but it is the contract's column too.
    const column = known === 'sku' ? 'sku' : ALIASES[known];
    if (!column) return;
    const earlier = seen.get(column);
    if (earlier !== undefined) {
      throw unusableInput(
        name,
        `the header names one column twice ('${earlier}' and '${raw.trim()}'); keep one`,
      );
    }
    seen.set(column, raw.trim());
    if (column !== 'sku') columns[column] = index;
  });
  for (const [column, label] of REQUIRED) {
    if (columns[column] < 0) {
      throw unusableInput(
        name,
        `the header (line ${line}) has no '${label}' column; add it ` +
          '(order_id or id, quantity, unit_price or price are required)',
      );
    }
  }
  return { columns, fieldCount: names.length };
}

// Only LF ends a record (CRLF is LF with a CR before it), as in the fast
// scanner: csv-parse would also take a lone CR for one.
function parseHeader(
  headerText: string,
  delimiter: number,
  name: string,
  line: number,
) {
  try {
    const [names] = parse(headerText, {
      delimiter: String.fromCharCode(delimiter),
      record_delimiter: '\n',
    }) as string[][];
    return names;
  } catch (error) {
    throw unusableInput(
      name,
      `the header (line ${line}) is not valid CSV: ${(error as Error).message}; ` +
        'check its quotes',
    );
  }
}

/**
 * Whether a line from `start` on holds more than its line end (LF, or CRLF;
 * a CR at the end of the file too), as the JSON lines reader skips blank
 * lines: a file of them has no record. Stops at the first such line, most
 * often at `start`.
 */
function hasNonBlankLine(
  path: string,
  start: number,
  fileBytes: number,
): boolean {
  const fd = openSync(path, 'r');
  try {
    const block = Buffer.allocUnsafe(BLOCK_BYTES);
    let afterCr = false;
    for (let position = start; position < fileBytes;) {
      const length = Math.min(BLOCK_BYTES, fileBytes - position);
      const bytes = readInto(block.subarray(0, length), fd, position);
      for (const byte of bytes) {
        if (byte === LF) afterCr = false;
        else if (afterCr || byte !== CR) return true;
        else afterCr = true;
      }
      position += length;
    }
    return false;
  } finally {
    closeSync(fd);
  }
}

function bomLength(path: string, fileBytes: number): number {
  const head = readFirst(path, Math.min(3, fileBytes));
  return head.length === 3 &&
    head[0] === 0xef &&
    head[1] === 0xbb &&
    head[2] === 0xbf
    ? 3
    : 0;
}

function readFirst(path: string, length: number): Buffer {
  const fd = openSync(path, 'r');
  try {
    return readAt(fd, 0, length);
  } finally {
    closeSync(fd);
  }
}

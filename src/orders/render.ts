// Invoice and reject lines, as CSV (RFC 4180 quoting, formula guard) or
// JSON lines. Purpose-built: csv-stringify writes about 10 MB/s here, and
// invoices are the bulk of the output.
import { formatMinorUnits } from '../money/decimal.js';
import type { OrderPartial } from './partial.js';
import type { Settlement } from './settlement.js';
import type { Rules } from './rules.js';
import {
  putInteger,
  putMinorUnits,
  putText,
  type ByteSink,
} from './byte-sink.js';

export const INVOICE_HEADER =
  'order_id,customer_id,currency,region,lines,quantity,subtotal,tax_rate,tax,total\n';
export const REJECTS_HEADER = 'line,order_id,code,message,record\n';

/** A text cell: guarded against formulas when asked, quoted when needed. */
export function csvCell(text: string, formulaGuard: boolean): string {
  const cell =
    formulaGuard && startsFormula(text.charCodeAt(0)) ? `'${text}` : text;
  if (!cellNeedsQuotes(cell)) return cell;
  return `"${cell.replaceAll('"', '""')}"`;
}

// Spreadsheets run a cell that starts with = + - @ tab or carriage return.
function startsFormula(first: number): boolean {
  return (
    first === 0x3d ||
    first === 0x2b ||
    first === 0x2d ||
    first === 0x40 ||
    first === 0x09 ||
    first === 0x0d
  );
}

// A loop rather than a regular expression: it runs four times an invoice.
function cellNeedsQuotes(text: string): boolean {
  for (let i = 0; i < text.length; i++) {
    if (needsQuotes(text.charCodeAt(i))) return true;
  }
  return false;
}

// A comma, a quote or a line end makes RFC 4180 quote the cell. All four
// are below '-', and most characters of ids and names are above it: one
// comparison each, not four.
function needsQuotes(unit: number): boolean {
  return (
    unit <= 0x2c &&
    (unit === 0x2c || unit === 0x22 || unit === 0x0a || unit === 0x0d)
  );
}

/** Writes the invoice line of a settled order, line end included. */
export function writeInvoice(
  sink: ByteSink,
  order: OrderPartial,
  settlement: Settlement,
  rules: Rules,
): void {
  const { formulaGuard, outputFormat } = rules.settings;
  if (outputFormat === 'jsonl') {
    sink.text(renderInvoice(order, settlement, rules));
    return;
  }
  const digits = order.minorDigits;
  const rate = order.rate?.text ?? '0';
  // The id and the customer may still stand as bytes (see OrderPartial).
  const keyBytes = order.keyBytes;
  const customerBytes = order.customerBytes;
  const textUnits =
    (keyBytes ? order.keyEnd - order.keyStart : order.key.length) +
    (customerBytes
      ? order.customerEnd - order.customerStart
      : order.customerId.length) +
    order.currency.length +
    order.region.length +
    rate.length;
  // A cell takes at most 3 bytes a UTF-16 unit (a doubled quote takes 2),
  // and 3 more for its guard and its quotes.
  const buffer = sink.room(textUnits * 3 + 4 * 3 + NUMBERS_ROOM);
  let at = keyBytes
    ? putAsciiCell(
        buffer,
        sink.length,
        keyBytes,
        order.keyStart,
        order.keyEnd,
        formulaGuard,
      )
    : putCell(buffer, sink.length, order.key, formulaGuard);
  buffer[at++] = COMMA;
  at = customerBytes
    ? putAsciiCell(
        buffer,
        at,
        customerBytes,
        order.customerStart,
        order.customerEnd,
        formulaGuard,
      )
    : putCell(buffer, at, order.customerId, formulaGuard);
  buffer[at++] = COMMA;
  at = putCell(buffer, at, order.currency, formulaGuard);
  buffer[at++] = COMMA;
  at = putCell(buffer, at, order.region, formulaGuard);
  buffer[at++] = COMMA;
  at = putInteger(buffer, at, order.lines);
  buffer[at++] = COMMA;
  at = putInteger(buffer, at, order.quantity);
  buffer[at++] = COMMA;
  at = putMinorUnits(buffer, at, order.subtotalMinor, digits);
  buffer[at++] = COMMA;
  at = putText(buffer, at, rate);
  buffer[at++] = COMMA;
  at = putMinorUnits(buffer, at, settlement.taxMinor, digits);
  buffer[at++] = COMMA;
  at = putMinorUnits(buffer, at, settlement.totalMinor, digits);
  buffer[at++] = LINE_END;
  sink.length = at;
}

// A text cell as csvCell makes it, written at `at`: a plain ASCII text, the
// usual case, byte by byte, without making the cell's string.
function putCell(
  buffer: Buffer,
  at: number,
  text: string,
  formulaGuard: boolean,
): number {
  if (formulaGuard && startsFormula(text.charCodeAt(0))) {
    return putText(buffer, at, csvCell(text, true));
  }
  for (let i = 0; i < text.length; i++) {
    const unit = text.charCodeAt(i);
    if (unit >= 0x80 || needsQuotes(unit)) {
      return putText(buffer, at, csvCell(text, formulaGuard));
    }
    buffer[at + i] = unit;
  }
  return at + text.length;
}

// putCell for a text that is the ASCII bytes [start, end) of `bytes`.
function putAsciiCell(
  buffer: Buffer,
  at: number,
  bytes: Buffer,
  start: number,
  end: number,
  formulaGuard: boolean,
): number {
  if (formulaGuard && start < end && startsFormula(bytes[start])) {
    return putCell(buffer, at, bytes.toString('latin1', start, end), true);
  }
  for (let i = start; i < end; i++) {
    const byte = bytes[i];
    if (needsQuotes(byte)) {
      const text = bytes.toString('latin1', start, end);
      return putText(buffer, at, csvCell(text, formulaGuard));
    }
    buffer[at + i - start] = byte;
  }
  return at + end - start;
}

const COMMA = 0x2c;
const LINE_END = 0x0a;
// Two counts, three amounts, the ten separators.
const NUMBERS_ROOM = 2 * 16 + 3 * 24 + 10;

/** The invoice line of a settled order, line end included. */
export function renderInvoice(
  order: OrderPartial,
  settlement: Settlement,
  rules: Rules,
): string {
  const digits = order.minorDigits;
  const subtotal = formatMinorUnits(order.subtotalMinor, digits);
  const tax = formatMinorUnits(settlement.taxMinor, digits);
  const total = formatMinorUnits(settlement.totalMinor, digits);
  const rate = order.rate?.text ?? '0';
  const { formulaGuard, outputFormat } = rules.settings;

  if (outputFormat === 'jsonl') {
    return `${JSON.stringify({
      order_id: order.key,
      customer_id: order.customerId,
      currency: order.currency,
      region: order.region,
      lines: order.lines,
      quantity: order.quantity,
      subtotal,
      tax_rate: rate,
      tax,
      total,
    })}\n`;
  }
  return (
    `${csvCell(order.key, formulaGuard)},` +
    `${csvCell(order.customerId, formulaGuard)},` +
    `${csvCell(order.currency, formulaGuard)},` +
    `${csvCell(order.region, formulaGuard)},` +
    `${order.lines},${order.quantity},${subtotal},${rate},${tax},${total}\n`
  );
}

/**
 * A rejects line without its leading line number (which only the merge
 * knows): order_id, code, message and the record's text.
 */
export function renderRejectTail(
  orderId: string,
  code: string,
  message: string,
  record: string,
  formulaGuard: boolean,
): string {
  return (
    `${csvCell(orderId, formulaGuard)},${code},` +
    `${csvCell(message, false)},${csvCell(record, formulaGuard)}\n`
  );
}

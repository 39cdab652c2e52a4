// Invoice and reject lines, as CSV (RFC 4180 quoting, formula guard) or
// JSON lines. Purpose-built: csv-stringify writes about 10 MB/s here, and
// invoices are the bulk of the output.
import { formatMinorUnits } from '../money/decimal.js';
import type { OrderPartial, Settlement } from './partial.js';
import type { Rules } from './rules.js';
import type { ByteSink } from './byte-sink.js';

export const INVOICE_HEADER =
  'order_id,customer_id,currency,region,lines,quantity,subtotal,tax_rate,tax,total\n';
export const REJECTS_HEADER = 'line,order_id,code,message,record\n';

/** A text cell: guarded against formulas when asked, quoted when needed. */
export function csvCell(text: string, formulaGuard: boolean): string {
  const cell = formulaGuard && startsFormula(text) ? `'${text}` : text;
  if (!needsQuotes(cell)) return cell;
  return `"${cell.replaceAll('"', '""')}"`;
}

// Spreadsheets run a cell that starts with = + - @ tab or carriage return.
function startsFormula(text: string): boolean {
  const first = text.charCodeAt(0);
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
function needsQuotes(text: string): boolean {
  for (let i = 0; i < text.length; i++) {
    const unit = text.charCodeAt(i);
    if (unit === 0x2c || unit === 0x22 || unit === 0x0a || unit === 0x0d)
      return true;
  }
  return false;
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
  sink.text(csvCell(order.key, formulaGuard));
  sink.byte(COMMA);
  sink.text(csvCell(order.customerId, formulaGuard));
  sink.byte(COMMA);
  sink.text(csvCell(order.currency, formulaGuard));
  sink.byte(COMMA);
  sink.text(csvCell(order.region, formulaGuard));
  sink.byte(COMMA);
  sink.integer(order.lines);
  sink.byte(COMMA);
  sink.integer(order.quantity);
  sink.byte(COMMA);
  sink.minorUnits(order.subtotalMinor, digits);
  sink.byte(COMMA);
  sink.text(order.rate?.text ?? '0');
  sink.byte(COMMA);
  sink.minorUnits(settlement.taxMinor, digits);
  sink.byte(COMMA);
  sink.minorUnits(settlement.totalMinor, digits);
  sink.byte(LINE_END);
}

const COMMA = 0x2c;
const LINE_END = 0x0a;

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

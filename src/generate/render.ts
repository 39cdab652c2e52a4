// Turns drafts into the text of one record: a CSV line or a JSON line. The
// format-level rejects (malformed_row, malformed_json) are made here.
import type { Reject } from './bad-records.js';
import type { Draft } from './drafts.js';
import type { Plan } from './plan.js';
import { cycle } from './random.js';

export const CSV_HEADER =
  'order_id,customer_id,sku,quantity,unit_price,currency,region';

// One CSV line for the draft's first item, columns as in CSV_HEADER.
export function renderCsvLine(
  plan: Plan,
  draft: Draft,
  reject: Reject,
): string {
  const item = draft.items[0] ?? { sku: '' };
  const fields = [
    draft.id,
    draft.customer,
    item.sku,
    item.quantity,
    item.price,
    draft.currency,
    draft.region,
  ].map((v) => String(v ?? ''));
  if (reject?.kind === 'malformed_row') {
    if (reject.variant % 2 === 0) fields.push(plan.unknownRegion);
    else fields.pop();
  }
  return `${fields.map(quoteCsvField).join(',')}\n`;
}

// One JSON line holding the whole order with all of its items.
export function renderJsonLine(draft: Draft, reject: Reject): string {
  const text = JSON.stringify({
    id: draft.id,
    customer_id: draft.customer,
    currency: draft.currency,
    region: draft.region,
    items: draft.items,
  });
  if (reject?.kind !== 'malformed_json') return `${text}\n`;
  // Cut short, an array instead of an object, trailing text.
  return `${cycle(
    [text.slice(0, -1), `[${text}]`, `${text} x`],
    reject.variant,
  )}\n`;
}

// Quotes a CSV field only where RFC 4180 requires it.
function quoteCsvField(value: string): string {
  return /[",\r\n]/.test(value) ? `"${value.replaceAll('"', '""')}"` : value;
}

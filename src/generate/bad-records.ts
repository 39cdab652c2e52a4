// Records broken on purpose: which contract reject codes each format can
// trigger, when a record is broken, and how a clean draft is spoiled.
import { minorDigitsOf } from '../money/currency.js';
import { formatMinorUnits as formatMinor } from '../money/decimal.js';
import type { RejectCode } from '../orders/codes.js';
import type { Draft } from './drafts.js';
import type { OrderFileFormat } from './orders.js';
import type { Plan } from './plan.js';
import { cycle } from './random.js';

// Every contract reject code a single record can be written to trigger, in
// the order broken records cycle through them. duplicate_order comes before
// invalid_order so that, at high rates, the order it copies still has an id.
export const REJECT_KINDS = {
  csv: [
    'malformed_row',
    'invalid_encoding',
    'missing_field',
    'invalid_quantity',
    'invalid_currency',
    'invalid_price',
    'unknown_region',
    'mixed_order',
    'amount_out_of_range',
  ],
  jsonl: [
    'malformed_json',
    'invalid_encoding',
    'record_too_long',
    'duplicate_order',
    'invalid_order',
    'missing_field',
    'invalid_quantity',
    'invalid_currency',
    'invalid_price',
    'unknown_region',
    'amount_out_of_range',
  ],
} as const satisfies Record<OrderFileFormat, readonly RejectCode[]>;

/** A reject code that some record of some format can be made to trigger. */
export type RejectKind = (typeof REJECT_KINDS)[OrderFileFormat][number];

/** How to break one record, or undefined to leave it clean. */
export type Reject = { kind: RejectKind; variant: number } | undefined;

// One byte past the contract's default --max-record-size of 1 MiB.
const TOO_LONG_BYTES = (1 << 20) + 1;
// 2e7 minor units times a quantity of 1e9 passes 2^53 - 1 in any currency.
const HUGE_PRICE_MINOR = 20_000_000;
const BAD_QUANTITIES = [0, -1, 1.5, 'abc', 1_000_000_001];
const BAD_CURRENCIES = ['EURO', 'usd'];

// Spreads broken records evenly: after n records, floor(n × rate) are
// broken, so a test can count them exactly; kinds take turns.
export function scheduleRejects(rate: number, kinds: readonly RejectKind[]) {
  let records = 0;
  let broken = 0;
  return (): Reject => {
    records += 1;
    if (Math.floor(records * rate + 1e-9) <= broken) return undefined;
    const kind = kinds[broken % kinds.length];
    const variant = Math.floor(broken / kinds.length);
    broken += 1;
    return { kind, variant };
  };
}

// Applies one reject kind to a clean draft; format-level kinds
// (malformed_row, malformed_json) are left to the renderers.
export function breakDraft(plan: Plan, draft: Draft, reject: Reject): Draft {
  if (reject === undefined) return draft;
  const { kind, variant: v } = reject;
  const item = draft.items[draft.items.length - 1] ?? { sku: '' };
  const digits = minorDigitsOf(draft.currency) ?? 2;
  if (kind === 'invalid_encoding') item.sku += '\xff';
  if (kind === 'record_too_long') item.sku += 'x'.repeat(TOO_LONG_BYTES);
  if (kind === 'invalid_order') {
    if (v % 3 === 0) delete draft.id;
    else if (v % 3 === 1) draft.id = '';
    else draft.items = [];
  }
  if (kind === 'missing_field') {
    const slot = v % (plan.format === 'csv' ? 3 : 2);
    if (slot === 2) draft.id = '';
    else if (slot === 1) item.price = plan.format === 'csv' ? '' : undefined;
    else delete item.quantity;
  }
  if (kind === 'invalid_quantity') item.quantity = cycle(BAD_QUANTITIES, v);
  if (kind === 'invalid_currency') draft.currency = cycle(BAD_CURRENCIES, v);
  if (kind === 'invalid_price') {
    const tooFine = digits === 0 ? '5.5' : `1.${'9'.repeat(digits + 1)}`;
    item.price = cycle(['1e3', '-5', '1,000', '$5', tooFine], v);
  }
  if (kind === 'unknown_region') draft.region = plan.unknownRegion;
  if (kind === 'mixed_order') draft.customer = 'C-0';
  if (kind === 'amount_out_of_range') {
    item.quantity = 1_000_000_000;
    item.price = formatMinor(HUGE_PRICE_MINOR, digits);
  }
  return draft;
}

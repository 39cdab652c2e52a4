// What an order comes to once all its lines are in: its invoice's tax and
// total, or the code it is rejected with, and the code each of its lines
// gets in the rejects file. Pure: no I/O.
import { computeTaxMinor, type TaxRate } from '../money/tax.js';
import { Code } from './codes.js';
import type { Rules } from './rules.js';

/** The largest amount in minor units that a double holds exactly. */
export const MAX_MINOR = Number.MAX_SAFE_INTEGER;

/**
 * What a stretch of an order comes to, as merge() and settleOrder() read
 * it: an OrderPartial, or its facts sent as plain data (a chunk reports
 * those of the orders at its edges, which the merge folds without reading
 * them again).
 */
export interface PartialFacts {
  readonly key: string;
  readonly customerId: string;
  readonly hasValidLine: boolean;
  readonly currency: string;
  readonly region: string;
  readonly minorDigits: number;
  readonly rate: TaxRate | undefined;
  readonly lines: number;
  readonly quantity: number;
  readonly subtotalMinor: number;
  readonly lineTaxMinor: number;
  readonly badRows: number;
  readonly jsonLines: number;
  readonly itemCode: number;
  readonly mixed: boolean;
  readonly outOfRange: boolean;
}

/** What an order comes to: invoiced (code 0) or the code of its lines. */
export interface Settlement {
  code: number;
  taxMinor: number;
  totalMinor: number;
}

function rejected(code: number): Settlement {
  return { code, taxMinor: 0, totalMinor: 0 };
}

/** Settles a complete order: its tax and total, or why it is rejected. */
export function settleOrder(order: PartialFacts, rules: Rules): Settlement {
  if (rules.settings.format === 'jsonl') {
    if (order.jsonLines > 1) return rejected(Code.duplicateOrder);
    if (order.itemCode) return rejected(order.itemCode);
  }
  if (order.mixed) return rejected(Code.mixedOrder);
  if (!order.hasValidLine || !order.rate) {
    return rejected(Code.orderRejected);
  }

  const taxMinor =
    rules.settings.tax.rounding === 'line'
      ? order.lineTaxMinor
      : computeTaxMinor(
          order.subtotalMinor,
          order.rate,
          rules.settings.rounding,
        );
  const totalMinor = order.subtotalMinor + taxMinor;
  if (order.outOfRange || totalMinor > MAX_MINOR) {
    return rejected(Code.amountOutOfRange);
  }
  if (order.badRows > 0) return rejected(Code.orderRejected);
  return { code: Code.none, taxMinor, totalMinor };
}

/** The code a line of a settled order gets: its own, or the order's. */
export function finalLineCode(ownCode: number, orderCode: number): number {
  if (ownCode === 0) return orderCode;
  if (orderCode === 0) return ownCode;
  return Math.min(ownCode, orderCode);
}

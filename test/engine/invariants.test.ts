// The invariants the merge checks before publishing (issue #4, case 10): a
// broken one is an internal error, exit 70, whatever broke it.
import { describe, expect, it } from 'vitest';
import { ExitCode, OrderBatchError } from '../../src/errors.js';
import { checkInvariants, type Written } from '../../src/engine/invariants.js';
import type { MergeResult } from '../../src/engine/merge-stretch.js';
import { CurrencyTotals } from '../../src/orders/totals.js';

// Two invoices of 5 rows in all, and 2 rejected rows: 12.34 EUR and 100 JPY.
function consistent(): { written: Written; result: MergeResult } {
  const totals = new CurrencyTotals();
  totals.addInvoice('EUR', 1000, 234, 1234);
  totals.addInvoice('JPY', 91, 9, 100);
  return {
    written: { invoices: 2, totalMinor: 1334n },
    result: {
      rows: 7,
      invoicedRows: 5,
      rejectedRows: 2,
      invoices: 2,
      rejectedOrders: 1,
      totals,
    },
  };
}

function internalErrorOf(run: () => void): OrderBatchError {
  try {
    run();
  } catch (error) {
    if (error instanceof OrderBatchError) return error;
    throw error;
  }
  throw new Error('no error was thrown');
}

describe('checkInvariants', () => {
  it('passes a consistent merge', () => {
    const { written, result } = consistent();
    expect(() => checkInvariants(written, result)).not.toThrow();
  });

  it('fails when rows differ from invoiced plus rejected', () => {
    const { written, result } = consistent();
    result.rejectedRows = 1;
    const error = internalErrorOf(() => checkInvariants(written, result));
    expect(error.exitCode).toBe(ExitCode.internal);
    expect(error.message).toContain('rows (7) differ');
  });

  it('fails when fewer invoices were written than orders invoiced', () => {
    const { written, result } = consistent();
    written.invoices = 1;
    const error = internalErrorOf(() => checkInvariants(written, result));
    expect(error.exitCode).toBe(ExitCode.internal);
    expect(error.message).toContain('1 invoices were written for 2');
  });

  it('fails when the written totals are a cent off the summary', () => {
    const { written, result } = consistent();
    written.totalMinor -= 1n;
    const error = internalErrorOf(() => checkInvariants(written, result));
    expect(error.exitCode).toBe(ExitCode.internal);
    expect(error.message).toContain('total 1333 minor units, the summary 1334');
    expect(error.message).toContain('nothing was published');
  });

  it('sums totals past 2^53 exactly', () => {
    const totals = new CurrencyTotals();
    const big = Number.MAX_SAFE_INTEGER;
    totals.addInvoice('USD', big, 0, big);
    totals.addInvoice('USD', big, 0, big);
    const result: MergeResult = {
      rows: 2,
      invoicedRows: 2,
      rejectedRows: 0,
      invoices: 2,
      rejectedOrders: 0,
      totals,
    };
    const exact = 2n * BigInt(big);
    expect(() =>
      checkInvariants({ invoices: 2, totalMinor: exact }, result),
    ).not.toThrow();
    expect(() =>
      checkInvariants({ invoices: 2, totalMinor: exact + 1n }, result),
    ).toThrow(OrderBatchError);
  });
});

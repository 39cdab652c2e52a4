import { describe, test, expect } from 'vitest';
import { CurrencyTotals } from '../../src/orders/totals.js';

describe('CurrencyTotals', () => {
  test('a currency whose invoices were all taken back is not listed', () => {
    const totals = new CurrencyTotals();
    totals.addInvoice('EUR', 100, 20, 120);
    totals.addInvoice('JPY', 5, 1, 6);
    totals.add('EUR', -1, -100n, -20n, -120n);
    expect(totals.toRecord()).toEqual({
      JPY: { invoices: 1, subtotal: '5', tax: '1', total: '6' },
    });
  });

  test('addInvoice takes an invoice back with its amounts negated', () => {
    const totals = new CurrencyTotals();
    totals.addInvoice('EUR', 2 ** 52, 0, 2 ** 52);
    totals.addInvoice('EUR', 2 ** 52, 0, 2 ** 52);
    totals.addInvoice('EUR', -(2 ** 52), 0, -(2 ** 52), -1);
    totals.addInvoice('USD', 5, 1, 6);
    totals.addInvoice('USD', -5, -1, -6, -1);
    expect(totals.toRecord()).toEqual({
      EUR: {
        invoices: 1,
        subtotal: String(2 ** 52),
        tax: '0',
        total: String(2 ** 52),
      },
    });
  });

  test('a currency with invoices of zero is listed, with zero sums', () => {
    const totals = new CurrencyTotals();
    totals.addInvoice('EUR', 0, 0, 0);
    expect(totals.toRecord()).toEqual({
      EUR: { invoices: 1, subtotal: '0', tax: '0', total: '0' },
    });
  });

  test('records from chunks add up, counts included', () => {
    const totals = new CurrencyTotals();
    totals.addRecord({
      EUR: { invoices: 2, subtotal: '10', tax: '2', total: '12' },
    });
    totals.addRecord({
      EUR: { invoices: 1, subtotal: '5', tax: '1', total: '6' },
    });
    expect(totals.toRecord()).toEqual({
      EUR: { invoices: 3, subtotal: '15', tax: '3', total: '18' },
    });
  });
});

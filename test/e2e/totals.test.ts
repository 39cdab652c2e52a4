// Subtotal, tax and total: exact minor units, ISO 4217 digits, tax rates
// and tables, and where and how tax is rounded.
import { describe, expect, test, vi } from 'vitest';
import {
  INVOICE_HEADER,
  ORDER_HEADER,
  csvLines,
  parseInvoices,
  tempDir,
  writeIn,
} from './helpers.js';
import { copyFixture, invoicesOf, priced } from './runs.js';

vi.setConfig({ testTimeout: 60_000, hookTimeout: 120_000 });

describe('totals', () => {
  test('the contract example line, at --tax-rate 0.19', async () => {
    const dir = tempDir();
    writeIn(dir, 'o.csv', csvLines(ORDER_HEADER, 'A-1,C-9,X,2,19.99,EUR,DE'));

    const result = await invoicesOf(dir, 'o.csv', ['--tax-rate', '0.19']);

    expect(result.code).toBe(0);
    expect(result.stdout).toBe(
      `${INVOICE_HEADER}\nA-1,C-9,EUR,DE,1,2,39.98,0.19,7.60,47.58\n`,
    );
  });

  test("amounts carry exactly the currency's ISO 4217 minor digits", async () => {
    const dir = tempDir();
    writeIn(
      dir,
      'o.csv',
      priced([
        'J,3,199,JPY',
        'K,3,1.005,KWD',
        'H,1,10.5,HUF',
        'C,1,1.2345,CLF',
        'U,1,19.990,USD',
        'Z,2,0,EUR',
      ]),
    );

    const result = await invoicesOf(dir, 'o.csv');

    expect(result.code).toBe(0);
    expect(result.stdout).toBe(
      csvLines(
        INVOICE_HEADER,
        'J,,JPY,,1,3,597,0.2,119,716',
        'K,,KWD,,1,3,3.015,0.2,0.603,3.618',
        'H,,HUF,,1,1,10.50,0.2,2.10,12.60',
        'C,,CLF,,1,1,1.2345,0.2,0.2469,1.4814',
        'U,,USD,,1,1,19.99,0.2,4.00,23.99',
        'Z,,EUR,,1,2,0.00,0.2,0.00,0.00',
      ),
    );
  });

  test.each([
    ['0.0825', '0.0825'],
    ['8.25%', '0.0825'],
    ['0.20', '0.2'],
    ['0', '0'],
    ['19%', '0.19'],
  ])('--tax-rate %s is printed as %s', async (given, printed) => {
    const dir = tempDir();
    writeIn(dir, 'o.csv', priced(['A,1,100.00,USD']));

    const result = await invoicesOf(dir, 'o.csv', ['--tax-rate', given]);

    expect(result.code).toBe(0);
    expect(parseInvoices(result.stdout)[0].tax_rate).toBe(printed);
  });

  test('--tax-rounding order rounds once per order, line rounds each line', async () => {
    const dir = tempDir();
    // Three lines of 0.05 at 10 %: 0.005 each, 0.015 for the order.
    writeIn(
      dir,
      'o.csv',
      priced(['T,1,0.05,EUR', 'T,1,0.05,EUR', 'T,1,0.05,EUR']),
    );

    const byOrder = await invoicesOf(dir, 'o.csv', ['--tax-rate', '0.1']);
    const byOrderFlag = await invoicesOf(dir, 'o.csv', [
      '--tax-rate',
      '0.1',
      '--tax-rounding',
      'order',
    ]);
    const byLine = await invoicesOf(dir, 'o.csv', [
      '--tax-rate',
      '0.1',
      '--tax-rounding',
      'line',
    ]);

    expect(parseInvoices(byOrder.stdout)[0]).toMatchObject({
      tax: '0.02',
      total: '0.17',
    });
    expect(byOrderFlag.stdout).toBe(byOrder.stdout);
    expect(parseInvoices(byLine.stdout)[0]).toMatchObject({
      tax: '0.03',
      total: '0.18',
    });
  });

  test.each([
    // order, rounding, tax of T (0.015 or 3 x 0.005), of E (0.025), of F (0.035)
    ['order', 'half-up', '0.02', '0.03', '0.04'],
    ['order', 'half-even', '0.02', '0.02', '0.04'],
    ['line', 'half-up', '0.03', '0.03', '0.04'],
    ['line', 'half-even', '0.00', '0.02', '0.04'],
  ])('--tax-rounding %s --rounding %s', async (where, mode, t, e, f) => {
    const dir = tempDir();
    writeIn(
      dir,
      'o.csv',
      priced([
        'T,1,0.05,EUR',
        'T,1,0.05,EUR',
        'T,1,0.05,EUR',
        'E,1,0.25,EUR',
        'F,1,0.35,EUR',
      ]),
    );

    const result = await invoicesOf(dir, 'o.csv', [
      '--tax-rate',
      '0.1',
      '--tax-rounding',
      where,
      '--rounding',
      mode,
    ]);

    expect(result.code).toBe(0);
    expect(parseInvoices(result.stdout).map((row) => row.tax)).toEqual([
      t,
      e,
      f,
    ]);
  });

  test('half-up is the default and rounds half away from zero', async () => {
    const dir = tempDir();
    writeIn(dir, 'o.csv', priced(['E,1,0.25,EUR', 'J,1,5,JPY', 'J2,1,15,JPY']));

    const result = await invoicesOf(dir, 'o.csv', ['--tax-rate', '0.1']);

    expect(parseInvoices(result.stdout).map((row) => row.tax)).toEqual([
      '0.03',
      '1',
      '2',
    ]);
  });

  test('scattered rows of an order: one invoice, at its first line', async () => {
    const dir = tempDir();
    writeIn(
      dir,
      'o.csv',
      priced([
        'B,1,1.00,EUR',
        'A,1,2.00,EUR',
        'B,2,1.00,EUR',
        'C,1,3.00,EUR',
        'A,1,2.00,EUR',
      ]),
    );

    const result = await invoicesOf(dir, 'o.csv');

    expect(
      parseInvoices(result.stdout).map((row) => [
        row.order_id,
        row.lines,
        row.subtotal,
      ]),
    ).toEqual([
      ['B', '2', '3.00'],
      ['A', '2', '4.00'],
      ['C', '1', '3.00'],
    ]);
  });

  test('rows without a currency take --currency (default USD)', async () => {
    const dir = tempDir();
    writeIn(dir, 'o.csv', csvLines('order_id,quantity,unit_price', 'A,2,150'));
    writeIn(dir, 'p.csv', priced(['A,2,150,']));

    const byDefault = await invoicesOf(dir, 'o.csv');
    const jpy = await invoicesOf(dir, 'o.csv', ['--currency', 'JPY']);
    const empty = await invoicesOf(dir, 'p.csv', ['--currency', 'JPY']);

    expect(parseInvoices(byDefault.stdout)[0]).toMatchObject({
      currency: 'USD',
      subtotal: '300.00',
    });
    expect(parseInvoices(jpy.stdout)[0]).toMatchObject({
      currency: 'JPY',
      subtotal: '300',
      tax: '60',
    });
    expect(parseInvoices(empty.stdout)[0]).toMatchObject({
      currency: 'JPY',
      subtotal: '300',
    });
  });

  test('--tax-table: each region its rate, * for the rest', async () => {
    const dir = tempDir();
    copyFixture(dir, 'tax-table.csv');
    writeIn(
      dir,
      'o.csv',
      csvLines(
        'order_id,quantity,unit_price,region',
        'A,1,100.00,DE',
        'B,1,100.00,US-NY',
        'C,1,100.00,BR',
        'D,1,100.00,',
      ),
    );

    const result = await invoicesOf(dir, 'o.csv', [
      '--tax-table',
      'tax-table.csv',
    ]);

    expect(result.code).toBe(0);
    expect(
      parseInvoices(result.stdout).map((row) => [
        row.region,
        row.tax_rate,
        row.tax,
      ]),
    ).toEqual([
      ['DE', '0.19', '19.00'],
      ['US-NY', '0.08875', '8.88'],
      ['BR', '0', '0.00'],
      ['', '0', '0.00'],
    ]);
  });
});

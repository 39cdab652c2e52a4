// The committed sample inputs in fixtures/, processed as a user would.
import { copyFileSync, mkdirSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, test, vi } from 'vitest';
import {
  FIXTURES,
  INVOICE_HEADER,
  codesByLine,
  leftovers,
  parseInvoices,
  readIn,
  runCli,
  tempDir,
} from './helpers.js';
import { ORDERS_CSV_INVOICES, copyFixture, invoicesOf } from './runs.js';

vi.setConfig({ testTimeout: 60_000, hookTimeout: 120_000 });

const ORDERS_INVOICES_BY_TABLE = [
  INVOICE_HEADER,
  'SO-1001,C-2001,EUR,DE,3,8,58.48,0.19,11.11,69.59',
  'SO-1002,C-2002,USD,US-CA,3,6,121.47,0.0725,8.81,130.28',
  'SO-1003,C-2003,JPY,JP,3,6,17200,0.1,1720,18920',
  'SO-1004,C-2004,EUR,FR,2,13,38.75,0.2,7.75,46.50',
  'SO-1005,C-2005,EUR,GB,1,1,24.99,0.2,5.00,29.99',
  'SO-1006,C-2006,USD,US-NY,3,4,118.15,0.08875,10.49,128.64',
  'SO-1007,C-2007,EUR,DE,2,3,93.50,0.19,17.77,111.27',
  'SO-1008,C-2008,JPY,JP,2,3,4550,0.1,455,5005',
  'SO-1009,C-2001,EUR,FR,3,3,57.49,0.2,11.50,68.99',
  'SO-1010,C-2009,USD,US-CA,2,3,124.00,0.0725,8.99,132.99',
  'SO-1011,C-2010,EUR,GB,3,4,114.93,0.2,22.99,137.92',
  'SO-1012,C-2011,USD,US-NY,2,4,69.96,0.08875,6.21,76.17',
  'SO-1013,C-2012,EUR,DE,3,7,81.60,0.19,15.50,97.10',
  'SO-1014,C-2013,JPY,JP,3,6,16420,0.1,1642,18062',
  'SO-1015,C-2014,EUR,FR,5,8,101.86,0.2,20.37,122.23',
]
  .map((line) => `${line}\n`)
  .join('');

describe('the sample fixtures', () => {
  test('fixtures/orders.csv: exit 0, no rejects, outputs beside the input', async () => {
    const dir = tempDir();
    mkdirSync(join(dir, 'in'));
    copyFileSync(join(FIXTURES, 'orders.csv'), join(dir, 'in', 'orders.csv'));

    const result = await runCli(['process', 'in/orders.csv'], { cwd: dir });

    expect(result.code).toBe(0);
    expect(result.stdout).toBe('');
    const invoices = readIn(dir, 'in/orders.invoices.csv');
    expect(invoices.split('\n')[0]).toBe(INVOICE_HEADER);
    expect(invoices).toBe(ORDERS_CSV_INVOICES);
    expect(readIn(dir, 'in/orders.rejects.csv')).toBe(
      'line,order_id,code,message,record\n',
    );
    expect(leftovers(join(dir, 'in'))).toEqual([]);

    const summary = JSON.parse(readIn(dir, 'in/orders.summary.json'));
    expect(summary).toMatchObject({
      input: 'in/orders.csv',
      format: 'csv',
      bytes: statSync(join(dir, 'in', 'orders.csv')).size,
      rows: 40,
      invoiced_rows: 40,
      rejected_rows: 0,
      invoices: 15,
      rejected_orders: 0,
      exit_code: 0,
      outputs: {
        invoices: 'in/orders.invoices.csv',
        rejects: 'in/orders.rejects.csv',
      },
    });
    expect(summary.rows).toBe(summary.invoiced_rows + summary.rejected_rows);
    expect(Number.isInteger(summary.processes) && summary.processes >= 1).toBe(
      true,
    );
    expect(Number.isInteger(summary.threads) && summary.threads >= 1).toBe(
      true,
    );
    expect(
      Number.isInteger(summary.elapsed_ms) && summary.elapsed_ms >= 0,
    ).toBe(true);
    const totals = [...summary.totals].sort((a, b) =>
      a.currency < b.currency ? -1 : 1,
    );
    expect(totals).toEqual([
      { currency: 'EUR', subtotal: '571.60', tax: '114.33', total: '685.93' },
      { currency: 'JPY', subtotal: '38170', tax: '7634', total: '45804' },
      { currency: 'USD', subtotal: '433.58', tax: '86.71', total: '520.29' },
    ]);
    // A human summary goes to standard error.
    expect(result.stderr).toContain('40 rows');
  });

  test('fixtures/orders.csv with fixtures/tax-table.csv', async () => {
    const dir = tempDir();
    const input = copyFixture(dir, 'orders.csv');
    copyFixture(dir, 'tax-table.csv');

    const result = await invoicesOf(dir, input, [
      '--tax-table',
      'tax-table.csv',
    ]);

    expect(result.code).toBe(0);
    expect(result.stdout).toBe(ORDERS_INVOICES_BY_TABLE);
    expect(result.rejects).toEqual([]);
  });

  test('fixtures/orders.jsonl with fixtures/tax-table.csv', async () => {
    const dir = tempDir();
    const input = copyFixture(dir, 'orders.jsonl');
    copyFixture(dir, 'tax-table.csv');

    const result = await invoicesOf(dir, input, [
      '--tax-table',
      'tax-table.csv',
    ]);

    expect(result.code).toBe(0);
    expect(result.rejects).toEqual([]);
    expect(result.stdout).toBe(
      [
        INVOICE_HEADER,
        'W-5001,C-9,EUR,DE,1,2,39.98,0.19,7.60,47.58',
        'W-5002,C-4410,USD,US-NY,2,3,91.50,0.08875,8.12,99.62',
        'W-5003,C-4411,JPY,JP,2,5,13700,0.1,1370,15070',
        'W-5004,C-4412,EUR,FR,2,13,38.75,0.2,7.75,46.50',
        'W-5005,C-4413,KWD,KW,2,3,10.000,0,0.000,10.000',
        'W-5006,C-4414,EUR,GB,1,1,12.50,0.2,2.50,15.00',
        'W-5007,C-4415,USD,US-CA,3,7,139.96,0.0725,10.15,150.11',
        'W-5008,C-4416,EUR,DE,2,3,93.50,0.19,17.77,111.27',
        'W-5009,C-4417,JPY,JP,1,2,3600,0.1,360,3960',
        'W-5010,C-4418,EUR,FR,2,3,34.99,0.2,7.00,41.99',
      ]
        .map((line) => `${line}\n`)
        .join(''),
    );
    const summary = JSON.parse(readIn(dir, 's.json'));
    expect(summary).toMatchObject({
      format: 'jsonl',
      rows: 10,
      invoiced_rows: 10,
      invoices: 10,
    });
  });

  test('fixtures/orders-with-rejects.csv: exit 3, every bad row', async () => {
    const dir = tempDir();
    const input = copyFixture(dir, 'orders-with-rejects.csv');

    const result = await invoicesOf(dir, input);

    expect(result.code).toBe(3);
    expect(parseInvoices(result.stdout).map((row) => row.order_id)).toEqual([
      'R-2001',
      'R-2008',
      'R-2012',
    ]);
    expect(codesByLine(result.rejects)).toEqual([
      [4, 'malformed_row'],
      [5, 'order_rejected'],
      [6, 'missing_field'],
      [7, 'order_rejected'],
      [8, 'invalid_quantity'],
      [9, 'invalid_currency'],
      [10, 'invalid_price'],
      [11, 'invalid_price'],
      [12, 'mixed_order'],
      [13, 'mixed_order'],
      [15, 'invalid_encoding'],
      [16, 'order_rejected'],
      [17, 'amount_out_of_range'],
      [18, 'order_rejected'],
      [19, 'invalid_quantity'],
    ]);
    const summary = JSON.parse(readIn(dir, 's.json'));
    expect(summary).toMatchObject({
      rows: 19,
      invoiced_rows: 4,
      rejected_rows: 15,
      invoices: 3,
      rejected_orders: 9,
      exit_code: 3,
    });
  });
});

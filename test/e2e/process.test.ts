// `order-batch process` end to end: the sample fixtures, the totals, the
// output formats and paths, and every way the input may arrive.
import { copyFileSync, existsSync, mkdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { describe, expect, test } from 'vitest';
import {
  FIXTURES, INVOICE_HEADER, ORDER_HEADER, codesByLine, csvLines, leftovers,
  parseInvoices, readIn, readRejects, runCli, tempDir, writeIn,
} from './helpers.js';

const TIMEOUT = 60_000;

const ORDERS_INVOICES_AT_20 = [
  INVOICE_HEADER,
  'SO-1001,C-2001,EUR,DE,3,8,58.48,0.2,11.70,70.18',
  'SO-1002,C-2002,USD,US-CA,3,6,121.47,0.2,24.29,145.76',
  'SO-1003,C-2003,JPY,JP,3,6,17200,0.2,3440,20640',
  'SO-1004,C-2004,EUR,FR,2,13,38.75,0.2,7.75,46.50',
  'SO-1005,C-2005,EUR,GB,1,1,24.99,0.2,5.00,29.99',
  'SO-1006,C-2006,USD,US-NY,3,4,118.15,0.2,23.63,141.78',
  'SO-1007,C-2007,EUR,DE,2,3,93.50,0.2,18.70,112.20',
  'SO-1008,C-2008,JPY,JP,2,3,4550,0.2,910,5460',
  'SO-1009,C-2001,EUR,FR,3,3,57.49,0.2,11.50,68.99',
  'SO-1010,C-2009,USD,US-CA,2,3,124.00,0.2,24.80,148.80',
  'SO-1011,C-2010,EUR,GB,3,4,114.93,0.2,22.99,137.92',
  'SO-1012,C-2011,USD,US-NY,2,4,69.96,0.2,13.99,83.95',
  'SO-1013,C-2012,EUR,DE,3,7,81.60,0.2,16.32,97.92',
  'SO-1014,C-2013,JPY,JP,3,6,16420,0.2,3284,19704',
  'SO-1015,C-2014,EUR,FR,5,8,101.86,0.2,20.37,122.23',
].map((line) => `${line}\n`).join('');

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
].map((line) => `${line}\n`).join('');

/** Copies a fixture into `dir` (outputs go beside the input). */
function copyFixture(dir: string, name: string): string {
  copyFileSync(join(FIXTURES, name), join(dir, name));
  return name;
}

/** Runs with the invoices on standard output; other outputs in `dir`. */
async function invoicesOf(dir: string, input: string, args: string[] = []) {
  const result = await runCli(
    ['process', input, '-o', '-', '--rejects', 'r.csv', '--summary', 's.json', '-q', ...args],
    { cwd: dir },
  );
  return { ...result, rejects: readRejects(dir, 'r.csv') };
}

/** One order per line: `order_id,quantity,unit_price,currency`. */
function priced(rows: string[]): string {
  return csvLines('order_id,quantity,unit_price,currency', ...rows);
}

describe('the sample fixtures', () => {
  test('fixtures/orders.csv: exit 0, no rejects, outputs beside the input', { timeout: TIMEOUT }, async () => {
    const dir = tempDir();
    mkdirSync(join(dir, 'in'));
    copyFileSync(join(FIXTURES, 'orders.csv'), join(dir, 'in', 'orders.csv'));

    const result = await runCli(['process', 'in/orders.csv'], { cwd: dir });

    expect(result.code).toBe(0);
    expect(result.stdout).toBe('');
    const invoices = readIn(dir, 'in/orders.invoices.csv');
    expect(invoices.split('\n')[0]).toBe(INVOICE_HEADER);
    expect(invoices).toBe(ORDERS_INVOICES_AT_20);
    expect(readIn(dir, 'in/orders.rejects.csv')).toBe('line,order_id,code,message,record\n');
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
      outputs: { invoices: 'in/orders.invoices.csv', rejects: 'in/orders.rejects.csv' },
    });
    expect(summary.rows).toBe(summary.invoiced_rows + summary.rejected_rows);
    expect(Number.isInteger(summary.processes) && summary.processes >= 1).toBe(true);
    expect(Number.isInteger(summary.threads) && summary.threads >= 1).toBe(true);
    expect(Number.isInteger(summary.elapsed_ms) && summary.elapsed_ms >= 0).toBe(true);
    const totals = [...summary.totals].sort((a, b) => (a.currency < b.currency ? -1 : 1));
    expect(totals).toEqual([
      { currency: 'EUR', subtotal: '571.60', tax: '114.33', total: '685.93' },
      { currency: 'JPY', subtotal: '38170', tax: '7634', total: '45804' },
      { currency: 'USD', subtotal: '433.58', tax: '86.71', total: '520.29' },
    ]);
    // A human summary goes to standard error.
    expect(result.stderr).toContain('40 rows');
  });

  test('fixtures/orders.csv with fixtures/tax-table.csv', { timeout: TIMEOUT }, async () => {
    const dir = tempDir();
    const input = copyFixture(dir, 'orders.csv');
    copyFixture(dir, 'tax-table.csv');

    const result = await invoicesOf(dir, input, ['--tax-table', 'tax-table.csv']);

    expect(result.code).toBe(0);
    expect(result.stdout).toBe(ORDERS_INVOICES_BY_TABLE);
    expect(result.rejects).toEqual([]);
  });

  test('fixtures/orders.jsonl with fixtures/tax-table.csv', { timeout: TIMEOUT }, async () => {
    const dir = tempDir();
    const input = copyFixture(dir, 'orders.jsonl');
    copyFixture(dir, 'tax-table.csv');

    const result = await invoicesOf(dir, input, ['--tax-table', 'tax-table.csv']);

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
      ].map((line) => `${line}\n`).join(''),
    );
    const summary = JSON.parse(readIn(dir, 's.json'));
    expect(summary).toMatchObject({ format: 'jsonl', rows: 10, invoiced_rows: 10, invoices: 10 });
  });

  test('fixtures/orders-with-rejects.csv: exit 3, every bad row and its order', { timeout: TIMEOUT }, async () => {
    const dir = tempDir();
    const input = copyFixture(dir, 'orders-with-rejects.csv');

    const result = await invoicesOf(dir, input);

    expect(result.code).toBe(3);
    expect(parseInvoices(result.stdout).map((row) => row.order_id)).toEqual([
      'R-2001', 'R-2008', 'R-2012',
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
      rows: 19, invoiced_rows: 4, rejected_rows: 15, invoices: 3, rejected_orders: 9, exit_code: 3,
    });
  });
});

describe('totals', () => {
  test('the contract example line, at --tax-rate 0.19', { timeout: TIMEOUT }, async () => {
    const dir = tempDir();
    writeIn(dir, 'o.csv', csvLines(ORDER_HEADER, 'A-1,C-9,X,2,19.99,EUR,DE'));

    const result = await invoicesOf(dir, 'o.csv', ['--tax-rate', '0.19']);

    expect(result.code).toBe(0);
    expect(result.stdout).toBe(`${INVOICE_HEADER}\nA-1,C-9,EUR,DE,1,2,39.98,0.19,7.60,47.58\n`);
  });

  test('amounts carry exactly the currency\'s ISO 4217 minor digits', { timeout: TIMEOUT }, async () => {
    const dir = tempDir();
    writeIn(dir, 'o.csv', priced([
      'J,3,199,JPY', 'K,3,1.005,KWD', 'H,1,10.5,HUF', 'C,1,1.2345,CLF', 'U,1,19.990,USD', 'Z,2,0,EUR',
    ]));

    const result = await invoicesOf(dir, 'o.csv');

    expect(result.code).toBe(0);
    expect(result.stdout).toBe(csvLines(
      INVOICE_HEADER,
      'J,,JPY,,1,3,597,0.2,119,716',
      'K,,KWD,,1,3,3.015,0.2,0.603,3.618',
      'H,,HUF,,1,1,10.50,0.2,2.10,12.60',
      'C,,CLF,,1,1,1.2345,0.2,0.2469,1.4814',
      'U,,USD,,1,1,19.99,0.2,4.00,23.99',
      'Z,,EUR,,1,2,0.00,0.2,0.00,0.00',
    ));
  });

  test.each([
    ['0.0825', '0.0825'],
    ['8.25%', '0.0825'],
    ['0.20', '0.2'],
    ['0', '0'],
    ['19%', '0.19'],
  ])('--tax-rate %s is printed as %s', { timeout: TIMEOUT }, async (given, printed) => {
    const dir = tempDir();
    writeIn(dir, 'o.csv', priced(['A,1,100.00,USD']));

    const result = await invoicesOf(dir, 'o.csv', ['--tax-rate', given]);

    expect(result.code).toBe(0);
    expect(parseInvoices(result.stdout)[0].tax_rate).toBe(printed);
  });

  test('--tax-rounding order rounds once per order, line rounds each line', { timeout: TIMEOUT }, async () => {
    const dir = tempDir();
    // Three lines of 0.05 at 10 %: 0.005 each, 0.015 for the order.
    writeIn(dir, 'o.csv', priced(['T,1,0.05,EUR', 'T,1,0.05,EUR', 'T,1,0.05,EUR']));

    const byOrder = await invoicesOf(dir, 'o.csv', ['--tax-rate', '0.1']);
    const byOrderFlag = await invoicesOf(dir, 'o.csv', ['--tax-rate', '0.1', '--tax-rounding', 'order']);
    const byLine = await invoicesOf(dir, 'o.csv', ['--tax-rate', '0.1', '--tax-rounding', 'line']);

    expect(parseInvoices(byOrder.stdout)[0]).toMatchObject({ tax: '0.02', total: '0.17' });
    expect(byOrderFlag.stdout).toBe(byOrder.stdout);
    expect(parseInvoices(byLine.stdout)[0]).toMatchObject({ tax: '0.03', total: '0.18' });
  });

  test.each([
    // order, rounding, tax of T (0.015 or 3 x 0.005), of E (0.025), of F (0.035)
    ['order', 'half-up', '0.02', '0.03', '0.04'],
    ['order', 'half-even', '0.02', '0.02', '0.04'],
    ['line', 'half-up', '0.03', '0.03', '0.04'],
    ['line', 'half-even', '0.00', '0.02', '0.04'],
  ])('--tax-rounding %s --rounding %s', { timeout: TIMEOUT }, async (where, mode, t, e, f) => {
    const dir = tempDir();
    writeIn(dir, 'o.csv', priced([
      'T,1,0.05,EUR', 'T,1,0.05,EUR', 'T,1,0.05,EUR', 'E,1,0.25,EUR', 'F,1,0.35,EUR',
    ]));

    const result = await invoicesOf(dir, 'o.csv', [
      '--tax-rate', '0.1', '--tax-rounding', where, '--rounding', mode,
    ]);

    expect(result.code).toBe(0);
    expect(parseInvoices(result.stdout).map((row) => row.tax)).toEqual([t, e, f]);
  });

  test('half-up is the default and rounds half away from zero', { timeout: TIMEOUT }, async () => {
    const dir = tempDir();
    writeIn(dir, 'o.csv', priced(['E,1,0.25,EUR', 'J,1,5,JPY', 'J2,1,15,JPY']));

    const result = await invoicesOf(dir, 'o.csv', ['--tax-rate', '0.1']);

    expect(parseInvoices(result.stdout).map((row) => row.tax)).toEqual(['0.03', '1', '2']);
  });

  test('an order whose rows are scattered makes one invoice, at its first line', { timeout: TIMEOUT }, async () => {
    const dir = tempDir();
    writeIn(dir, 'o.csv', priced(['B,1,1.00,EUR', 'A,1,2.00,EUR', 'B,2,1.00,EUR', 'C,1,3.00,EUR', 'A,1,2.00,EUR']));

    const result = await invoicesOf(dir, 'o.csv');

    expect(parseInvoices(result.stdout).map((row) => [row.order_id, row.lines, row.subtotal])).toEqual([
      ['B', '2', '3.00'], ['A', '2', '4.00'], ['C', '1', '3.00'],
    ]);
  });

  test('rows without a currency take --currency (default USD)', { timeout: TIMEOUT }, async () => {
    const dir = tempDir();
    writeIn(dir, 'o.csv', csvLines('order_id,quantity,unit_price', 'A,2,150'));
    writeIn(dir, 'p.csv', priced(['A,2,150,']));

    const byDefault = await invoicesOf(dir, 'o.csv');
    const jpy = await invoicesOf(dir, 'o.csv', ['--currency', 'JPY']);
    const empty = await invoicesOf(dir, 'p.csv', ['--currency', 'JPY']);

    expect(parseInvoices(byDefault.stdout)[0]).toMatchObject({ currency: 'USD', subtotal: '300.00' });
    expect(parseInvoices(jpy.stdout)[0]).toMatchObject({ currency: 'JPY', subtotal: '300', tax: '60' });
    expect(parseInvoices(empty.stdout)[0]).toMatchObject({ currency: 'JPY', subtotal: '300' });
  });

  test('--tax-table: each region its rate, * for the rest', { timeout: TIMEOUT }, async () => {
    const dir = tempDir();
    copyFixture(dir, 'tax-table.csv');
    writeIn(dir, 'o.csv', csvLines(
      'order_id,quantity,unit_price,region',
      'A,1,100.00,DE', 'B,1,100.00,US-NY', 'C,1,100.00,BR', 'D,1,100.00,',
    ));

    const result = await invoicesOf(dir, 'o.csv', ['--tax-table', 'tax-table.csv']);

    expect(result.code).toBe(0);
    expect(parseInvoices(result.stdout).map((row) => [row.region, row.tax_rate, row.tax])).toEqual([
      ['DE', '0.19', '19.00'], ['US-NY', '0.08875', '8.88'], ['BR', '0', '0.00'], ['', '0', '0.00'],
    ]);
  });
});

describe('outputs', () => {
  test('--output-format jsonl: the same fields, amounts as strings', { timeout: TIMEOUT }, async () => {
    const dir = tempDir();
    writeIn(dir, 'orders.csv', csvLines(ORDER_HEADER, 'A-1,C-9,X,2,19.99,EUR,DE', 'J,C-1,Y,3,199,JPY,JP'));

    const result = await runCli(
      ['process', 'orders.csv', '--output-format', 'jsonl', '--tax-rate', '0.19', '-q'],
      { cwd: dir },
    );

    expect(result.code).toBe(0);
    const lines = readIn(dir, 'orders.invoices.jsonl').split('\n');
    expect(lines.pop()).toBe('');
    expect(lines.map((line) => JSON.parse(line))).toEqual([
      {
        order_id: 'A-1', customer_id: 'C-9', currency: 'EUR', region: 'DE', lines: 1, quantity: 2,
        subtotal: '39.98', tax_rate: '0.19', tax: '7.60', total: '47.58',
      },
      {
        order_id: 'J', customer_id: 'C-1', currency: 'JPY', region: 'JP', lines: 1, quantity: 3,
        subtotal: '597', tax_rate: '0.19', tax: '113', total: '710',
      },
    ]);
    expect(existsSync(join(dir, 'orders.invoices.csv'))).toBe(false);
    expect(JSON.parse(readIn(dir, 'orders.summary.json')).outputs.invoices).toBe('orders.invoices.jsonl');
  });

  test('-o - writes the invoices to standard output and no invoices file', { timeout: TIMEOUT }, async () => {
    const dir = tempDir();
    const input = copyFixture(dir, 'orders.csv');

    const result = await runCli(['process', input, '-o', '-'], { cwd: dir });

    expect(result.code).toBe(0);
    expect(result.stdout).toBe(ORDERS_INVOICES_AT_20);
    expect(existsSync(join(dir, 'orders.invoices.csv'))).toBe(false);
    expect(existsSync(join(dir, 'orders.rejects.csv'))).toBe(true);
    expect(existsSync(join(dir, 'orders.summary.json'))).toBe(true);
    expect(leftovers(dir)).toEqual([]);
  });

  test('--summary - writes the JSON summary to standard output', { timeout: TIMEOUT }, async () => {
    const dir = tempDir();
    const input = copyFixture(dir, 'orders.csv');

    const result = await runCli(['process', input, '--summary', '-', '-q'], { cwd: dir });

    expect(result.code).toBe(0);
    expect(JSON.parse(result.stdout)).toMatchObject({ rows: 40, invoices: 15, exit_code: 0 });
    expect(existsSync(join(dir, 'orders.summary.json'))).toBe(false);
    expect(readIn(dir, 'orders.invoices.csv')).toBe(ORDERS_INVOICES_AT_20);
  });

  test('-o, --rejects and --summary name the outputs', { timeout: TIMEOUT }, async () => {
    const dir = tempDir();
    mkdirSync(join(dir, 'out'));
    const input = copyFixture(dir, 'orders-with-rejects.csv');

    const result = await runCli(
      ['process', input, '-o', 'out/i.csv', '--rejects', 'out/r.csv', '--summary', 'out/s.json', '-q'],
      { cwd: dir },
    );

    expect(result.code).toBe(3);
    expect(readIn(dir, 'out/i.csv').startsWith(`${INVOICE_HEADER}\n`)).toBe(true);
    expect(readRejects(dir, 'out/r.csv').length).toBe(15);
    const summary = JSON.parse(readIn(dir, 'out/s.json'));
    expect(summary.outputs).toEqual({ invoices: 'out/i.csv', rejects: 'out/r.csv' });
    expect(existsSync(join(dir, 'orders-with-rejects.invoices.csv'))).toBe(false);
    expect(leftovers(join(dir, 'out'))).toEqual([]);
  });

  test('-q silences standard error', { timeout: TIMEOUT }, async () => {
    const dir = tempDir();
    const input = copyFixture(dir, 'orders.csv');

    const result = await runCli(['process', input, '-q'], { cwd: dir });

    expect(result.code).toBe(0);
    expect(result.stderr).toBe('');
  });

  test('a second run replaces the outputs of the first', { timeout: TIMEOUT }, async () => {
    const dir = tempDir();
    writeIn(dir, 'o.csv', priced(['A,1,1.00,EUR']));
    await runCli(['process', 'o.csv', '-q'], { cwd: dir });
    writeIn(dir, 'o.csv', priced(['B,1,2.00,EUR']));

    const result = await runCli(['process', 'o.csv', '-q'], { cwd: dir });

    expect(result.code).toBe(0);
    expect(parseInvoices(readIn(dir, 'o.invoices.csv')).map((row) => row.order_id)).toEqual(['B']);
  });
});

describe('inputs', () => {
  test('.csv.gz and .jsonl.gz are read decompressed', { timeout: TIMEOUT }, async () => {
    const dir = tempDir();
    writeIn(dir, 'orders.csv.gz', gzipSync(readFileSync(join(FIXTURES, 'orders.csv'))));
    writeIn(dir, 'orders.jsonl.gz', gzipSync(readFileSync(join(FIXTURES, 'orders.jsonl'))));

    const csv = await runCli(['process', 'orders.csv.gz', '-q'], { cwd: dir });
    const jsonl = await runCli([
      'process', 'orders.jsonl.gz', '-q', '-o', 'j.csv', '--rejects', 'j.rej.csv', '--summary', 'j.json',
    ], { cwd: dir });

    expect(csv.code).toBe(0);
    expect(readIn(dir, 'orders.invoices.csv')).toBe(ORDERS_INVOICES_AT_20);
    expect(JSON.parse(readIn(dir, 'orders.summary.json'))).toMatchObject({ format: 'csv', rows: 40 });
    expect(jsonl.code).toBe(0);
    expect(parseInvoices(readIn(dir, 'j.csv')).length).toBe(10);
    expect(leftovers(dir)).toEqual([]);
  });

  test.each(['csv', 'jsonl'])('standard input with --input-format %s', { timeout: TIMEOUT }, async (format) => {
    const dir = tempDir();
    const input = readFileSync(join(FIXTURES, `orders.${format}`));

    const result = await runCli(
      ['process', '-', '--input-format', format, '-o', '-', '--rejects', 'r.csv', '--summary', 's.json', '-q'],
      { cwd: dir, input },
    );

    expect(result.code).toBe(0);
    expect(parseInvoices(result.stdout).length).toBe(format === 'csv' ? 15 : 10);
    expect(JSON.parse(readIn(dir, 's.json'))).toMatchObject({ input: '-', format });
    expect(leftovers(dir)).toEqual([]);
  });

  test('--input-format overrides the file name', { timeout: TIMEOUT }, async () => {
    const dir = tempDir();
    copyFileSync(join(FIXTURES, 'orders.jsonl'), join(dir, 'orders.txt'));

    const result = await invoicesOf(dir, 'orders.txt', ['--input-format', 'jsonl']);

    expect(result.code).toBe(0);
    expect(parseInvoices(result.stdout).length).toBe(10);
  });

  test('.ndjson is JSON lines', { timeout: TIMEOUT }, async () => {
    const dir = tempDir();
    copyFileSync(join(FIXTURES, 'orders.jsonl'), join(dir, 'orders.ndjson'));

    const result = await runCli(['process', 'orders.ndjson', '-q'], { cwd: dir });

    expect(result.code).toBe(0);
    expect(parseInvoices(readIn(dir, 'orders.invoices.csv')).length).toBe(10);
  });

  test('a BOM and CRLF line ends: lines counted, records without CR', { timeout: TIMEOUT }, async () => {
    const dir = tempDir();
    writeIn(dir, 'o.csv', '\uFEFForder_id,quantity,unit_price\r\nA,1,1.00\r\nB,x,1.00\r\nA,2,1.00\r\n');

    const result = await invoicesOf(dir, 'o.csv');

    expect(result.code).toBe(3);
    expect(result.stdout).toBe(csvLines(INVOICE_HEADER, 'A,,USD,,2,3,3.00,0.2,0.60,3.60'));
    expect(result.rejects).toEqual([
      {
        line: 3, order_id: 'B', code: 'invalid_quantity',
        message: expect.any(String), record: 'B,x,1.00',
      },
    ]);
  });

  test('LF and CRLF mixed, no final line end, blank lines skipped', { timeout: TIMEOUT }, async () => {
    const dir = tempDir();
    writeIn(dir, 'o.csv', 'order_id,quantity,unit_price\n\nA,1,1.00\r\n\r\nB,0,1.00\nC,1,2.00');

    const result = await invoicesOf(dir, 'o.csv');

    expect(parseInvoices(result.stdout).map((row) => row.order_id)).toEqual(['A', 'C']);
    expect(codesByLine(result.rejects)).toEqual([[5, 'invalid_quantity']]);
    expect(JSON.parse(readIn(dir, 's.json'))).toMatchObject({ rows: 3, invoiced_rows: 2, rejected_rows: 1 });
  });

  test('a quoted field may hold line breaks; later lines keep their numbers', { timeout: TIMEOUT }, async () => {
    const dir = tempDir();
    const record = 'Q,"Gift set\nwith card\r\nand bow",1,bad';
    writeIn(dir, 'o.csv', csvLines(
      'order_id,sku,quantity,unit_price', 'P,"Mug\nlarge",1,2.50', record, 'R,plain,0,1.00',
    ));

    const result = await invoicesOf(dir, 'o.csv');

    expect(result.stdout).toBe(csvLines(INVOICE_HEADER, 'P,,USD,,1,1,2.50,0.2,0.50,3.00'));
    expect(codesByLine(result.rejects)).toEqual([[4, 'invalid_price'], [7, 'invalid_quantity']]);
    expect(result.rejects[0].record).toBe(record);
  });

  test('quoted fields hold delimiters and doubled quotes', { timeout: TIMEOUT }, async () => {
    const dir = tempDir();
    writeIn(dir, 'o.csv', csvLines(ORDER_HEADER, 'A,"Smith, ""Jo""",12" record,1,5.00,EUR,DE'));
    writeIn(dir, 'p.csv', csvLines(ORDER_HEADER, 'A,"Smith, ""Jo""","12"" record",1,5.00,EUR,DE'));

    const stray = await invoicesOf(dir, 'o.csv');
    const quoted = await invoicesOf(dir, 'p.csv');

    // A quote inside an unquoted field is not RFC 4180.
    expect(codesByLine(stray.rejects)).toEqual([[2, 'malformed_row']]);
    expect(quoted.code).toBe(0);
    expect(quoted.stdout).toBe(csvLines(INVOICE_HEADER, 'A,"Smith, ""Jo""",EUR,DE,1,1,5.00,0.2,1.00,6.00'));
  });

  test('header names are trimmed, case-insensitive, in any order; aliases; unknown ignored', { timeout: TIMEOUT }, async () => {
    const dir = tempDir();
    writeIn(dir, 'o.csv', csvLines(' Price ,Notes,REGION, ID ,Quantity,currency', '1.50,n,DE,A,2,EUR'));

    const result = await invoicesOf(dir, 'o.csv');

    expect(result.code).toBe(0);
    expect(result.stdout).toBe(csvLines(INVOICE_HEADER, 'A,,EUR,DE,1,2,3.00,0.2,0.60,3.60'));
  });

  test('field values are trimmed of spaces and tabs', { timeout: TIMEOUT }, async () => {
    const dir = tempDir();
    writeIn(dir, 'o.csv', csvLines(ORDER_HEADER, ' A ,\tC-1\t, x , 2 ,\t1.50 , EUR ,\tDE '));

    const result = await invoicesOf(dir, 'o.csv');

    expect(result.code).toBe(0);
    expect(result.stdout).toBe(csvLines(INVOICE_HEADER, 'A,C-1,EUR,DE,1,2,3.00,0.2,0.60,3.60'));
  });

  test.each([
    [';', 'order_id;customer_id;quantity;unit_price\nD-1;C,1;2;1.50\n'],
    ['\t', 'order_id\tcustomer_id\tquantity\tunit_price\nD-1\tC,1\t2\t1.50\n'],
    ['|', 'order_id|customer_id|quantity|unit_price\nD-1|C,1|2|1.50\n'],
  ])('--delimiter %j', { timeout: TIMEOUT }, async (delimiter, text) => {
    const dir = tempDir();
    writeIn(dir, 'o.csv', text);

    const result = await invoicesOf(dir, 'o.csv', ['--delimiter', delimiter]);

    expect(result.code).toBe(0);
    // The output stays comma separated, quoted where a comma stands.
    expect(result.stdout).toBe(csvLines(INVOICE_HEADER, 'D-1,"C,1",USD,,1,2,3.00,0.2,0.60,3.60'));
  });
});

describe('formula guard', () => {
  const FORMULAS = csvLines(
    'order_id,customer_id,quantity,unit_price,region',
    '=SUM(A1:A2),+C-1,1,1.00,@R',
    '-5,C-2,1,1.00,R',
    '@A,=cmd,1,bad,R',
  );

  test('text cells starting with = + - @ get a leading quote', { timeout: TIMEOUT }, async () => {
    const dir = tempDir();
    writeIn(dir, 'o.csv', FORMULAS);

    const result = await invoicesOf(dir, 'o.csv');

    expect(result.code).toBe(3);
    expect(result.stdout).toBe(csvLines(
      INVOICE_HEADER,
      "'=SUM(A1:A2),'+C-1,USD,'@R,1,1,1.00,0.2,0.20,1.20",
      "'-5,C-2,USD,R,1,1,1.00,0.2,0.20,1.20",
    ));
    const raw = readIn(dir, 'r.csv').split('\n')[1];
    expect(raw.startsWith("4,'@A,invalid_price,")).toBe(true);
  });

  test('--no-formula-guard leaves them as they are', { timeout: TIMEOUT }, async () => {
    const dir = tempDir();
    writeIn(dir, 'o.csv', FORMULAS);

    const result = await invoicesOf(dir, 'o.csv', ['--no-formula-guard']);

    expect(result.stdout).toBe(csvLines(
      INVOICE_HEADER,
      '=SUM(A1:A2),+C-1,USD,@R,1,1,1.00,0.2,0.20,1.20',
      '-5,C-2,USD,R,1,1,1.00,0.2,0.20,1.20',
    ));
    expect(result.rejects[0]).toMatchObject({ line: 4, order_id: '@A', record: '@A,=cmd,1,bad,R' });
  });
});

// What a run writes: invoices as CSV or JSON lines, on disk or standard
// output, their paths, and the formula guard of CSV cells.
import { existsSync, mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, test, vi } from 'vitest';
import {
  INVOICE_HEADER,
  ORDER_HEADER,
  csvLines,
  leftovers,
  parseInvoices,
  readIn,
  readRejects,
  runCli,
  startCli,
  tempDir,
  writeIn,
} from './helpers.js';
import {
  ORDERS_CSV_INVOICES,
  copyFixture,
  invoicesOf,
  priced,
} from './runs.js';

vi.setConfig({ testTimeout: 60_000, hookTimeout: 120_000 });

describe('outputs', () => {
  test('--output-format jsonl: the same fields, amounts as strings', async () => {
    const dir = tempDir();
    writeIn(
      dir,
      'orders.csv',
      csvLines(
        ORDER_HEADER,
        'A-1,C-9,X,2,19.99,EUR,DE',
        'J,C-1,Y,3,199,JPY,JP',
      ),
    );

    const result = await runCli(
      [
        'process',
        'orders.csv',
        '--output-format',
        'jsonl',
        '--tax-rate',
        '0.19',
        '-q',
      ],
      { cwd: dir },
    );

    expect(result.code).toBe(0);
    const lines = readIn(dir, 'orders.invoices.jsonl').split('\n');
    expect(lines.pop()).toBe('');
    expect(lines.map((line) => JSON.parse(line))).toEqual([
      {
        order_id: 'A-1',
        customer_id: 'C-9',
        currency: 'EUR',
        region: 'DE',
        lines: 1,
        quantity: 2,
        subtotal: '39.98',
        tax_rate: '0.19',
        tax: '7.60',
        total: '47.58',
      },
      {
        order_id: 'J',
        customer_id: 'C-1',
        currency: 'JPY',
        region: 'JP',
        lines: 1,
        quantity: 3,
        subtotal: '597',
        tax_rate: '0.19',
        tax: '113',
        total: '710',
      },
    ]);
    expect(existsSync(join(dir, 'orders.invoices.csv'))).toBe(false);
    expect(
      JSON.parse(readIn(dir, 'orders.summary.json')).outputs.invoices,
    ).toBe('orders.invoices.jsonl');
  });

  test('-o - writes the invoices to standard output and no invoices file', async () => {
    const dir = tempDir();
    const input = copyFixture(dir, 'orders.csv');

    const result = await runCli(['process', input, '-o', '-'], { cwd: dir });

    expect(result.code).toBe(0);
    expect(result.stdout).toBe(ORDERS_CSV_INVOICES);
    expect(existsSync(join(dir, 'orders.invoices.csv'))).toBe(false);
    expect(existsSync(join(dir, 'orders.rejects.csv'))).toBe(true);
    expect(existsSync(join(dir, 'orders.summary.json'))).toBe(true);
    expect(leftovers(dir)).toEqual([]);
  });

  test('--summary - writes the JSON summary to standard output', async () => {
    const dir = tempDir();
    const input = copyFixture(dir, 'orders.csv');

    const result = await runCli(['process', input, '--summary', '-', '-q'], {
      cwd: dir,
    });

    expect(result.code).toBe(0);
    expect(JSON.parse(result.stdout)).toMatchObject({
      rows: 40,
      invoices: 15,
      exit_code: 0,
    });
    expect(existsSync(join(dir, 'orders.summary.json'))).toBe(false);
    expect(readIn(dir, 'orders.invoices.csv')).toBe(ORDERS_CSV_INVOICES);
  });

  test('-o, --rejects and --summary name the outputs', async () => {
    const dir = tempDir();
    mkdirSync(join(dir, 'out'));
    const input = copyFixture(dir, 'orders-with-rejects.csv');

    const result = await runCli(
      [
        'process',
        input,
        '-o',
        'out/i.csv',
        '--rejects',
        'out/r.csv',
        '--summary',
        'out/s.json',
        '-q',
      ],
      { cwd: dir },
    );

    expect(result.code).toBe(3);
    expect(readIn(dir, 'out/i.csv').startsWith(`${INVOICE_HEADER}\n`)).toBe(
      true,
    );
    expect(readRejects(dir, 'out/r.csv').length).toBe(15);
    const summary = JSON.parse(readIn(dir, 'out/s.json'));
    expect(summary.outputs).toEqual({
      invoices: 'out/i.csv',
      rejects: 'out/r.csv',
    });
    expect(existsSync(join(dir, 'orders-with-rejects.invoices.csv'))).toBe(
      false,
    );
    expect(leftovers(join(dir, 'out'))).toEqual([]);
  });

  test('-q silences standard error', async () => {
    const dir = tempDir();
    const input = copyFixture(dir, 'orders.csv');

    const result = await runCli(['process', input, '-q'], { cwd: dir });

    expect(result.code).toBe(0);
    expect(result.stderr).toBe('');
  });

  test('a second run replaces the outputs of the first', async () => {
    const dir = tempDir();
    writeIn(dir, 'o.csv', priced(['A,1,1.00,EUR']));
    await runCli(['process', 'o.csv', '-q'], { cwd: dir });
    writeIn(dir, 'o.csv', priced(['B,1,2.00,EUR']));

    const result = await runCli(['process', 'o.csv', '-q'], { cwd: dir });

    expect(result.code).toBe(0);
    expect(
      parseInvoices(readIn(dir, 'o.invoices.csv')).map((row) => row.order_id),
    ).toEqual(['B']);
  });
});

test('standard error closed early: the run still ends with its own code', async () => {
  const dir = tempDir();
  copyFixture(dir, 'orders.csv');

  // As `order-batch process orders.csv 2>&1 | head -0` would.
  const { child, result } = startCli(['process', 'orders.csv'], { cwd: dir });
  child.stderr?.destroy();
  child.stdin?.end();
  const { code } = await result;

  expect(code).toBe(0);
  expect(readIn(dir, 'orders.invoices.csv')).toBe(ORDERS_CSV_INVOICES);
  expect(leftovers(dir)).toEqual([]);
});

describe('formula guard', () => {
  const FORMULAS = csvLines(
    'order_id,customer_id,quantity,unit_price,region',
    '=SUM(A1:A2),+C-1,1,1.00,@R',
    '-5,C-2,1,1.00,R',
    '@A,=cmd,1,bad,R',
  );

  test('text cells starting with = + - @ get a leading quote', async () => {
    const dir = tempDir();
    writeIn(dir, 'o.csv', FORMULAS);

    const result = await invoicesOf(dir, 'o.csv');

    expect(result.code).toBe(3);
    expect(result.stdout).toBe(
      csvLines(
        INVOICE_HEADER,
        "'=SUM(A1:A2),'+C-1,USD,'@R,1,1,1.00,0.2,0.20,1.20",
        "'-5,C-2,USD,R,1,1,1.00,0.2,0.20,1.20",
      ),
    );
    const raw = readIn(dir, 'r.csv').split('\n')[1];
    expect(raw.startsWith("4,'@A,invalid_price,")).toBe(true);
  });

  test('--no-formula-guard leaves them as they are', async () => {
    const dir = tempDir();
    writeIn(dir, 'o.csv', FORMULAS);

    const result = await invoicesOf(dir, 'o.csv', ['--no-formula-guard']);

    expect(result.stdout).toBe(
      csvLines(
        INVOICE_HEADER,
        '=SUM(A1:A2),+C-1,USD,@R,1,1,1.00,0.2,0.20,1.20',
        '-5,C-2,USD,R,1,1,1.00,0.2,0.20,1.20',
      ),
    );
    expect(result.rejects[0]).toMatchObject({
      line: 4,
      order_id: '@A',
      record: '@A,=cmd,1,bad,R',
    });
  });
});

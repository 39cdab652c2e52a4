// Every CSV reject code of the contract, each asserted by code and by the
// 1-based line where its record starts (the header is line 1), and the
// rejects file itself: input order, original record text.
import { join } from 'node:path';
import { describe, expect, test, vi } from 'vitest';
import {
  codesByLine,
  csvLines,
  parseInvoices,
  readIn,
  readRejects,
  runCli,
  tempDir,
  writeIn,
} from './helpers.js';
import { expectBalanced, processText } from './runs.js';

vi.setConfig({ testTimeout: 60_000, hookTimeout: 120_000 });

const HEADER = 'order_id,customer_id,quantity,unit_price,currency,region';

describe('CSV reject codes', () => {
  test('malformed_row: wrong field count or a stray quote', async () => {
    const out = await processText(
      'o.csv',
      csvLines(
        HEADER,
        'A,C-1,1,1.00,EUR,DE',
        'B,C-2,1,1.00,EUR,DE,gift-wrap',
        'A,C-1,2,1.00,EUR,DE',
        'C,C-3,1',
        'B,C-2,1,2.00,EUR,DE',
        ',C-4,1,1.00,EUR,DE,extra',
        'D,C-5,1,1"0,EUR,DE',
        'E,"C-6"x,1,1.00,EUR,DE',
      ),
    );

    expect(out.code).toBe(3);
    expect(out.invoiced).toEqual(['A']);
    expect(codesByLine(out.rejects)).toEqual([
      [3, 'malformed_row'],
      [5, 'malformed_row'],
      [6, 'order_rejected'],
      [7, 'malformed_row'],
      [8, 'malformed_row'],
      [9, 'malformed_row'],
    ]);
    expect(out.rejects.map((row) => row.order_id)).toEqual([
      'B',
      'C',
      'B',
      '',
      'D',
      'E',
    ]);
    expect(out.summary).toMatchObject({
      rows: 8,
      invoiced_rows: 2,
      rejected_rows: 6,
      invoices: 1,
    });
    expectBalanced(out.summary);
  });

  test('invalid_encoding: a record that is not UTF-8', async () => {
    const content = Buffer.concat([
      Buffer.from(csvLines(HEADER, 'A,C-1,1,1.00,EUR,DE')),
      Buffer.from('B,Cr\xe8me,1,1.00,EUR,DE\n', 'latin1'),
      Buffer.from(
        csvLines('B,C-2,1,1.00,EUR,DE', 'C,Cr\u00e8me,1,1.00,EUR,DE'),
      ),
      // Wrong field count comes first.
      Buffer.from('D,Cr\xe8me,1,1.00,EUR\n', 'latin1'),
    ]);

    const out = await processText('o.csv', content);

    expect(out.invoiced).toEqual(['A', 'C']);
    expect(codesByLine(out.rejects)).toEqual([
      [3, 'invalid_encoding'],
      [4, 'order_rejected'],
      [6, 'malformed_row'],
    ]);
    expect(out.rejects[0].order_id).toBe('B');
  });

  test('missing_field: order_id, quantity or unit_price empty', async () => {
    const out = await processText(
      'o.csv',
      csvLines(
        HEADER,
        ',C-1,1,1.00,EUR,DE',
        'A,C-1,,1.00,EUR,DE',
        'B,C-2,1,,EUR,DE',
        'C,C-3,  ,1.00,EUR,DE',
        // Before invalid_currency and invalid_quantity.
        'D,C-4,,1.00,EURO,DE',
        'E,C-5,0,,EUR,DE',
        '  ,C-6,x,y,EURO,DE',
        'F,C-7,1,1.00,EUR,DE',
      ),
    );

    expect(out.invoiced).toEqual(['F']);
    expect(codesByLine(out.rejects)).toEqual([
      [2, 'missing_field'],
      [3, 'missing_field'],
      [4, 'missing_field'],
      [5, 'missing_field'],
      [6, 'missing_field'],
      [7, 'missing_field'],
      [8, 'missing_field'],
    ]);
    expect(out.rejects[0].order_id).toBe('');
    expect(out.rejects[1].order_id).toBe('A');
  });

  test('invalid_quantity: not a whole number from 1 to 1,000,000,000', async () => {
    const out = await processText(
      'o.csv',
      csvLines(
        HEADER,
        'A,C,0,1.00,EUR,DE',
        'B,C,-1,1.00,EUR,DE',
        'C,C,1.5,1.00,EUR,DE',
        'D,C,1e3,1.00,EUR,DE',
        'E,C,1000000001,1.00,EUR,DE',
        'F,C,abc,1.00,EUR,DE',
        'G,C,+1,1.00,EUR,DE',
        'H,C,0,1.00,EURO,DE',
        'I,C,1000000000,1.00,EUR,DE',
      ),
    );

    expect(out.invoiced).toEqual(['I']);
    expect(codesByLine(out.rejects)).toEqual(
      [2, 3, 4, 5, 6, 7, 8, 9].map((line) => [line, 'invalid_quantity']),
    );
  });

  test('invalid_currency: not an upper-case ISO 4217 code', async () => {
    const out = await processText(
      'o.csv',
      csvLines(
        HEADER,
        'A,C,1,1.00,EURO,DE',
        'B,C,1,1.00,eur,DE',
        'C,C,1,1.00,ABC,DE',
        'D,C,1,1.00,\u20ac,DE',
        // Before invalid_price.
        'E,C,1,abc,XYZ1,DE',
        'F,C,1,1.00,CHF,DE',
      ),
    );

    expect(out.invoiced).toEqual(['F']);
    expect(codesByLine(out.rejects)).toEqual(
      [2, 3, 4, 5, 6].map((line) => [line, 'invalid_currency']),
    );
  });

  test('invalid_price: not a plain decimal, or finer than the currency', async () => {
    const out = await processText(
      'o.csv',
      csvLines(
        HEADER,
        'A,C,1,1.999,EUR,DE',
        'B,C,1,-1.00,EUR,DE',
        'C,C,1,1e3,EUR,DE',
        'D,C,1,$5,USD,US',
        'E,C,1,"1,000.00",EUR,DE',
        'F,C,1,12.5,JPY,JP',
        'G,C,1,0.0001,KWD,KW',
        'H,C,1,abc,EUR,DE',
        'I,C,1,19.990,USD,US',
        'J,C,1,1200.000,JPY,JP',
        'K,C,1,0.125,KWD,KW',
      ),
    );

    expect(out.invoiced).toEqual(['I', 'J', 'K']);
    expect(codesByLine(out.rejects)).toEqual(
      [2, 3, 4, 5, 6, 7, 8, 9].map((line) => [line, 'invalid_price']),
    );
  });

  test('unknown_region: a region missing from a tax table without a * row', async () => {
    const dir = tempDir();
    writeIn(dir, 'rates.csv', csvLines('region,rate', 'DE,0.19', 'FR,0.2'));
    writeIn(
      dir,
      'o.csv',
      csvLines(
        HEADER,
        'A,C,1,1.00,EUR,DE',
        'B,C,1,1.00,EUR,BR',
        'B,C,1,1.00,EUR,BR',
        'C,C,1,1.00,EUR,FR',
        // invalid_price comes first.
        'D,C,1,1.001,EUR,XX',
      ),
    );

    const result = await runCli(
      [
        'process',
        'o.csv',
        '--tax-table',
        'rates.csv',
        '-o',
        'i.csv',
        '--rejects',
        'r.csv',
        '-q',
      ],
      { cwd: dir },
    );

    expect(result.code).toBe(3);
    expect(
      parseInvoices(readIn(dir, 'i.csv')).map((row) => row.order_id),
    ).toEqual(['A', 'C']);
    expect(codesByLine(readRejects(dir, 'r.csv'))).toEqual([
      [3, 'unknown_region'],
      [4, 'unknown_region'],
      [6, 'invalid_price'],
    ]);
  });

  test('a tax table with a * row knows every region', async () => {
    const dir = tempDir();
    writeIn(dir, 'rates.csv', csvLines('region,rate', 'DE,0.19', '*,0.05'));
    writeIn(dir, 'o.csv', csvLines(HEADER, 'B,C,1,100.00,EUR,BR'));

    const result = await runCli(
      ['process', 'o.csv', '--tax-table', 'rates.csv', '-o', '-', '-q'],
      { cwd: dir },
    );

    expect(result.code).toBe(0);
    expect(parseInvoices(result.stdout)[0]).toMatchObject({
      tax_rate: '0.05',
      tax: '5.00',
    });
  });

  test('mixed_order: customer_id, currency or region disagree', async () => {
    const out = await processText(
      'o.csv',
      csvLines(
        HEADER,
        'A,C-1,1,1.00,EUR,DE',
        'A,C-2,1,1.00,EUR,DE',
        'B,C-1,1,1.00,EUR,DE',
        'B,C-1,1,1.00,USD,DE',
        'C,C-1,1,1.00,EUR,DE',
        'OK,C-9,1,1.00,EUR,DE',
        'C,C-1,1,1.00,EUR,FR',
        'C,C-1,1,1.00,EUR,DE',
        // A bad line keeps its own code; the others are mixed_order.
        'D,C-1,1,1.00,EUR,DE',
        'D,C-1,0,1.00,EUR,DE',
        'D,C-1,1,1.00,JPY,DE',
      ),
    );

    expect(out.invoiced).toEqual(['OK']);
    expect(codesByLine(out.rejects)).toEqual([
      [2, 'mixed_order'],
      [3, 'mixed_order'],
      [4, 'mixed_order'],
      [5, 'mixed_order'],
      [6, 'mixed_order'],
      [8, 'mixed_order'],
      [9, 'mixed_order'],
      [10, 'mixed_order'],
      [11, 'invalid_quantity'],
      [12, 'mixed_order'],
    ]);
  });

  test('amount_out_of_range: a total past 2^53 - 1 minor units, every line', async () => {
    // 6361 x 14160036558.31 USD is 2^53 - 1 cents exactly.
    const max = 'M,C,6361,14160036558.31,USD,US';
    const content = csvLines(
      HEADER,
      max,
      'N,C,6361,14160036558.31,USD,US',
      'N,C,1,0.01,USD,US',
      'G,C,1000000000,9999999.99,USD,US',
      'G,C,1,1.00,USD,US',
    );

    const atZero = await processText('o.csv', content, ['--tax-rate', '0']);
    const atTwenty = await processText('o.csv', content);

    expect(atZero.invoiced).toEqual(['M']);
    expect(codesByLine(atZero.rejects)).toEqual([
      [3, 'amount_out_of_range'],
      [4, 'amount_out_of_range'],
      [5, 'amount_out_of_range'],
      [6, 'amount_out_of_range'],
    ]);
    // The subtotal fits, the total with tax does not.
    expect(atTwenty.invoiced).toEqual([]);
    expect(codesByLine(atTwenty.rejects)[0]).toEqual([
      2,
      'amount_out_of_range',
    ]);
  });

  test('totals in the summary stay exact past 2^53 minor units', async () => {
    const out = await processText(
      'o.csv',
      csvLines(
        HEADER,
        'M,C,6361,14160036558.31,USD,US',
        'N,C,6361,14160036558.31,USD,US',
      ),
      ['--tax-rate', '0'],
    );

    expect(out.invoiced).toEqual(['M', 'N']);
    expect(out.summary.totals).toEqual([
      {
        currency: 'USD',
        subtotal: '180143985094819.82',
        tax: '0.00',
        total: '180143985094819.82',
      },
    ]);
  });

  test('order_rejected: the valid lines of an order with a bad line', async () => {
    const out = await processText(
      'o.csv',
      csvLines(
        HEADER,
        'A,C,1,1.00,EUR,DE',
        'B,C,1,1.00,EUR,DE',
        'A,C,1,1.00,EUR,DE',
        'B,C,1,1.00,EUR,DE',
        'A,C,x,1.00,EUR,DE',
        'A,C,1,1.00,EUR,DE',
      ),
    );

    expect(out.invoiced).toEqual(['B']);
    expect(codesByLine(out.rejects)).toEqual([
      [2, 'order_rejected'],
      [4, 'order_rejected'],
      [6, 'invalid_quantity'],
      [7, 'order_rejected'],
    ]);
    expect(out.summary).toMatchObject({
      rows: 6,
      invoiced_rows: 2,
      rejected_rows: 4,
      invoices: 1,
      rejected_orders: 1,
    });
  });
});

describe('the rejects file', () => {
  test('rejects come in input order, each record its original text', async () => {
    const records = [
      'Z,C,x,1.00,EUR,DE',
      'A,C,1,1.00,EUR,DE',
      'B,"C, ""quoted""",1,1.00,EUR,DE',
      'A,C,1,1.00,EURO,DE',
      'B,"C, ""quoted""",1,abc,EUR,DE',
      '  Y ,\tC\t,1,1.00,EUR,DE,extra',
    ];
    const out = await processText(
      'o.csv',
      `${HEADER}\r\n${records.join('\r\n')}\r\n`,
    );

    expect(codesByLine(out.rejects)).toEqual([
      [2, 'invalid_quantity'],
      [3, 'order_rejected'],
      [4, 'order_rejected'],
      [5, 'invalid_currency'],
      [6, 'invalid_price'],
      [7, 'malformed_row'],
    ]);
    expect(out.rejects.map((row) => row.record)).toEqual(records);
    expect(out.rejects.map((row) => row.order_id)).toEqual([
      'Z',
      'A',
      'B',
      'A',
      'B',
      'Y',
    ]);
    for (const row of out.rejects) expect(row.message).not.toBe('');
  });

  test('a record is on the line where it starts, quoted breaks counted', async () => {
    const out = await processText(
      'o.csv',
      csvLines(
        'order_id,sku,quantity,unit_price',
        'A,"two\nlines",x,1.00',
        'B,"three\r\nlines\nhere",1,1.00,extra',
        'C,plain,0,1.00',
      ),
    );

    expect(codesByLine(out.rejects)).toEqual([
      [2, 'invalid_quantity'],
      [4, 'malformed_row'],
      [7, 'invalid_quantity'],
    ]);
    expect(out.rejects[1].record).toBe('B,"three\r\nlines\nhere",1,1.00,extra');
  });
});

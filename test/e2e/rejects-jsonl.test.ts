// Every JSON lines reject code of the contract, each asserted by code and
// by the 1-based line of its record.
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
import { processText } from './runs.js';

vi.setConfig({ testTimeout: 60_000, hookTimeout: 120_000 });

describe('JSON lines reject codes', () => {
  const order = (id: string, extra: Record<string, unknown> = {}) =>
    JSON.stringify({
      id,
      items: [{ sku: 'X', price: '1.00', quantity: 1 }],
      ...extra,
    });

  test('record_too_long: a line longer than --max-record-size', async () => {
    const exactly100 = JSON.stringify({
      id: 'B',
      note: '',
      items: [{ price: '1.00', quantity: 1 }],
    });
    const fits = exactly100.replace(
      '"note":""',
      `"note":"${'n'.repeat(100 - exactly100.length)}"`,
    );
    const long = order('C', { note: 'x'.repeat(150) });
    expect(fits.length).toBe(100);

    const out = await processText(
      'o.jsonl',
      [order('A'), fits, long, order('D')].map((line) => `${line}\n`).join(''),
      ['--max-record-size', '100'],
    );

    expect(out.invoiced).toEqual(['A', 'B', 'D']);
    expect(codesByLine(out.rejects)).toEqual([[3, 'record_too_long']]);
  });

  // The line is skipped in pieces read into one reused buffer; a character
  // cut between two pieces must still be seen whole. (A 6-byte pattern, so
  // that pieces of 64 KiB end at every place in a character.)
  test.each([['1m'], ['64k']])(
    'record_too_long, not invalid_encoding: 3 MB of é東x (--chunk-size %s)',
    async (chunkSize) => {
      const long = order('B', { note: 'é東x'.repeat(500_001) });
      const out = await processText(
        'o.jsonl',
        [order('A'), long, order('C')].map((line) => `${line}\n`).join(''),
        ['--chunk-size', chunkSize],
      );

      expect(out.invoiced).toEqual(['A', 'C']);
      expect(codesByLine(out.rejects)).toEqual([[2, 'record_too_long']]);
    },
  );

  test('malformed_json: a line that is not one JSON object', async () => {
    const out = await processText(
      'o.jsonl',
      [
        order('A'),
        '{"id": "B", "items": [',
        '[1, 2, 3]',
        '"just a string"',
        'null',
        `${order('C')}${order('D')}`,
        'not json at all',
        order('E'),
      ]
        .map((line) => `${line}\n`)
        .join(''),
    );

    expect(out.invoiced).toEqual(['A', 'E']);
    expect(codesByLine(out.rejects)).toEqual(
      [2, 3, 4, 5, 6, 7].map((line) => [line, 'malformed_json']),
    );
  });

  test('invalid_order: no non-empty id, or no non-empty items array', async () => {
    const out = await processText(
      'o.jsonl',
      [
        JSON.stringify({ items: [{ price: '1.00', quantity: 1 }] }),
        JSON.stringify({ id: '', items: [{ price: '1.00', quantity: 1 }] }),
        JSON.stringify({ id: '  ', items: [{ price: '1.00', quantity: 1 }] }),
        JSON.stringify({ id: 'B' }),
        JSON.stringify({ id: 'C', items: [] }),
        JSON.stringify({ id: 'D', items: 'none' }),
        order('E'),
      ]
        .map((line) => `${line}\n`)
        .join(''),
    );

    expect(out.invoiced).toEqual(['E']);
    expect(codesByLine(out.rejects)).toEqual(
      [1, 2, 3, 4, 5, 6].map((line) => [line, 'invalid_order']),
    );
  });

  test('duplicate_order: every line of an id that stands on several lines', async () => {
    const out = await processText(
      'o.jsonl',
      [
        order('A'),
        order('B'),
        order('C'),
        order('B'),
        JSON.stringify({ order_id: 'C', items: [{ price: '1.00' }] }),
        order('B'),
      ]
        .map((line) => `${line}\n`)
        .join(''),
    );

    expect(out.invoiced).toEqual(['A']);
    expect(codesByLine(out.rejects)).toEqual([
      [2, 'duplicate_order'],
      [3, 'duplicate_order'],
      [4, 'duplicate_order'],
      [5, 'duplicate_order'],
      [6, 'duplicate_order'],
    ]);
    expect(out.summary).toMatchObject({
      rows: 6,
      invoiced_rows: 1,
      rejected_rows: 5,
    });
  });

  test("a bad item: one rejected record, with the item's code", async () => {
    const items = (...list: Array<Record<string, unknown>>) => list;
    const good = { price: '1.00', quantity: 1 };
    const dir = tempDir();
    writeIn(dir, 'rates.csv', csvLines('region,rate', 'DE,0.19'));
    const lines = [
      JSON.stringify({
        id: 'A',
        region: 'DE',
        items: items(good, { price: '1.00' }),
      }),
      JSON.stringify({
        id: 'B',
        region: 'DE',
        items: items(good, { price: '', quantity: 1 }),
      }),
      JSON.stringify({
        id: 'C',
        region: 'DE',
        items: items({ price: '1.00', quantity: 0 }),
      }),
      JSON.stringify({
        id: 'D',
        region: 'DE',
        items: items({ price: '1.00', quantity: 2.5 }),
      }),
      JSON.stringify({
        id: 'E',
        region: 'DE',
        currency: 'EURO',
        items: items(good),
      }),
      JSON.stringify({
        id: 'F',
        region: 'DE',
        items: items({ price: '1.001', quantity: 1 }),
      }),
      JSON.stringify({
        id: 'G',
        region: 'DE',
        currency: 'JPY',
        items: items({ price: 12.5, quantity: 1 }),
      }),
      JSON.stringify({ id: 'H', region: 'BR', items: items(good) }),
      JSON.stringify({
        id: 'I',
        region: 'DE',
        items: items({ price: '9999999.99', quantity: 1000000000 }),
      }),
      // The first code in the contract's order wins: missing_field before invalid_price.
      JSON.stringify({
        id: 'J',
        region: 'DE',
        items: items({ price: 'x', quantity: 1 }, { quantity: 1 }),
      }),
      JSON.stringify({
        id: 'K',
        region: 'DE',
        currency: 'JPY',
        items: items({ price: 1200, quantity: '3' }),
      }),
    ];
    writeIn(dir, 'o.jsonl', lines.map((line) => `${line}\n`).join(''));

    const result = await runCli(
      [
        'process',
        'o.jsonl',
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
    ).toEqual(['K']);
    const rejects = readRejects(dir, 'r.csv');
    expect(codesByLine(rejects)).toEqual([
      [1, 'missing_field'],
      [2, 'missing_field'],
      [3, 'invalid_quantity'],
      [4, 'invalid_quantity'],
      [5, 'invalid_currency'],
      [6, 'invalid_price'],
      [7, 'invalid_price'],
      [8, 'unknown_region'],
      [9, 'amount_out_of_range'],
      [10, 'missing_field'],
    ]);
    expect(rejects.map((row) => row.order_id)).toEqual([
      'A',
      'B',
      'C',
      'D',
      'E',
      'F',
      'G',
      'H',
      'I',
      'J',
    ]);
  });

  test('invalid_encoding: a JSON line that is not UTF-8', async () => {
    const out = await processText(
      'o.jsonl',
      Buffer.concat([
        Buffer.from(`${order('A')}\n`),
        Buffer.from(
          '{"id":"B","items":[{"sku":"Cr\xe8me","price":"1.00","quantity":1}]}\n',
          'latin1',
        ),
        Buffer.from(`${order('C', { customer_id: 'Cr\u00e8me' })}\n`),
      ]),
    );

    expect(out.invoiced).toEqual(['A', 'C']);
    expect(codesByLine(out.rejects)).toEqual([[2, 'invalid_encoding']]);
  });

  test('blank lines before the first order are skipped too', async () => {
    const out = await processText('o.jsonl', `\n\r\n\n${order('A')}\n`);

    expect(out.invoiced).toEqual(['A']);
    expect(out.summary).toMatchObject({ rows: 1, invoiced_rows: 1 });
  });

  test('blank lines are skipped but keep the line numbers physical', async () => {
    const out = await processText(
      'o.jsonl',
      `${order('A')}\n\n\r\n${order('')}\n`,
    );

    expect(codesByLine(out.rejects)).toEqual([[4, 'invalid_order']]);
    expect(out.summary).toMatchObject({
      rows: 2,
      invoiced_rows: 1,
      rejected_rows: 1,
    });
  });
});

// Every way an input may arrive: compressed, on standard input, with a
// BOM, CRLF, quoted line breaks, other delimiters, and any header order.
import { execFileSync, spawn } from 'node:child_process';
import { copyFileSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { describe, expect, test, vi } from 'vitest';
import {
  FIXTURES,
  INVOICE_HEADER,
  ORDER_HEADER,
  codesByLine,
  csvLines,
  leftovers,
  parseInvoices,
  readIn,
  runCli,
  tempDir,
  writeIn,
} from './helpers.js';
import { ORDERS_CSV_INVOICES, invoicesOf } from './runs.js';

vi.setConfig({ testTimeout: 60_000, hookTimeout: 120_000 });

describe('inputs', () => {
  test('.csv.gz and .jsonl.gz are read decompressed', async () => {
    const dir = tempDir();
    writeIn(
      dir,
      'orders.csv.gz',
      gzipSync(readFileSync(join(FIXTURES, 'orders.csv'))),
    );
    writeIn(
      dir,
      'orders.jsonl.gz',
      gzipSync(readFileSync(join(FIXTURES, 'orders.jsonl'))),
    );

    const csv = await runCli(['process', 'orders.csv.gz', '-q'], {
      cwd: dir,
    });
    const jsonl = await runCli(
      [
        'process',
        'orders.jsonl.gz',
        '-q',
        '-o',
        'j.csv',
        '--rejects',
        'j.rej.csv',
        '--summary',
        'j.json',
      ],
      { cwd: dir },
    );

    expect(csv.code).toBe(0);
    expect(readIn(dir, 'orders.invoices.csv')).toBe(ORDERS_CSV_INVOICES);
    expect(JSON.parse(readIn(dir, 'orders.summary.json'))).toMatchObject({
      format: 'csv',
      rows: 40,
    });
    expect(jsonl.code).toBe(0);
    expect(parseInvoices(readIn(dir, 'j.csv')).length).toBe(10);
    expect(leftovers(dir)).toEqual([]);
  });

  test.each(['csv', 'jsonl'])(
    'standard input with --input-format %s',
    async (format) => {
      const dir = tempDir();
      const input = readFileSync(join(FIXTURES, `orders.${format}`));

      const result = await runCli(
        [
          'process',
          '-',
          '--input-format',
          format,
          '-o',
          '-',
          '--rejects',
          'r.csv',
          '--summary',
          's.json',
          '-q',
        ],
        { cwd: dir, input },
      );

      expect(result.code).toBe(0);
      expect(parseInvoices(result.stdout).length).toBe(
        format === 'csv' ? 15 : 10,
      );
      expect(JSON.parse(readIn(dir, 's.json'))).toMatchObject({
        input: '-',
        format,
      });
      expect(leftovers(dir)).toEqual([]);
    },
  );

  test('gzip on standard input is found by its first bytes and read decompressed', async () => {
    const dir = tempDir();
    const gzipped = gzipSync(readFileSync(join(FIXTURES, 'orders.csv')));
    const args = ['process', '-', '--input-format', 'csv', '-o', '-'];
    const quiet = ['--rejects', 'r.csv', '--summary', 's.json', '-q'];

    const result = await runCli([...args, ...quiet], {
      cwd: dir,
      input: gzipped,
    });
    const cut = await runCli([...args, ...quiet], {
      cwd: dir,
      input: gzipped.subarray(0, gzipped.length - 10),
    });

    expect(result.code).toBe(0);
    expect(result.stdout).toBe(ORDERS_CSV_INVOICES);
    expect(JSON.parse(readIn(dir, 's.json'))).toMatchObject({
      bytes: gzipped.length,
      rows: 40,
    });
    expect(cut.code).toBe(65);
    expect(cut.stderr).toContain('not valid gzip');
    expect(leftovers(dir)).toEqual([]);
  });

  test('a named pipe is read as standard input is', async () => {
    const dir = tempDir();
    execFileSync('mkfifo', [join(dir, 'pipe.csv')]);
    const input = readFileSync(join(FIXTURES, 'orders.csv'));
    // The pipe is written from another process, as a shell's <(...) would.
    const writer = spawn('sh', ['-c', 'cat > pipe.csv'], { cwd: dir });
    writer.stdin.end(input);

    const result = await runCli(
      ['process', 'pipe.csv', '-o', 'o.csv', '--rejects', 'r.csv', '-q'],
      { cwd: dir },
    );

    expect(result.code).toBe(0);
    expect(readIn(dir, 'o.csv')).toBe(ORDERS_CSV_INVOICES);
  });

  test('--input-format overrides the file name', async () => {
    const dir = tempDir();
    copyFileSync(join(FIXTURES, 'orders.jsonl'), join(dir, 'orders.txt'));

    const result = await invoicesOf(dir, 'orders.txt', [
      '--input-format',
      'jsonl',
    ]);

    expect(result.code).toBe(0);
    expect(parseInvoices(result.stdout).length).toBe(10);
  });

  test('.ndjson is JSON lines', async () => {
    const dir = tempDir();
    copyFileSync(join(FIXTURES, 'orders.jsonl'), join(dir, 'orders.ndjson'));

    const result = await runCli(['process', 'orders.ndjson', '-q'], {
      cwd: dir,
    });

    expect(result.code).toBe(0);
    expect(parseInvoices(readIn(dir, 'orders.invoices.csv')).length).toBe(10);
  });

  test('a BOM and CRLF line ends: lines counted, records without CR', async () => {
    const dir = tempDir();
    writeIn(
      dir,
      'o.csv',
      '\uFEFForder_id,quantity,unit_price\r\nA,1,1.00\r\nB,x,1.00\r\nA,2,1.00\r\n',
    );

    const result = await invoicesOf(dir, 'o.csv');

    expect(result.code).toBe(3);
    expect(result.stdout).toBe(
      csvLines(INVOICE_HEADER, 'A,,USD,,2,3,3.00,0.2,0.60,3.60'),
    );
    expect(result.rejects).toEqual([
      {
        line: 3,
        order_id: 'B',
        code: 'invalid_quantity',
        message: expect.any(String),
        record: 'B,x,1.00',
      },
    ]);
  });

  test('LF and CRLF mixed, no final line end, blank lines skipped', async () => {
    const dir = tempDir();
    writeIn(
      dir,
      'o.csv',
      'order_id,quantity,unit_price\n\nA,1,1.00\r\n\r\nB,0,1.00\nC,1,2.00',
    );

    const result = await invoicesOf(dir, 'o.csv');

    expect(parseInvoices(result.stdout).map((row) => row.order_id)).toEqual([
      'A',
      'C',
    ]);
    expect(codesByLine(result.rejects)).toEqual([[5, 'invalid_quantity']]);
    expect(JSON.parse(readIn(dir, 's.json'))).toMatchObject({
      rows: 3,
      invoiced_rows: 2,
      rejected_rows: 1,
    });
  });

  test('a quoted field may hold line breaks; later lines keep their numbers', async () => {
    const dir = tempDir();
    const record = 'Q,"Gift set\nwith card\r\nand bow",1,bad';
    writeIn(
      dir,
      'o.csv',
      csvLines(
        'order_id,sku,quantity,unit_price',
        'P,"Mug\nlarge",1,2.50',
        record,
        'R,plain,0,1.00',
      ),
    );

    const result = await invoicesOf(dir, 'o.csv');

    expect(result.stdout).toBe(
      csvLines(INVOICE_HEADER, 'P,,USD,,1,1,2.50,0.2,0.50,3.00'),
    );
    expect(codesByLine(result.rejects)).toEqual([
      [4, 'invalid_price'],
      [7, 'invalid_quantity'],
    ]);
    expect(result.rejects[0].record).toBe(record);
  });

  test('quoted fields hold delimiters and doubled quotes', async () => {
    const dir = tempDir();
    writeIn(
      dir,
      'o.csv',
      csvLines(ORDER_HEADER, 'A,"Smith, ""Jo""",12" record,1,5.00,EUR,DE'),
    );
    writeIn(
      dir,
      'p.csv',
      csvLines(ORDER_HEADER, 'A,"Smith, ""Jo""","12"" record",1,5.00,EUR,DE'),
    );

    const stray = await invoicesOf(dir, 'o.csv');
    const quoted = await invoicesOf(dir, 'p.csv');

    // A quote inside an unquoted field is not RFC 4180.
    expect(codesByLine(stray.rejects)).toEqual([[2, 'malformed_row']]);
    expect(quoted.code).toBe(0);
    expect(quoted.stdout).toBe(
      csvLines(
        INVOICE_HEADER,
        'A,"Smith, ""Jo""",EUR,DE,1,1,5.00,0.2,1.00,6.00',
      ),
    );
  });

  test('header: trimmed, any case, any order, aliases, unknown ignored', async () => {
    const dir = tempDir();
    writeIn(
      dir,
      'o.csv',
      csvLines(
        ' Price ,Notes,REGION, ID ,Quantity,currency',
        '1.50,n,DE,A,2,EUR',
      ),
    );

    const result = await invoicesOf(dir, 'o.csv');

    expect(result.code).toBe(0);
    expect(result.stdout).toBe(
      csvLines(INVOICE_HEADER, 'A,,EUR,DE,1,2,3.00,0.2,0.60,3.60'),
    );
  });

  test('field values are trimmed of spaces and tabs', async () => {
    const dir = tempDir();
    writeIn(
      dir,
      'o.csv',
      csvLines(ORDER_HEADER, ' A ,\tC-1\t, x , 2 ,\t1.50 , EUR ,\tDE '),
    );

    const result = await invoicesOf(dir, 'o.csv');

    expect(result.code).toBe(0);
    expect(result.stdout).toBe(
      csvLines(INVOICE_HEADER, 'A,C-1,EUR,DE,1,2,3.00,0.2,0.60,3.60'),
    );
  });

  test.each([
    [';', 'order_id;customer_id;quantity;unit_price\nD-1;C,1;2;1.50\n'],
    ['\t', 'order_id\tcustomer_id\tquantity\tunit_price\nD-1\tC,1\t2\t1.50\n'],
    ['|', 'order_id|customer_id|quantity|unit_price\nD-1|C,1|2|1.50\n'],
  ])('--delimiter %j', async (delimiter, text) => {
    const dir = tempDir();
    writeIn(dir, 'o.csv', text);

    const result = await invoicesOf(dir, 'o.csv', ['--delimiter', delimiter]);

    expect(result.code).toBe(0);
    // The output stays comma separated, quoted where a comma stands.
    expect(result.stdout).toBe(
      csvLines(INVOICE_HEADER, 'D-1,"C,1",USD,,1,2,3.00,0.2,0.60,3.60'),
    );
  });
});

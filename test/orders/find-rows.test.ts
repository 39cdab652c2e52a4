import { describe, test, expect } from 'vitest';
import fc from 'fast-check';
import { RecordFields, scanRecord } from '../../src/csv/scan.js';
import { ChunkProcessor } from '../../src/orders/chunk.js';
import { Code } from '../../src/orders/codes.js';
import { forEachRow } from '../../src/orders/find-rows.js';
import { Rules, type ChunkSettings } from '../../src/orders/rules.js';
import { CSV_SETTINGS } from './settings.js';

const LF = 0x0a;

const CSV = CSV_SETTINGS;

interface Found {
  start: number;
  end: number;
  line: number;
  code: number;
}

// Every record of the input, split in one pass over all of it.
function recordsOf(bytes: Buffer, settings: ChunkSettings): Found[] {
  const found: Found[] = [];
  const fields = new RecordFields();
  let line = 0;
  for (let pos = 0; pos < bytes.length;) {
    let next: number;
    let blank: boolean;
    let newlines: number;
    if (settings.format === 'csv') {
      next = scanRecord(bytes, pos, bytes.length, 44, true, fields);
      blank = fields.count === 1 && fields.recordEnd === pos;
      newlines = fields.innerNewlines + (bytes[next - 1] === LF ? 1 : 0);
    } else {
      const lf = bytes.indexOf(LF, pos);
      next = lf < 0 ? bytes.length : lf + 1;
      blank = /^\r?\n?$/.test(bytes.toString('latin1', pos, next));
      newlines = lf < 0 ? 0 : 1;
    }
    if (!blank) found.push({ start: pos, end: next, line, code: 0 });
    line += newlines;
    pos = next;
  }
  return found;
}

function processed(input: string, settings: ChunkSettings) {
  const bytes = Buffer.from(input);
  const processor = new ChunkProcessor(new Rules(settings), 0, bytes.length);
  processor.feed(bytes, 0, true);
  const found: Found[] = [];
  const orders: number[] = [];
  forEachRow(
    processor,
    (start, end) => bytes.subarray(start, end),
    () => true,
    (row, line, order) => {
      found.push({ start: row.start, end: row.end, line, code: row.code });
      orders.push(order);
    },
  );
  return { bytes, processor, found, orders };
}

// A CSV record of one of a few orders: fields plain or quoted (with commas,
// quotes and line ends inside), some lines short or long, CRLF or LF ends,
// blank lines between.
const csvRecord = fc
  .tuple(
    fc.constantFrom('A', 'B', 'C', '"A"', '"B\nx"', ''),
    fc.constantFrom('C1', '"C,1"', '"C ""1"""', ''),
    fc.constantFrom('USD', 'EUR', 'usd'),
    fc.constantFrom('1', '0', '2', ''),
    fc.constantFrom('1.50', '"1\n0"', 'x'),
    fc.constantFrom('', ',extra', ',1'),
    fc.constantFrom('\n', '\r\n', '\n\n', '\n\r\n'),
  )
  .map(
    ([id, customer, currency, quantity, price, tail, end]) =>
      `${id},${customer},${currency},,${quantity},${price}${tail}${end}`,
  );

const jsonRecord = fc
  .tuple(
    fc.constantFrom('A', 'B', 'C'),
    fc.constantFrom('1', '0', '"x"'),
    fc.constantFrom('\n', '\r\n', '\n\n', '\n\r\n'),
    fc.boolean(),
  )
  .map(([id, quantity, end, broken]) =>
    broken
      ? `{"id":"${id}",${end}`
      : `{"id":"${id}","items":[{"price":"1","quantity":${quantity}}]}${end}`,
  );

describe('forEachRow', () => {
  test.each([
    ['csv', csvRecord, CSV],
    ['jsonl', jsonRecord, { ...CSV, format: 'jsonl' as const }],
  ] as const)(
    '%s: the records found from the runs are those of one pass, lines and all',
    (_, record, settings) => {
      fc.assert(
        fc.property(fc.array(record, { maxLength: 30 }), (records) => {
          const input = records.join('');
          const { found } = processed(input, settings);
          const expected = recordsOf(Buffer.from(input), settings);
          expect(found.map(({ code, ...rest }) => rest)).toEqual(
            expected.map(({ code, ...rest }) => rest),
          );
        }),
        { numRuns: 300 },
      );
    },
  );

  test('a row keeps its own code; the others have none', () => {
    const { found, orders } = processed(
      'A,C,USD,,1,1\n,C,USD,,1,1\nA,C,USD,,0,1\nB,C,USD,,1,1\n',
      CSV,
    );
    expect(found.map((row) => row.code)).toEqual([
      0,
      Code.missingField,
      Code.invalidQuantity,
      0,
    ]);
    expect(orders).toEqual([0, -1, 0, 1]);
  });

  test('only the records of the orders picked', () => {
    const bytes = Buffer.from(
      'A,C,USD,,1,1\n,C,USD,,1,1\nB,C,USD,,1,1\nA,C,USD,,2,1\n',
    );
    const processor = new ChunkProcessor(new Rules(CSV), 0, bytes.length);
    processor.feed(bytes, 0, true);
    const lines: number[] = [];
    forEachRow(
      processor,
      (start, end) => bytes.subarray(start, end),
      (order) => order === 0,
      (_, line) => lines.push(line),
    );
    expect(lines).toEqual([0, 3]);
  });
});

// Plain records take a fast path (CsvLineReader.readPlain); every other
// record the general one. Quoting a field changes no value, but sends its
// record down the general path: so a file read as it is and the same file
// with one field of every record quoted must give the same invoices and the
// same rejects (but for the record text, which keeps its quotes).
import fc from 'fast-check';
import { parse } from 'csv-parse/sync';
import { describe, expect, test } from 'vitest';
import { RecordFields } from '../../src/csv/scan.js';
import { ChunkProcessor } from '../../src/orders/chunk.js';
import { CsvLineReader, NOT_PLAIN } from '../../src/orders/csv-line.js';
import { Rules, type ChunkSettings } from '../../src/orders/rules.js';
import { settleChunk } from '../../src/orders/settle-chunk.js';
import { taxSettings } from './settings.js';

// The columns of CSV_SETTINGS: order_id,customer_id,currency,region,
// quantity,unit_price. Values good and bad, with spaces and tabs around
// some, so that every check of both paths is met.
const VALUES = [
  ['A', 'B', 'C', ' A', 'B\t', '', 'Ä', 'D E'],
  ['C1', 'C2', ' C1', '', 'É', 'C1 '],
  ['USD', 'EUR', 'JPY', 'BHD', '', ' EUR', 'ZZZ', 'usd'],
  ['FR', 'GB', 'DE', '', ' FR', 'Ω'],
  ['1', '2', '007', '0', '1000000000', '1000000001', ' 3', '3\t', 'x', ''],
  ['1.50', '0', '10', '1.555', '2.', '.5', 'abc', '', ' 2.00', '1e3'],
  ['99999999999999999999', '0.001', '12.3456'],
];

function run(text: string, settings: ChunkSettings) {
  const bytes = Buffer.from(text);
  const processor = new ChunkProcessor(new Rules(settings), 0, bytes.length);
  processor.feed(bytes, 0, true);
  const outcome = settleChunk(processor, 0, (from, to) =>
    bytes.subarray(from, to),
  );
  // line, order_id, code, message: the record text is left out.
  const rejects = (parse(outcome.rejectText) as string[][]).map((cells, i) => [
    outcome.rejectLines[i],
    ...cells.slice(0, 3),
  ]);
  return { invoices: outcome.invoiceBytes.toString(), rejects };
}

const record = fc
  .tuple(
    fc.constantFrom(...VALUES[0]),
    fc.constantFrom(...VALUES[1]),
    fc.constantFrom(...VALUES[2]),
    fc.constantFrom(...VALUES[3]),
    fc.constantFrom(...VALUES[4]),
    fc.oneof(fc.constantFrom(...VALUES[5]), fc.constantFrom(...VALUES[6])),
    // A field too many or too few now and then.
    fc.constantFrom(0, 0, 0, 0, 1, -1),
    fc.constantFrom('\n', '\n', '\r\n'),
  )
  .map(([id, customer, currency, region, quantity, price, extra, end]) => {
    const cells = [id, customer, currency, region, quantity, price];
    if (extra > 0) cells.push('x');
    if (extra < 0) cells.pop();
    return { cells, end };
  });

describe('the plain path', () => {
  test('reads records as the general path does', () => {
    fc.assert(
      fc.property(
        fc.array(record, { maxLength: 40 }),
        fc.nat(5),
        fc.boolean(),
        fc.boolean(),
        (records, quotedField, taxTable, lineRounding) => {
          const settings = taxSettings(taxTable, lineRounding);
          const asIs = records
            .map(({ cells, end }) => cells.join(',') + end)
            .join('');
          const quoted = records
            .map(({ cells, end }) => {
              const copy = [...cells];
              if (quotedField < copy.length) {
                copy[quotedField] = `"${copy[quotedField]}"`;
              }
              return copy.join(',') + end;
            })
            .join('');
          expect(run(asIs, settings)).toEqual(run(quoted, settings));
        },
      ),
      { numRuns: 300 },
    );
  });

  test.each([',', ';', '\t'])(
    'counts records that repeat the id and customer before them (%j)',
    (delimiter) => {
      const records = [
        'A,C1,EUR,FR,2,1.50',
        'A,C1,EUR,FR,1,3', // the same lead: counted into A
        'B,C1,EUR,FR,1,1',
        'B,C1,EUR,FR,1,1',
        'B,C12,EUR,FR,1,1', // the customer goes on past the lead: B is mixed
        'C,C2,EUR,FR,1,1',
        'C,C2,USD,FR,1,1', // the same lead, another currency: C is mixed
        'A,C1,EUR,FR,4,1', // A again, apart from its other lines
        'D,C1,EUR,FR,1,1',
      ];
      const settings = {
        ...taxSettings(false, false),
        delimiter: delimiter.charCodeAt(0),
      };
      const lines = records.map((line) => line.replaceAll(',', delimiter));
      const asIs = lines.map((line) => `${line}\n`).join('');
      const quoted = lines.map(
        (line) => `"${line.replace(delimiter, `"${delimiter}`)}\n`,
      );
      const plain = run(asIs, settings);
      expect(plain).toEqual(run(quoted.join(''), settings));
      expect(
        plain.invoices.split('\n').map((line) => line.split(',')[0]),
      ).toEqual(['A', 'D', '']);
    },
  );
});

describe('readPlain', () => {
  // The property above holds even if no record took the fast path: these
  // say which records do.
  const reader = () => {
    const rules = new Rules(taxSettings(false, false));
    return new CsvLineReader(rules, new RecordFields());
  };

  test('takes a plain record, LF or CRLF, and says where it ends', () => {
    const bytes = Buffer.from('A,C1,EUR,FR,2,1.50\nB,C2,,,1,3\r\nX');
    const lines = reader();
    expect(lines.readPlain(bytes, 0)).toBe(19);
    expect([lines.plainKeyStart, lines.plainKeyEnd]).toEqual([0, 1]);
    expect(lines.readPlain(bytes, 19)).toBe(bytes.length - 1);
  });

  test('leaves every other record to the general path', () => {
    const others = [
      '"A",C1,EUR,FR,2,1.50\n', // a quote
      'A,C1,EUR,FR,2,1.50', // no line end in the bytes
      'A,C1,EUR,FR,2\n', // a field short
      'A,C1,EUR,FR,2,1.50,x\n', // a field too many
      ' A,C1,EUR,FR,2,1.50\n', // a space around the id
      'A,C1,EUR,FR,2\t,1.50\n', // a tab
      'A,C1,EUR,FR,0,1.50\n', // a bad quantity
      'A,C1,EUR,FR,2,1.555\n', // a price finer than the currency
      'A,C1,ZZZ,FR,2,1.50\n', // no such currency
      'A,Ü,EUR,FR,2,1.50\n', // not ASCII
      'A,C1,EUR,FR,2,1.50\rx\n', // a lone CR
    ];
    for (const record of others) {
      expect(reader().readPlain(Buffer.from(record), 0)).toBe(NOT_PLAIN);
    }
  });

  test('says when a record begins with the id and customer before it', () => {
    const lines = reader();
    const bytes = Buffer.from(
      'A,C1,EUR,FR,2,1.50\nA,C1,USD,GB,1,3\nA,C2,EUR,FR,1,1\n' +
        'A,C1,EUR,FR,1,1\nAB,C1,EUR,FR,1,1\n"AB",C1,EUR,FR,1,1\n' +
        'AB,C1,EUR,FR,1,1\nAB,C1,EUR,FR,1,1\n',
    );
    const seen: Array<boolean | 'general'> = [];
    for (let pos = 0; pos < bytes.length;) {
      const next = lines.readPlain(bytes, pos);
      seen.push(next === NOT_PLAIN ? 'general' : lines.sameLead);
      pos = next === NOT_PLAIN ? bytes.indexOf(0x0a, pos) + 1 : next;
    }
    // After a record the general path read, nothing is shared.
    expect(seen).toEqual([
      false,
      true,
      false,
      false,
      false,
      'general',
      false,
      true,
    ]);
  });

  test('leaves a record longer than maxRecordBytes to the general path', () => {
    const record = Buffer.from('A,C1,EUR,FR,2,1.50\r\n'); // 18 bytes + CRLF
    const limited = (maxRecordBytes: number) => {
      const settings = { ...taxSettings(false, false), maxRecordBytes };
      return new CsvLineReader(new Rules(settings), new RecordFields());
    };
    expect(limited(18).readPlain(record, 0)).toBe(record.length);
    expect(limited(17).readPlain(record, 0)).toBe(NOT_PLAIN);
  });
});

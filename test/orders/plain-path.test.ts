// Plain records take a fast path (CsvLineReader.readPlain); every other
// record the general one. Quoting a field changes no value, but sends its
// record down the general path: so a file read as it is and the same file
// with one field of every record quoted must give the same invoices and the
// same rejects (but for the record text, which keeps its quotes).
import fc from 'fast-check';
import { parse } from 'csv-parse/sync';
import { describe, expect, test } from 'vitest';
import { parseTaxRate } from '../../src/money/tax.js';
import { ChunkProcessor } from '../../src/orders/chunk.js';
import { Rules, type ChunkSettings } from '../../src/orders/rules.js';
import { settleChunk } from '../../src/orders/settle-chunk.js';
import { CSV_SETTINGS } from './settings.js';

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

function settingsFor(taxTable: boolean, lineRounding: boolean): ChunkSettings {
  return {
    ...CSV_SETTINGS,
    tax: {
      rate: CSV_SETTINGS.tax.rate,
      // No '*' row: a region outside the table is unknown_region.
      table: taxTable
        ? [
            ['FR', parseTaxRate('0.2')!],
            ['GB', parseTaxRate('0.175')!],
          ]
        : undefined,
      rounding: lineRounding ? 'line' : 'order',
    },
  };
}

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
          const settings = settingsFor(taxTable, lineRounding);
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
});

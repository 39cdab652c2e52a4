// Spread orders' stretches as spilled records: what is read back is what
// was written, field for field.
import fc from 'fast-check';
import { describe, expect, test } from 'vitest';
import {
  putStretch,
  StretchReader,
  TextTable,
} from '../../src/engine/stretch-records.js';
import { parseTaxRate } from '../../src/money/tax.js';
import { ByteSink } from '../../src/orders/byte-sink.js';
import { OrderPartial } from '../../src/orders/partial.js';
import { Rules } from '../../src/orders/rules.js';
import type { PartialFacts } from '../../src/orders/settlement.js';
import { CSV_SETTINGS } from '../orders/settings.js';

// A tax table, so that a stretch's rate is its region's.
const rules = new Rules({
  ...CSV_SETTINGS,
  tax: {
    rate: parseTaxRate('0.19')!,
    rounding: 'order',
    table: [
      ['DE', parseTaxRate('0.19')!],
      ['FR', parseTaxRate('0.2')!],
      ['*', parseTaxRate('0.05')!],
    ],
  },
});

const text = fc.string({ unit: 'grapheme', maxLength: 40 });
const count = fc.integer({ min: 0, max: 2 ** 32 - 1 });
const amount = fc.integer({ min: 0, max: Number.MAX_SAFE_INTEGER });

const facts: fc.Arbitrary<PartialFacts> = fc
  .record({
    key: text,
    customerId: text,
    hasValidLine: fc.boolean(),
    currency: fc.constantFrom('USD', 'JPY', 'KWD', ''),
    region: fc.constantFrom('DE', 'FR', 'US-CA', 'Zürich', ''),
    minorDigits: fc.integer({ min: 0, max: 4 }),
    lines: count,
    quantity: amount,
    subtotalMinor: amount,
    lineTaxMinor: amount,
    badRows: count,
    jsonLines: count,
    itemCode: fc.integer({ min: 0, max: 14 }),
    mixed: fc.boolean(),
    outOfRange: fc.boolean(),
  })
  .map((f) => ({
    ...f,
    rate: f.hasValidLine ? rules.rateOf(f.region) : undefined,
  }));

describe('stretch records', () => {
  test('read back as written, places and facts', () => {
    fc.assert(
      fc.property(
        fc.array(fc.tuple(count, count, facts), { maxLength: 30 }),
        (stretches) => {
          const sink = new ByteSink(16);
          const table = new TextTable();
          for (const [chunk, order, f] of stretches) {
            putStretch(sink, chunk, order, f, table);
          }
          const reader = new StretchReader(rules, table);
          reader.read(sink.bytes());
          const read: Array<[number, number, PartialFacts]> = [];
          while (reader.next()) {
            // The reader refills one object: each stretch is copied out.
            read.push([reader.chunk, reader.order, { ...reader.facts }]);
          }
          expect(read).toEqual(stretches);
        },
      ),
    );
  });
});

describe('stretch records of orders read from bytes', () => {
  test('copy an id and a customer still held as bytes', () => {
    const bytes = Buffer.from('xxORD-7,CUST-9,EUR');
    const partial = OrderPartial.ofAsciiId(bytes, 2, 7, 0, 1);
    partial.noteAsciiCustomer(bytes, 8, 14);
    partial.addLines('EUR', 'DE', 2, rules.rateOf('DE')!, 1, 3, 300, 0);
    expect(partial.keyBytes).toBe(bytes);
    const sink = new ByteSink(16);
    const table = new TextTable();
    putStretch(sink, 4, 9, partial, table);
    const reader = new StretchReader(rules, table);
    reader.read(sink.bytes());
    expect(reader.next()).toBe(true);
    expect([reader.chunk, reader.order]).toEqual([4, 9]);
    expect(reader.facts).toMatchObject({
      key: 'ORD-7',
      customerId: 'CUST-9',
      currency: 'EUR',
      region: 'DE',
      rate: rules.rateOf('DE'),
      lines: 1,
      quantity: 3,
      subtotalMinor: 300,
    });
    expect(reader.next()).toBe(false);
  });
});

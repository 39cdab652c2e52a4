import { describe, test, expect } from 'vitest';
import { parse } from 'csv-parse/sync';
import fc from 'fast-check';
import {
  INVOICE_HEADER,
  REJECTS_HEADER,
  csvCell,
  renderInvoice,
  renderRejectTail,
  writeInvoice,
} from '../../src/orders/render.js';
import { ByteSink } from '../../src/orders/byte-sink.js';
import { OrderPartial } from '../../src/orders/partial.js';
import { Rules } from '../../src/orders/rules.js';
import { parseTaxRate } from '../../src/money/tax.js';
import { CSV_SETTINGS } from './settings.js';

const SETTINGS = CSV_SETTINGS;

describe('csvCell', () => {
  test.each([
    ['A-1', 'A-1'],
    ['', ''],
    ['a b', 'a b'],
    ['a,b', '"a,b"'],
    ['say "hi"', '"say ""hi"""'],
    ['"', '""""'],
    ['a\nb', '"a\nb"'],
    ['a\r\nb', '"a\r\nb"'],
    ['a\rb', '"a\rb"'],
    ['é;ü', 'é;ü'],
    ['=1+1', "'=1+1"],
    ['+1', "'+1"],
    ['-1', "'-1"],
    ['@SUM(A1)', "'@SUM(A1)"],
    ['\tx', "'\tx"],
    ['\rx', '"\'\rx"'],
    ['=a,b', '"\'=a,b"'],
    ['=HYPERLINK("x")', '"\'=HYPERLINK(""x"")"'],
    ['a=1', 'a=1'],
    [' =1', ' =1'],
    ["'=1", "'=1"],
  ])('%j with the guard is %j', (text, cell) => {
    expect(csvCell(text, true)).toBe(cell);
  });

  test.each([
    ['=1+1', '=1+1'],
    ['-1', '-1'],
    ['=a,b', '"=a,b"'],
    ['\rx', '"\rx"'],
  ])('%j without the guard is %j', (text, cell) => {
    expect(csvCell(text, false)).toBe(cell);
  });

  test('csv-parse reads a cell back to its text (after the guard)', () => {
    const text = fc
      .array(fc.constantFrom('a', ',', '"', '\n', '\r\n', ' ', 'é', '=', '-'), {
        maxLength: 8,
      })
      .map((parts) => parts.join(''));
    fc.assert(
      fc.property(text, fc.boolean(), (value, guard) => {
        const guarded =
          guard && /^[=+\-@\t\r]/.test(value) ? `'${value}` : value;
        const line = `${csvCell(value, guard)},x\n`;
        expect(parse(line, { record_delimiter: ['\r\n', '\n'] })).toEqual([
          [guarded, 'x'],
        ]);
      }),
      { numRuns: 300 },
    );
  });
});

describe('renderInvoice', () => {
  function order(key: string, customerId: string): OrderPartial {
    const partial = new OrderPartial(key, 0);
    partial.noteCustomer(customerId);
    partial.addLines('EUR', 'DE', 2, parseTaxRate('0.19')!, 1, 2, 3998, 0);
    return partial;
  }
  const settlement = { code: 0, taxMinor: 760, totalMinor: 4758 };

  test('one CSV line with the contract columns', () => {
    expect(INVOICE_HEADER).toBe(
      'order_id,customer_id,currency,region,lines,quantity,subtotal,tax_rate,tax,total\n',
    );
    expect(
      renderInvoice(order('A-1', 'C-9'), settlement, new Rules(SETTINGS)),
    ).toBe('A-1,C-9,EUR,DE,1,2,39.98,0.19,7.60,47.58\n');
  });

  test('text cells are guarded and quoted', () => {
    expect(
      renderInvoice(order('=A,1', '-9'), settlement, new Rules(SETTINGS)),
    ).toBe('"\'=A,1",\'-9,EUR,DE,1,2,39.98,0.19,7.60,47.58\n');
  });

  test('JSON lines: amounts as strings, counts as numbers, no guard', () => {
    const rules = new Rules({ ...SETTINGS, outputFormat: 'jsonl' });
    expect(renderInvoice(order('=A', 'C"9'), settlement, rules)).toBe(
      '{"order_id":"=A","customer_id":"C\\"9","currency":"EUR","region":"DE","lines":1,' +
        '"quantity":2,"subtotal":"39.98","tax_rate":"0.19","tax":"7.60","total":"47.58"}\n',
    );
  });
});

describe('writeInvoice', () => {
  const text = fc.string({
    unit: fc.constantFrom(
      'a',
      'Z',
      '7',
      '-',
      '=',
      ',',
      '"',
      '\n',
      '\r',
      'é',
      '東',
      '😀',
    ),
    maxLength: 8,
  });
  const amount = fc.integer({ min: 0, max: Number.MAX_SAFE_INTEGER });

  test('writes the bytes of renderInvoice, for any texts and amounts', () => {
    fc.assert(
      fc.property(
        fc.record({
          key: text,
          customer: text,
          region: text,
          digits: fc.constantFrom(0, 2, 3, 4),
          lines: fc.integer({ min: 1, max: 2 ** 31 + 5 }),
          quantity: fc.integer({ min: 1, max: Number.MAX_SAFE_INTEGER }),
          subtotal: amount,
          tax: amount,
          total: amount,
          guard: fc.boolean(),
        }),
        (c) => {
          const rules = new Rules({ ...SETTINGS, formulaGuard: c.guard });
          const partial = new OrderPartial(c.key, 0);
          const rate = parseTaxRate('0.0825')!;
          partial.noteCustomer(c.customer);
          partial.addLines('KWD', c.region, c.digits, rate, 1, 1, 0, 0);
          Object.assign(partial, {
            lines: c.lines,
            quantity: c.quantity,
            subtotalMinor: c.subtotal,
          });
          const settlement = { code: 0, taxMinor: c.tax, totalMinor: c.total };
          const sink = new ByteSink();
          sink.text('before,');
          writeInvoice(sink, partial, settlement, rules);
          expect(sink.bytes().toString('utf8')).toBe(
            'before,' + renderInvoice(partial, settlement, rules),
          );
        },
      ),
    );
  });
});

describe('renderRejectTail', () => {
  test('order id, code, message and record, quoted as needed', () => {
    expect(REJECTS_HEADER).toBe('line,order_id,code,message,record\n');
    expect(
      renderRejectTail(
        'A',
        'invalid_quantity',
        "quantity '0' is bad",
        'A,C,0',
        true,
      ),
    ).toBe('A,invalid_quantity,quantity \'0\' is bad,"A,C,0"\n');
  });

  test('the guard applies to the order id and the record, not the message', () => {
    expect(renderRejectTail('=A', 'missing_field', '-x', '=A,,', true)).toBe(
      '\'=A,missing_field,-x,"\'=A,,"\n',
    );
    expect(renderRejectTail('=A', 'missing_field', '-x', '=A,,', false)).toBe(
      '=A,missing_field,-x,"=A,,"\n',
    );
  });
});

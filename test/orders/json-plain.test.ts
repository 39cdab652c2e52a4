// Plain JSON lines are read from their bytes (JsonPlainReader), every other
// line with JSON.parse (readJsonOrder). The plain path may leave any line
// to the general one, but a line it takes must come to the same facts:
// on random lines, good and bad, spaced or not, keys in any order.
import fc from 'fast-check';
import { describe, expect, test } from 'vitest';
import { countJsonOrder, readJsonOrder } from '../../src/orders/json-order.js';
import { JsonPlainReader } from '../../src/orders/json-plain.js';
import { OrderPartial, factsOf } from '../../src/orders/partial.js';
import { Rules } from '../../src/orders/rules.js';
import { taxSettings } from './settings.js';

function rulesFor(taxTable: boolean, lineRounding: boolean): Rules {
  return new Rules({ ...taxSettings(taxTable, lineRounding), format: 'jsonl' });
}

// The facts of a line read by the plain path, or undefined if it left it.
function readPlain(text: string, rules: Rules) {
  const bytes = Buffer.from(text);
  const reader = new JsonPlainReader(rules);
  if (!reader.read(bytes, 0, bytes.length)) return undefined;
  const order = new OrderPartial(
    bytes.toString('latin1', reader.keyStart, reader.keyEnd),
    0,
  );
  reader.countInto(bytes, order);
  return factsOf(order);
}

// The facts of a line read by the general path, if it is a good order.
function readGeneral(text: string, rules: Rules) {
  const read = readJsonOrder(text, rules);
  if (!('lines' in read) || read.code !== 0 || !read.rate) return undefined;
  const order = new OrderPartial(read.key, 0);
  countJsonOrder(read, order);
  return factsOf(order);
}

// JSON texts of values, as they would stand in a line: good ones, spaced
// ones, and odd ones (escaped, beyond ASCII, of the wrong kind, bad).
const IDS = ['"A-1"', '"B"', '" A-2 "'];
const ODD_IDS = ['""', '"Ä"', '"a\\"b"', '"\\u0041"', '7', 'null'];
const CURRENCIES = ['"USD"', '"JPY"', '"KWD"', '"CLF"', '""', '" EUR "'];
const ODD_CURRENCIES = ['"usd"', '"ZZZ"', 'null', '3'];
const REGIONS = ['"FR"', '"GB"', '" FR"'];
const ODD_REGIONS = ['"DE"', '""', '"Ω"', 'null'];
const QUANTITIES = ['1', '2', '"3"', '" 4 "', '"007"', '1000000000'];
const ODD_QUANTITIES = ['0', '2.0', '1e3', '-1', '"x"', 'null', 'true', '""'];
const PRICES = ['19.99', '"19.99"', '" 1.5 "', '0', '0.1', '100.10', '5'];
const ODD_PRICES = [
  '1.005',
  '"12.3456"',
  '123456789012345',
  '1234567890123456',
  '99999999999999999999',
  '0.0000001',
  '0.0000000',
  '1e2',
  '-1',
  '"1,5"',
  '""',
  'null',
  '01',
  '1.',
];
const OTHERS = [
  '"x"',
  '1.5e3',
  '-0',
  'true',
  'false',
  'null',
  '{"a":1}',
  '[1]',
];

const space = fc.constantFrom('', '', ' ', '\t');
const some = (values: string[]) => fc.constantFrom(...values);
// Good values most of the time, so that both paths are met often.
const mostly = (good: string[], odd: string[]) =>
  fc.oneof(
    { weight: 12, arbitrary: some(good) },
    { weight: 1, arbitrary: some(odd) },
  );
const rarely = <T>(arbitrary: fc.Arbitrary<T>) =>
  fc.oneof(
    { weight: 19, arbitrary: fc.constant(null) },
    { weight: 1, arbitrary },
  );
const member = (name: string, value: fc.Arbitrary<string>) =>
  fc
    .tuple(space, value, space)
    .map(([before, text, after]) => `"${name}"${before}:${after}${text}`);

// The members given, in any order.
const object = (members: Array<string | null>) => {
  const given = members.filter((text): text is string => text !== null);
  return fc
    .shuffledSubarray(given, { minLength: given.length })
    .map((shuffled) => `{${shuffled.join(',')}}`);
};

const price = mostly(PRICES, ODD_PRICES);
const item = fc
  .tuple(
    fc.option(member('quantity', mostly(QUANTITIES, ODD_QUANTITIES)), {
      freq: 30,
    }),
    fc.option(fc.oneof(member('price', price), member('unit_price', price)), {
      freq: 30,
    }),
    rarely(member('unit_price', price)),
    fc.option(member('sku', mostly(IDS, OTHERS)), { freq: 2 }),
    // A key given twice, most likely with another value.
    rarely(
      fc.oneof(
        member('quantity', some(QUANTITIES)),
        member('price', some(PRICES)),
      ),
    ),
  )
  .chain(([quantity, price, unitPrice, sku, again]) =>
    object([quantity, price, unitPrice, sku, again]),
  );

const items = fc.oneof(
  { weight: 18, arbitrary: fc.array(item, { minLength: 1, maxLength: 4 }) },
  { weight: 1, arbitrary: fc.constant([] as string[]) },
  { weight: 1, arbitrary: fc.constant(['1', '"x"']) },
);

const line = fc
  .tuple(
    fc.option(member('id', mostly(IDS, ODD_IDS)), { freq: 10 }),
    rarely(member('order_id', mostly(IDS, ODD_IDS))),
    fc.option(member('customer_id', mostly(IDS, ODD_IDS))),
    fc.option(member('currency', mostly(CURRENCIES, ODD_CURRENCIES))),
    fc.option(member('region', mostly(REGIONS, ODD_REGIONS))),
    fc.option(
      member(
        'items',
        items.map((list) => `[${list.join(', ')}]`),
      ),
      {
        freq: 20,
      },
    ),
    rarely(member('note', some(OTHERS))),
    rarely(
      fc.oneof(
        member('id', some(IDS)),
        member('currency', some(CURRENCIES)),
        member('region', some(REGIONS)),
        member('items', fc.constant('[{"quantity":1,"price":"2.50"}]')),
      ),
    ),
    space,
  )
  .chain(([id, orderId, customer, currency, region, list, note, again, pad]) =>
    object([id, orderId, customer, currency, region, list, note, again]).map(
      (text) => `${pad}${text}${pad}`,
    ),
  );

describe('JsonPlainReader', () => {
  test.each([
    [false, false],
    [true, false],
    [false, true],
    [true, true],
  ])(
    'takes only lines that JSON.parse reads to the same order (tax table %s, line rounding %s)',
    (taxTable, lineRounding) => {
      const rules = rulesFor(taxTable, lineRounding);
      let taken = 0;
      let left = 0;
      fc.assert(
        fc.property(line, (text) => {
          const plain = readPlain(text, rules);
          if (plain === undefined) {
            left++;
            return;
          }
          taken++;
          expect(plain).toEqual(readGeneral(text, rules));
        }),
        { numRuns: 2000 },
      );
      // Both paths are met: neither side of the property is empty.
      expect(taken).toBeGreaterThan(100);
      expect(left).toBeGreaterThan(100);
    },
  );

  test.each([
    '{"id":"A-1","customer_id":"C-9","currency":"EUR","region":"DE","items":[{"sku":"X","price":"19.99","quantity":2}]}',
    '{"id": "A-1", "customer_id": "C-9", "currency": "EUR", "region": "DE", "items": [{"sku": "X", "price": 19.99, "quantity": 2}]}',
    '{"order_id":"A-1","items":[{"unit_price":"5","quantity":"1"},{"price":0.5,"quantity":3}]}',
    ' {"items":[{"quantity":1,"price":1}],"id":" A-1 ","note":null} ',
  ])('reads a usual line itself: %s', (text) => {
    const rules = rulesFor(false, false);
    expect(readPlain(text, rules)).toEqual(readGeneral(text, rules));
    expect(readPlain(text, rules)).toBeDefined();
  });

  test.each([
    ['an escape', '{"id":"A\\u002d1","items":[{"price":"1","quantity":1}]}'],
    ['text beyond ASCII', '{"id":"Ä","items":[{"price":"1","quantity":1}]}'],
    [
      'a key given twice',
      '{"id":"A","id":"B","items":[{"price":"1","quantity":1}]}',
    ],
    [
      'id and order_id',
      '{"id":"A","order_id":"B","items":[{"price":"1","quantity":1}]}',
    ],
    [
      'a nested value',
      '{"id":"A","x":{"y":1},"items":[{"price":"1","quantity":1}]}',
    ],
    [
      'a long number',
      '{"id":"A","items":[{"price":1234567890123456,"quantity":1}]}',
    ],
    ['an exponent', '{"id":"A","items":[{"price":1e2,"quantity":1}]}'],
    ['a bad price', '{"id":"A","items":[{"price":"1.005","quantity":1}]}'],
    ['no items', '{"id":"A","items":[]}'],
    ['text after it', '{"id":"A","items":[{"price":"1","quantity":1}]} x'],
  ])('leaves to JSON.parse a line with %s', (_, text) => {
    expect(readPlain(text, rulesFor(false, false))).toBeUndefined();
  });
});

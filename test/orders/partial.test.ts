import { describe, test, expect } from 'vitest';
import { OrderPartial } from '../../src/orders/partial.js';
import { finalLineCode, settleOrder } from '../../src/orders/settlement.js';
import { Code } from '../../src/orders/codes.js';
import { Rules } from '../../src/orders/rules.js';
import { parseTaxRate, type TaxRate } from '../../src/money/tax.js';
import { CSV_SETTINGS } from './settings.js';

const RATE = parseTaxRate('0.19')!;
const SETTINGS = CSV_SETTINGS;
const CSV_RULES = new Rules(SETTINGS);
const JSON_RULES = new Rules({ ...SETTINGS, format: 'jsonl' });
const MAX_SAFE = Number.MAX_SAFE_INTEGER;

interface Line {
  customerId?: string;
  currency?: string;
  region?: string;
  quantity?: number;
  amountMinor: number;
  lineTaxMinor?: number;
  rate?: TaxRate;
}

function orderOf(lines: Line[], key = 'A'): OrderPartial {
  const order = new OrderPartial(key, 0);
  for (const line of lines) addLine(order, line);
  return order;
}

function addLine(order: OrderPartial, line: Line): void {
  order.noteCustomer(line.customerId ?? 'C');
  order.addLines(
    line.currency ?? 'USD',
    line.region ?? 'DE',
    2,
    line.rate ?? RATE,
    1,
    line.quantity ?? 1,
    line.amountMinor,
    line.lineTaxMinor ?? 0,
  );
}

describe('settleOrder', () => {
  test('a good order: tax on the subtotal, rounded once', () => {
    const order = orderOf([{ amountMinor: 1999 }, { amountMinor: 1999 }]);
    expect(order).toMatchObject({ lines: 2, quantity: 2, subtotalMinor: 3998 });
    expect(settleOrder(order, CSV_RULES)).toEqual({
      code: 0,
      taxMinor: 760,
      totalMinor: 4758,
    });
  });

  test('line rounding takes the sum of line taxes', () => {
    const rules = new Rules({
      ...SETTINGS,
      tax: { rate: RATE, rounding: 'line' },
    });
    const order = orderOf([
      { amountMinor: 1999, lineTaxMinor: 380 },
      { amountMinor: 1999, lineTaxMinor: 380 },
    ]);
    expect(settleOrder(order, rules)).toEqual({
      code: 0,
      taxMinor: 760,
      totalMinor: 4758,
    });
    const rounded = orderOf([
      { amountMinor: 5, lineTaxMinor: 1 },
      { amountMinor: 5, lineTaxMinor: 1 },
    ]);
    expect(settleOrder(rounded, rules)).toEqual({
      code: 0,
      taxMinor: 2,
      totalMinor: 12,
    });
  });

  test('half-even rounding from the rules', () => {
    const rate = parseTaxRate('0.01')!;
    const rules = new Rules({ ...SETTINGS, rounding: 'half-even' });
    expect(
      settleOrder(orderOf([{ amountMinor: 250, rate }]), rules).taxMinor,
    ).toBe(2);
    expect(
      settleOrder(orderOf([{ amountMinor: 250, rate }]), CSV_RULES).taxMinor,
    ).toBe(3);
  });

  test.each([
    ['customer_id', { customerId: 'C2' }],
    ['currency', { currency: 'EUR' }],
    ['region', { region: 'FR' }],
  ])('lines disagreeing on %s: mixed_order', (_, change) => {
    const order = orderOf([{ amountMinor: 1 }, { amountMinor: 1, ...change }]);
    expect(settleOrder(order, CSV_RULES).code).toBe(Code.mixedOrder);
  });

  test('a bad row rejects the order; mixed lines come first', () => {
    const order = orderOf([{ amountMinor: 1 }]);
    order.badRows = 1;
    expect(settleOrder(order, CSV_RULES).code).toBe(Code.orderRejected);
    addLine(order, { amountMinor: 1, region: 'FR' });
    expect(settleOrder(order, CSV_RULES).code).toBe(Code.mixedOrder);
  });

  test('an order without a valid line is order_rejected', () => {
    const order = new OrderPartial('A', 0);
    order.badRows = 2;
    expect(settleOrder(order, CSV_RULES)).toEqual({
      code: Code.orderRejected,
      taxMinor: 0,
      totalMinor: 0,
    });
  });

  test('amount_out_of_range past 2^53 - 1, subtotal or total', () => {
    const rate0 = parseTaxRate('0')!;
    const fits = orderOf([{ amountMinor: MAX_SAFE, rate: rate0 }]);
    expect(settleOrder(fits, CSV_RULES)).toEqual({
      code: 0,
      taxMinor: 0,
      totalMinor: MAX_SAFE,
    });
    expect(
      settleOrder(orderOf([{ amountMinor: MAX_SAFE }]), CSV_RULES).code,
    ).toBe(Code.amountOutOfRange);
    const twoLines = orderOf([
      { amountMinor: MAX_SAFE, rate: rate0 },
      { amountMinor: 1, rate: rate0 },
    ]);
    expect(settleOrder(twoLines, CSV_RULES).code).toBe(Code.amountOutOfRange);
    const withBadRow = orderOf([{ amountMinor: MAX_SAFE }]);
    withBadRow.badRows = 1;
    expect(settleOrder(withBadRow, CSV_RULES).code).toBe(Code.amountOutOfRange);
  });

  test('JSON lines: a repeated id is duplicate_order, before an item code', () => {
    const order = orderOf([{ amountMinor: 1 }]);
    order.jsonLines = 1;
    expect(settleOrder(order, JSON_RULES).code).toBe(0);
    order.itemCode = Code.invalidPrice;
    expect(settleOrder(order, JSON_RULES).code).toBe(Code.invalidPrice);
    order.jsonLines = 2;
    expect(settleOrder(order, JSON_RULES).code).toBe(Code.duplicateOrder);
  });

  test('merging stretches gives what one stretch with every line gives', () => {
    const lines: Line[] = [
      { amountMinor: 100 },
      { amountMinor: 250 },
      { amountMinor: 7 },
    ];
    const first = orderOf(lines.slice(0, 1));
    const second = orderOf(lines.slice(1));
    first.merge(second);
    const whole = orderOf(lines);
    expect(first).toMatchObject({ lines: 3, quantity: 3, subtotalMinor: 357 });
    expect(settleOrder(first, CSV_RULES)).toEqual(
      settleOrder(whole, CSV_RULES),
    );
  });

  test('merging keeps the first valid stretch attributes and finds disagreements', () => {
    const empty = new OrderPartial('A', 0);
    empty.badRows = 1;
    empty.merge(orderOf([{ amountMinor: 5, currency: 'EUR' }]));
    expect(empty).toMatchObject({
      hasValidLine: true,
      currency: 'EUR',
      badRows: 1,
    });
    expect(settleOrder(empty, CSV_RULES).code).toBe(Code.orderRejected);

    const first = orderOf([{ amountMinor: 5 }]);
    first.merge(orderOf([{ amountMinor: 5, customerId: 'C2' }]));
    expect(settleOrder(first, CSV_RULES).code).toBe(Code.mixedOrder);

    const huge = orderOf([{ amountMinor: MAX_SAFE - 1 }]);
    huge.merge(orderOf([{ amountMinor: 2 }]));
    expect(settleOrder(huge, CSV_RULES).code).toBe(Code.amountOutOfRange);
  });
});

describe('finalLineCode', () => {
  test.each([
    [Code.none, Code.none, Code.none],
    [Code.none, Code.orderRejected, Code.orderRejected],
    [Code.none, Code.mixedOrder, Code.mixedOrder],
    [Code.invalidQuantity, Code.none, Code.invalidQuantity],
    [Code.invalidQuantity, Code.orderRejected, Code.invalidQuantity],
    [Code.invalidQuantity, Code.mixedOrder, Code.invalidQuantity],
    [Code.malformedRow, Code.amountOutOfRange, Code.malformedRow],
    [Code.invalidPrice, Code.duplicateOrder, Code.duplicateOrder],
  ])('own code %i in an order settled with %i is %i', (own, order, code) => {
    expect(finalLineCode(own, order)).toBe(code);
  });
});

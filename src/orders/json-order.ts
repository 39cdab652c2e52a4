// One JSON line read as an order: its id and attributes, and its items
// checked against the contract, giving the code of the worst bad item.
import { minorDigitsOf } from '../money/currency.js';
import {
  NOT_A_DECIMAL,
  TOO_FINE,
  parseMinorUnitsText,
} from '../money/decimal.js';
import { computeTaxMinor, type TaxRate } from '../money/tax.js';
import { Code } from './codes.js';
import { MAX_QUANTITY } from './fields.js';
import type { OrderPartial } from './partial.js';
import type { Rules } from './rules.js';

/** A JSON line that is an order with an id and items. */
export interface JsonOrder {
  key: string;
  customerId: string;
  currency: string;
  region: string;
  minorDigits: number;
  rate: TaxRate | undefined;
  /** The worst item's code and message; 0 when every item is good. */
  code: number;
  message: string;
  quantity: number;
  subtotalMinor: number;
  lineTaxMinor: number;
  lines: number;
}

/** A JSON line that is no order: its code and message. */
export interface JsonReject {
  code: number;
  message: string;
  key: string;
}

const DIGITS = /^\d+$/;

/** Reads one JSON line's text as an order. */
export function readJsonOrder(
  text: string,
  rules: Rules,
): JsonOrder | JsonReject {
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (error) {
    return {
      code: Code.malformedJson,
      message: (error as Error).message,
      key: '',
    };
  }
  if (value === null || typeof value !== 'object' || Array.isArray(value)) {
    return {
      code: Code.malformedJson,
      message: 'line is not a JSON object',
      key: '',
    };
  }

  const order = value as Record<string, unknown>;
  const key = textOf(order.id ?? order.order_id);
  const items = order.items;
  if (!key || !Array.isArray(items) || items.length === 0) {
    const message = key
      ? 'order has no items array with at least one item'
      : 'order has no non-empty id';
    return { code: Code.invalidOrder, message, key };
  }

  return readItems(order, key, items, rules);
}

/**
 * Counts an order read by readJsonOrder into `order` when all of it is
 * good: its customer, and its items as one line each.
 */
export function countJsonOrder(read: JsonOrder, order: OrderPartial): void {
  if (read.code !== Code.none || !read.rate) return;
  order.noteCustomer(read.customerId);
  order.addLines(
    read.currency,
    read.region,
    read.minorDigits,
    read.rate,
    read.lines,
    read.quantity,
    read.subtotalMinor,
    read.lineTaxMinor,
  );
}

function readItems(
  order: Record<string, unknown>,
  key: string,
  items: unknown[],
  rules: Rules,
): JsonOrder {
  const currency = textOf(order.currency) || rules.settings.defaultCurrency;
  const region = textOf(order.region);
  const result: JsonOrder = {
    key,
    customerId: textOf(order.customer_id),
    currency,
    region,
    minorDigits: minorDigitsOf(currency) ?? 0,
    rate: rules.rateOf(region),
    code: Code.none,
    message: '',
    quantity: 0,
    subtotalMinor: 0,
    lineTaxMinor: 0,
    lines: items.length,
  };
  const fail = (code: number, message: string) => {
    if (result.code === Code.none || code < result.code) {
      result.code = code;
      result.message = message;
    }
  };
  if (minorDigitsOf(currency) === undefined) {
    fail(
      Code.invalidCurrency,
      `currency '${currency}' is not an ISO 4217 code`,
    );
  }
  if (!result.rate) {
    fail(Code.unknownRegion, `region '${region}' is not in the tax table`);
  }

  items.forEach((item, index) => {
    const line = readItem(item, index, result, rules);
    if (typeof line === 'string') return;
    result.quantity += line.quantity;
    result.subtotalMinor += line.amountMinor;
    result.lineTaxMinor += line.taxMinor;
  });
  return result;

  function readItem(
    item: unknown,
    index: number,
    into: JsonOrder,
    rules: Rules,
  ) {
    const where = `item ${index + 1}`;
    const fields = (item ?? {}) as Record<string, unknown>;
    const quantityValue = fields.quantity;
    const priceValue = fields.price ?? fields.unit_price;
    if (isEmpty(quantityValue) || isEmpty(priceValue)) {
      const name = isEmpty(quantityValue) ? 'quantity' : 'price';
      fail(Code.missingField, `${where}: ${name} is empty or absent`);
      return 'bad';
    }
    const quantity = quantityOf(quantityValue);
    if (quantity < 0) {
      fail(
        Code.invalidQuantity,
        `${where}: quantity ${JSON.stringify(quantityValue)} ` +
          `is not a whole number from 1 to ${MAX_QUANTITY}`,
      );
      return 'bad';
    }
    const priceText =
      typeof priceValue === 'number' ? String(priceValue) : textOf(priceValue);
    const priceMinor = parseMinorUnitsText(priceText, into.minorDigits);
    if (priceMinor === NOT_A_DECIMAL || priceMinor === TOO_FINE) {
      const why =
        priceMinor === TOO_FINE
          ? `has more decimals than ${into.currency} allows`
          : 'is not a plain non-negative decimal';
      fail(Code.invalidPrice, `${where}: price '${priceText}' ${why}`);
      return 'bad';
    }
    const amountMinor = quantity * priceMinor;
    const taxMinor =
      into.rate && rules.settings.tax.rounding === 'line'
        ? computeTaxMinor(amountMinor, into.rate, rules.settings.rounding)
        : 0;
    return { quantity, amountMinor, taxMinor };
  }
}

function textOf(value: unknown): string {
  if (typeof value === 'string') return value.trim();
  if (typeof value === 'number' && Number.isFinite(value)) return String(value);
  return '';
}

// Absent, null or a blank string; any other value is there, even if it is
// no number (true, [2]): that is an invalid value, not a missing one.
function isEmpty(value: unknown): boolean {
  if (value === undefined || value === null) return true;
  return typeof value === 'string' && value.trim() === '';
}

function quantityOf(value: unknown): number {
  const text = typeof value === 'number' ? String(value) : textOf(value);
  if (!DIGITS.test(text) || text.replace(/^0+(?=\d)/, '').length > 10) {
    return -1;
  }
  const quantity = Number(text);
  return quantity >= 1 && quantity <= MAX_QUANTITY ? quantity : -1;
}

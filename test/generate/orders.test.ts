import { describe, test, expect } from 'vitest';
import { parse } from 'csv-parse/sync';
import {
  CSV_HEADER,
  REJECT_KINDS,
  generateOrders,
  type GenerateOptions,
} from '../../src/generate/orders.js';
import { isCurrencyCode, minorDigitsOf } from '../../src/money/currency.js';

const CURRENCIES = ['EUR', 'JPY', 'KWD', 'CLF', 'HUF'];
const REGIONS = ['DE', 'FR', 'GB', 'US-CA', 'US-NY', 'JP'];
const MAX_SAFE = BigInt(Number.MAX_SAFE_INTEGER);

function generateBytes(options: GenerateOptions): Buffer {
  return Buffer.concat([...generateOrders(options)]);
}

// Latin-1 keeps every byte, so records with invalid UTF-8 still parse.
function parseCsvRecords(options: GenerateOptions): string[][] {
  const text = generateBytes(options).toString('latin1');
  return parse(text, { relax_column_count: true });
}

function readJsonLines(options: GenerateOptions): string[] {
  return generateBytes(options).toString('latin1').split('\n').slice(0, -1);
}

// The contract's price rule: a plain decimal no finer than the currency.
function isPrice(text: string, currency: string): boolean {
  const match = /^\d+(?:\.(\d+))?$/.exec(text);
  const digits = minorDigitsOf(currency);
  return (
    match !== null && digits !== undefined && (match[1] ?? '').length <= digits
  );
}

function isQuantity(text: string): boolean {
  return /^\d+$/.test(text) && Number(text) >= 1 && Number(text) <= 1e9;
}

// A line's subtotal in minor units passes 2^53 - 1.
function isOutOfRange(quantity: string, price: string, currency: string) {
  const [whole, fraction = ''] = price.split('.');
  const digits = minorDigitsOf(currency) ?? 0;
  const minor = BigInt(whole + fraction.padEnd(digits, '0'));
  return BigInt(quantity) * minor > MAX_SAFE;
}

// The first contract code a single CSV line earns on its own.
function classifyCsvLine(fields: string[]): string | undefined {
  const [id, , sku, quantity, price, currency, region] = fields;
  if (fields.length !== 7) return 'malformed_row';
  if (sku.includes('\xff')) return 'invalid_encoding';
  if (id === '' || quantity === '' || price === '') return 'missing_field';
  if (!isQuantity(quantity)) return 'invalid_quantity';
  if (!isCurrencyCode(currency)) return 'invalid_currency';
  if (!isPrice(price, currency)) return 'invalid_price';
  if (!REGIONS.includes(region)) return 'unknown_region';
  if (isOutOfRange(quantity, price, currency)) return 'amount_out_of_range';
  return undefined;
}

// The first contract code a JSON line earns; `seen` tracks order ids.
function classifyJsonLine(line: string, seen: Set<string>) {
  if (line.includes('\xff')) return 'invalid_encoding';
  if (line.length > 1 << 20) return 'record_too_long';
  let order;
  try {
    order = JSON.parse(line);
  } catch {
    return 'malformed_json';
  }
  if (typeof order !== 'object' || Array.isArray(order)) {
    return 'malformed_json';
  }
  if (!order.id || !Array.isArray(order.items) || order.items.length === 0) {
    return 'invalid_order';
  }
  if (seen.has(order.id)) return 'duplicate_order';
  seen.add(order.id);
  for (const { price, quantity } of order.items) {
    if (price === undefined || price === '' || quantity === undefined) {
      return 'missing_field';
    }
    if (!isQuantity(String(quantity))) return 'invalid_quantity';
    if (!isCurrencyCode(order.currency)) return 'invalid_currency';
    if (!isPrice(String(price), order.currency)) return 'invalid_price';
    if (!REGIONS.includes(order.region)) return 'unknown_region';
    if (isOutOfRange(String(quantity), String(price), order.currency)) {
      return 'amount_out_of_range';
    }
  }
  return undefined;
}

function countKinds(kinds: (string | undefined)[]): Record<string, number> {
  const counts: Record<string, number> = {};
  for (const kind of kinds) {
    if (kind !== undefined) counts[kind] = (counts[kind] ?? 0) + 1;
  }
  return counts;
}

describe('generateOrders', () => {
  test.each(['csv', 'jsonl'] as const)('%s: one seed, one output', (format) => {
    const options = { rows: 3000, format, rejectRate: 0.05, shuffle: true };
    const first = generateBytes({ ...options, seed: 42 });

    expect(generateBytes({ ...options, seed: 42 }).equals(first)).toBe(true);
    expect(generateBytes({ ...options, seed: 43 }).equals(first)).toBe(false);
  });

  test('yields chunks of about 1 MiB', () => {
    const chunks = [...generateOrders({ rows: 60_000 })];

    expect(chunks.length).toBeGreaterThan(1);
    for (const chunk of chunks) expect(chunk.length).toBeLessThan(1.1e6);
  });

  test('a clean CSV file has the asked rows, all valid', () => {
    const options = { rows: 5000, seed: 7, currencies: CURRENCIES };
    const bytes = generateBytes(options);
    const text = new TextDecoder('utf-8', { fatal: true }).decode(bytes);
    const [header, ...rows] = parse(text) as string[][];
    const customers = new Map<string, string>();

    expect(header.join(',')).toBe(CSV_HEADER);
    expect(rows).toHaveLength(5000);
    for (const fields of rows) {
      const [id, customer, , quantity, price, currency, region] = fields;
      const digits = minorDigitsOf(currency) ?? -1;
      const decimals = digits === 0 ? '' : `\\.\\d{${digits}}`;
      expect(fields).toHaveLength(7);
      expect(classifyCsvLine(fields)).toBeUndefined();
      expect(CURRENCIES).toContain(currency);
      expect(REGIONS).toContain(region);
      expect(price).toMatch(new RegExp(`^\\d+${decimals}$`));
      expect(Number(quantity)).toBeGreaterThanOrEqual(1);
      expect(customers.get(id) ?? customer).toBe(customer);
      customers.set(id, customer);
    }
    // Quoted SKUs: a comma, a doubled quote and a line break all occur.
    for (const special of [',', '"', '\n', '\u00e9']) {
      expect(rows.some((fields) => fields[2].includes(special))).toBe(true);
    }
  });

  test('CSV rejects take turns through every kind', () => {
    const rejectRate = 0.1;
    const rows = parseCsvRecords({ rows: 4000, seed: 3, rejectRate }).slice(1);
    const counts = countKinds(rows.map(classifyCsvLine));
    // mixed_order is a property of an order: count orders with two customers.
    const customersById = new Map<string, Set<string>>();
    for (const fields of rows.filter((f) => !classifyCsvLine(f))) {
      const customers = customersById.get(fields[0]) ?? new Set();
      customersById.set(fields[0], customers.add(fields[1]));
    }
    counts.mixed_order = [...customersById.values()].filter(
      (customers) => customers.size > 1,
    ).length;

    expect(Object.keys(counts).sort()).toEqual([...REJECT_KINDS.csv].sort());
    const broken = Object.values(counts).reduce((sum, n) => sum + n, 0);
    expect(broken).toBe(4000 * rejectRate);
  });

  test('JSONL lines are orders; rejects take turns through every kind', () => {
    const clean = readJsonLines({ rows: 2000, format: 'jsonl' });
    expect(clean).toHaveLength(2000);
    for (const line of clean) expect(JSON.parse(line)).toBeTypeOf('object');

    const rejectRate = 0.2;
    const lines = readJsonLines({ rows: 2000, format: 'jsonl', rejectRate });
    const seen = new Set<string>();
    const kinds = lines.map((line) => classifyJsonLine(line, seen));
    const counts = countKinds(kinds);

    expect(lines).toHaveLength(2000);
    expect(Object.keys(counts).sort()).toEqual([...REJECT_KINDS.jsonl].sort());
    const broken = Object.values(counts).reduce((sum, n) => sum + n, 0);
    expect(broken).toBe(2000 * rejectRate);
  });

  test.each([500, undefined])(
    'shuffle (window %s) keeps rows, not order',
    (shuffleWindowRows) => {
      const options = { rows: 3000, seed: 5, rejectRate: 0.02 };
      const plain = parseCsvRecords(options).map((row) => JSON.stringify(row));
      const shuffled = parseCsvRecords({
        ...options,
        shuffle: true,
        shuffleWindowRows,
      }).map((row) => JSON.stringify(row));

      expect(shuffled[0]).toBe(plain[0]);
      expect(shuffled).not.toEqual(plain);
      expect([...shuffled].sort()).toEqual([...plain].sort());
    },
  );
});

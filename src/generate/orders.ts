// Deterministic synthetic order files for demos, tests and benchmarks.
// Records are built as strings whose characters are all below 256 and sent
// out as Buffer.from(text, 'latin1'), one byte per character: valid UTF-8 is
// spelled byte by byte ('\xc3\xa9' is é), and an invalid_encoding record can
// carry a raw 0xff byte, which no JavaScript string encoded as UTF-8 can.

import { minorDigitsOf } from '../money/currency.js';
import { formatMinorUnits as formatMinor } from '../money/decimal.js';
import type { RejectCode } from '../orders/codes.js';

export type OrderFileFormat = 'csv' | 'jsonl';

export interface GenerateOptions {
  /** CSV: line items, header not counted. JSONL: orders, one a line. */
  rows: number;
  seed?: number;
  format?: OrderFileFormat;
  currencies?: string[];
  regions?: string[];
  /** Share of records deliberately broken, 0 to 1. */
  rejectRate?: number;
  /** Scatter the rows of an order across a window of records. */
  shuffle?: boolean;
  shuffleWindowRows?: number;
}

export const CSV_HEADER =
  'order_id,customer_id,sku,quantity,unit_price,currency,region';

// Every contract reject code a single record can be written to trigger, in
// the order broken records cycle through them. duplicate_order comes before
// invalid_order so that, at high rates, the order it copies still has an id.
export const REJECT_KINDS = {
  csv: [
    'malformed_row',
    'invalid_encoding',
    'missing_field',
    'invalid_quantity',
    'invalid_currency',
    'invalid_price',
    'unknown_region',
    'mixed_order',
    'amount_out_of_range',
  ],
  jsonl: [
    'malformed_json',
    'invalid_encoding',
    'record_too_long',
    'duplicate_order',
    'invalid_order',
    'missing_field',
    'invalid_quantity',
    'invalid_currency',
    'invalid_price',
    'unknown_region',
    'amount_out_of_range',
  ],
} as const satisfies Record<OrderFileFormat, readonly RejectCode[]>;

export type RejectKind = (typeof REJECT_KINDS)[OrderFileFormat][number];

const CHUNK_BYTES = 1 << 20;
const DEFAULT_WINDOW_ROWS = 50_000;
const SKU_COUNT = 5000;
const ODD_SKU_SHARE = 1 / 64;
// Quoted-field paths: a delimiter, a doubled quote, a line break, UTF-8.
const ODD_SKUS = [
  'Mug, large',
  '12" record',
  'Gift set\nwith card',
  'Caf\xc3\xa9 cr\xc3\xa8me',
];
// One byte past the contract's default --max-record-size of 1 MiB.
const TOO_LONG_BYTES = (1 << 20) + 1;
// 2e7 minor units times a quantity of 1e9 passes 2^53 - 1 in any currency.
const HUGE_PRICE_MINOR = 20_000_000;
const BAD_QUANTITIES = [0, -1, 1.5, 'abc', 1_000_000_001];
const BAD_CURRENCIES = ['EURO', 'usd'];
// Roughly what a euro buys, so that a yen price looks like a yen price.
const PER_EURO: Record<string, number> = {
  JPY: 160,
  KRW: 1500,
  HUF: 400,
  ISK: 150,
  CLP: 1000,
  INR: 90,
  IDR: 17000,
  GBP: 0.85,
  USD: 1.1,
  KWD: 0.33,
  BHD: 0.4,
  OMR: 0.4,
  CLF: 0.03,
};

type Random = () => number;
type Reject = { kind: RejectKind; variant: number } | undefined;
type Item = {
  sku: string;
  price?: number | string;
  quantity?: number | string;
};
type Draft = {
  id?: string;
  customer: string;
  currency: string;
  region: string;
  items: Item[];
};

interface Plan {
  rows: number;
  seed: number;
  format: OrderFileFormat;
  random: Random;
  currencies: string[];
  regions: string[];
  unknownRegion: string;
  customerCount: number;
  nextReject: () => Reject;
}

// Yields the file as ~1 MiB Buffers; the same options give the same bytes.
export function* generateOrders(options: GenerateOptions): Generator<Buffer> {
  const plan = createPlan(options);
  const records =
    plan.format === 'csv'
      ? generateCsvRecords(plan)
      : generateJsonRecords(plan);
  // The shuffle draws from its own stream, so content matches unshuffled.
  const ordered = options.shuffle
    ? shuffleWithinWindows(
        records,
        options.shuffleWindowRows ?? DEFAULT_WINDOW_ROWS,
        createRandom(mix32(plan.seed ^ 0x5eed)),
      )
    : records;

  let parts = plan.format === 'csv' ? [`${CSV_HEADER}\n`] : [];
  let chars = parts[0]?.length ?? 0;
  for (const record of ordered) {
    parts.push(record);
    chars += record.length;
    if (chars < CHUNK_BYTES) continue;
    yield Buffer.from(parts.join(''), 'latin1');
    parts = [];
    chars = 0;
  }
  if (parts.length > 0) yield Buffer.from(parts.join(''), 'latin1');
}

function createPlan(options: GenerateOptions): Plan {
  const { rows, seed = 1, format = 'csv', rejectRate = 0 } = options;
  const currencies = options.currencies ?? ['EUR'];
  const regions = options.regions ?? ['DE', 'FR', 'GB', 'US-CA', 'US-NY', 'JP'];
  if (!Number.isSafeInteger(rows) || rows < 0) {
    throw new RangeError(`rows must be a whole number, got ${rows}`);
  }
  if (!(rejectRate >= 0 && rejectRate <= 1)) {
    throw new RangeError(`rejectRate must be from 0 to 1, got ${rejectRate}`);
  }
  const unknown = currencies.find((code) => minorDigitsOf(code) === undefined);
  if (unknown !== undefined || currencies.length === 0) {
    throw new RangeError(`not an ISO 4217 currency: '${unknown ?? ''}'`);
  }
  if (regions.length === 0) throw new RangeError('regions must not be empty');

  let unknownRegion = 'ZZ';
  while (regions.includes(unknownRegion)) unknownRegion += 'Z';
  const customerCount = Math.max(10, Math.floor(rows / 4));
  return {
    rows,
    seed,
    format,
    currencies,
    regions,
    unknownRegion,
    customerCount,
    random: createRandom(seed),
    nextReject: scheduleRejects(rejectRate, REJECT_KINDS[format]),
  };
}

// Spreads broken records evenly: after n records, floor(n × rate) are
// broken, so a test can count them exactly; kinds take turns.
function scheduleRejects(rate: number, kinds: readonly RejectKind[]) {
  let records = 0;
  let broken = 0;
  return (): Reject => {
    records += 1;
    if (Math.floor(records * rate + 1e-9) <= broken) return undefined;
    const kind = kinds[broken % kinds.length];
    const variant = Math.floor(broken / kinds.length);
    broken += 1;
    return { kind, variant };
  };
}

function* generateCsvRecords(plan: Plan): Generator<string> {
  let emitted = 0;
  for (let orderNo = 1; emitted < plan.rows; orderNo++) {
    const order = createDraft(plan, orderNo, 0);
    const remaining = plan.rows - emitted;
    const rejects: Reject[] = [];
    const lineCount = Math.min(1 + pickInt(plan.random, 5), remaining);
    for (let i = 0; i < lineCount; i++) rejects.push(plan.nextReject());
    // mixed_order needs a second line of the order to disagree with.
    if (lineCount === 1 && rejects[0]?.kind === 'mixed_order') {
      if (remaining > 1) rejects.push(plan.nextReject());
      else rejects[0] = { kind: 'missing_field', variant: 0 };
    }

    for (const reject of rejects) {
      const line = { ...order, items: [createItem(plan, order.currency)] };
      yield renderCsvLine(plan, breakDraft(plan, line, reject), reject);
      emitted += 1;
    }
  }
}

function* generateJsonRecords(plan: Plan): Generator<string> {
  let lastCleanId = 'ORD-000001';
  for (let orderNo = 1; orderNo <= plan.rows; orderNo++) {
    const draft = createDraft(plan, orderNo, 1 + pickInt(plan.random, 5));
    const reject = plan.nextReject();
    if (reject === undefined) lastCleanId = draft.id ?? lastCleanId;
    if (reject?.kind === 'duplicate_order') draft.id = lastCleanId;
    yield renderJsonLine(breakDraft(plan, draft, reject), reject);
  }
}

function createDraft(plan: Plan, orderNo: number, itemCount: number): Draft {
  const { random } = plan;
  const currency = pick(random, plan.currencies);
  const items = Array.from({ length: itemCount }, () => {
    const item = createItem(plan, currency);
    // JSON prices are strings or numbers, quantities numbers or strings.
    if (random() < 0.25) item.price = Number(item.price);
    if (random() < 0.125) item.quantity = String(item.quantity);
    return item;
  });
  return {
    id: `ORD-${String(orderNo).padStart(6, '0')}`,
    customer: `C-${1 + pickInt(random, plan.customerCount)}`,
    currency,
    region: pick(random, plan.regions),
    items,
  };
}

function createItem(plan: Plan, currency: string): Item {
  const { random } = plan;
  const skuNo = pickInt(random, SKU_COUNT);
  const sku =
    random() < ODD_SKU_SHARE
      ? pick(random, ODD_SKUS)
      : `SKU-${String(skuNo).padStart(5, '0')}`;
  // Mostly one to three units, now and then a bulk line.
  const quantity = 1 + pickInt(random, random() < 0.9 ? 3 : 100);
  const digits = minorDigitsOf(currency) ?? 2;
  const priceMinor = priceMinorOf(plan, skuNo, currency, digits);
  return { sku, price: formatMinor(priceMinor, digits), quantity };
}

// One SKU has one price per seed, as in a catalogue; most are cheap.
function priceMinorOf(
  plan: Plan,
  skuNo: number,
  currency: string,
  digits: number,
): number {
  const unit = mix32(Math.imul(skuNo + 1, 0x9e3779b1) ^ plan.seed) / 2 ** 32;
  const euroCents = 99 + Math.floor(unit ** 3 * 50_000);
  const minor = Math.max(
    1,
    Math.round((euroCents * (PER_EURO[currency] ?? 1) * 10 ** digits) / 100),
  );
  // Shop prices tend to end in 99 where the minor unit allows it.
  return digits === 2 && minor > 100 && skuNo % 3 > 0
    ? minor - (minor % 100) + 99
    : minor;
}

// Applies one reject kind to a clean draft; format-level kinds
// (malformed_row, malformed_json) are left to the renderers.
function breakDraft(plan: Plan, draft: Draft, reject: Reject): Draft {
  if (reject === undefined) return draft;
  const { kind, variant: v } = reject;
  const item = draft.items[draft.items.length - 1] ?? { sku: '' };
  const digits = minorDigitsOf(draft.currency) ?? 2;
  if (kind === 'invalid_encoding') item.sku += '\xff';
  if (kind === 'record_too_long') item.sku += 'x'.repeat(TOO_LONG_BYTES);
  if (kind === 'invalid_order') {
    if (v % 3 === 0) delete draft.id;
    else if (v % 3 === 1) draft.id = '';
    else draft.items = [];
  }
  if (kind === 'missing_field') {
    const slot = v % (plan.format === 'csv' ? 3 : 2);
    if (slot === 2) draft.id = '';
    else if (slot === 1) item.price = plan.format === 'csv' ? '' : undefined;
    else delete item.quantity;
  }
  if (kind === 'invalid_quantity') item.quantity = cycle(BAD_QUANTITIES, v);
  if (kind === 'invalid_currency') draft.currency = cycle(BAD_CURRENCIES, v);
  if (kind === 'invalid_price') {
    const tooFine = digits === 0 ? '5.5' : `1.${'9'.repeat(digits + 1)}`;
    item.price = cycle(['1e3', '-5', '1,000', '$5', tooFine], v);
  }
  if (kind === 'unknown_region') draft.region = plan.unknownRegion;
  if (kind === 'mixed_order') draft.customer = 'C-0';
  if (kind === 'amount_out_of_range') {
    item.quantity = 1_000_000_000;
    item.price = formatMinor(HUGE_PRICE_MINOR, digits);
  }
  return draft;
}

function renderCsvLine(plan: Plan, draft: Draft, reject: Reject): string {
  const item = draft.items[0] ?? { sku: '' };
  const fields = [
    draft.id,
    draft.customer,
    item.sku,
    item.quantity,
    item.price,
    draft.currency,
    draft.region,
  ].map((v) => String(v ?? ''));
  if (reject?.kind === 'malformed_row') {
    if (reject.variant % 2 === 0) fields.push(plan.unknownRegion);
    else fields.pop();
  }
  return `${fields.map(quoteCsvField).join(',')}\n`;
}

function renderJsonLine(draft: Draft, reject: Reject): string {
  const text = JSON.stringify({
    id: draft.id,
    customer_id: draft.customer,
    currency: draft.currency,
    region: draft.region,
    items: draft.items,
  });
  if (reject?.kind !== 'malformed_json') return `${text}\n`;
  // Cut short, an array instead of an object, trailing text.
  return `${cycle(
    [text.slice(0, -1), `[${text}]`, `${text} x`],
    reject.variant,
  )}\n`;
}

// Quotes a CSV field only where RFC 4180 requires it.
function quoteCsvField(value: string): string {
  return /[",\r\n]/.test(value) ? `"${value.replaceAll('"', '""')}"` : value;
}

// Fisher-Yates, inside out, within windows of `windowRows` records: the
// rows of an order land far apart while memory stays bounded by one window.
function* shuffleWithinWindows(
  records: Iterable<string>,
  windowRows: number,
  random: Random,
): Generator<string> {
  const window: string[] = [];
  for (const record of records) {
    const slot = pickInt(random, window.length + 1);
    window.push(window[slot] ?? record);
    window[slot] = record;
    if (window.length >= windowRows) yield* window.splice(0);
  }
  yield* window;
}

// mulberry32: tiny, fast, and the same sequence on every platform.
function createRandom(seed: number): Random {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    return mix32(state) / 2 ** 32;
  };
}

// mulberry32's output step, also used alone as a 32-bit hash.
function mix32(value: number): number {
  let t = value >>> 0;
  t = Math.imul(t ^ (t >>> 15), t | 1);
  t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
  return (t ^ (t >>> 14)) >>> 0;
}

const pickInt = (random: Random, count: number): number =>
  Math.floor(random() * count);
const pick = <T>(random: Random, items: readonly T[]): T =>
  items[pickInt(random, items.length)];
const cycle = <T>(items: readonly T[], variant: number): T =>
  items[variant % items.length];

// Clean orders before they are written: customer, currency, region and line
// items drawn from the plan's random stream, priced from a seeded catalogue.
import { minorDigitsOf } from '../money/currency.js';
import { formatMinorUnits as formatMinor } from '../money/decimal.js';
import type { Plan } from './plan.js';
import { mix32, pick, pickInt } from './random.js';

/** One line item; fields are loose so bad records can break them. */
export type Item = {
  sku: string;
  price?: number | string;
  quantity?: number | string;
};

/** One order as it will be written, one CSV line per item or one JSON line. */
export type Draft = {
  id?: string;
  customer: string;
  currency: string;
  region: string;
  items: Item[];
};

const SKU_COUNT = 5000;
const ODD_SKU_SHARE = 1 / 64;
// Quoted-field paths: a delimiter, a doubled quote, a line break, UTF-8.
const ODD_SKUS = [
  'Mug, large',
  '12" record',
  'Gift set\nwith card',
  'Caf\xc3\xa9 cr\xc3\xa8me',
];
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

// An order numbered orderNo with itemCount items, all of its currency.
export function createDraft(
  plan: Plan,
  orderNo: number,
  itemCount: number,
): Draft {
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

// One line item: a SKU, a quantity, and the SKU's price in the currency.
export function createItem(plan: Plan, currency: string): Item {
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
  // A synthetic price: any whole number of minor units will do, so the
  // float product is simply cut to an integer.
  const minor = Math.max(
    1,
    Math.trunc((euroCents * (PER_EURO[currency] ?? 1) * 10 ** digits) / 100),
  );
  // Shop prices tend to end in 99 where the minor unit allows it.
  return digits === 2 && minor > 100 && skuNo % 3 > 0
    ? minor - (minor % 100) + 99
    : minor;
}

// Sums of invoiced amounts per currency, for the summary. A file's sums can
// pass 2^53 minor units, so they are kept in BigInt.

export type TotalsRecord = Record<
  string,
  { invoices: number; subtotal: string; tax: string; total: string }
>;

interface Sums {
  // A currency is listed while it has invoices: the merge takes back what
  // a chunk counted for an order it then rejects whole, which may leave a
  // currency with none (and sums of zero).
  invoices: number;
  subtotal: bigint;
  tax: bigint;
  total: bigint;
  // Exact running sums in doubles, moved into the BigInts before they
  // could pass 2^53: one BigInt addition per many invoices.
  subtotalMinor: number;
  taxMinor: number;
  totalMinor: number;
}

const LIMIT = Number.MAX_SAFE_INTEGER;

/** Per-currency sums of subtotal, tax and total in minor units. */
export class CurrencyTotals {
  readonly #sums = new Map<string, Sums>();
  #lastCurrency = '';
  #lastSums: Sums | undefined;

  /**
   * Adds one invoice's amounts, each at most 2^53 - 1 (or takes one back,
   * with the amounts negated and `invoices` -1).
   */
  addInvoice(
    currency: string,
    subtotal: number,
    tax: number,
    total: number,
    invoices = 1,
  ): void {
    const sums = this.#sumsOf(currency);
    if (Math.abs(sums.totalMinor) > LIMIT - Math.abs(total)) {
      this.#flush(sums);
    }
    sums.invoices += invoices;
    sums.subtotalMinor += subtotal;
    sums.taxMinor += tax;
    sums.totalMinor += total;
  }

  /** Adds the sums of `invoices` invoices (a negative count takes back). */
  add(
    currency: string,
    invoices: number,
    subtotal: bigint,
    tax: bigint,
    total: bigint,
  ): void {
    const sums = this.#sumsOf(currency);
    sums.invoices += invoices;
    sums.subtotal += subtotal;
    sums.tax += tax;
    sums.total += total;
  }

  // The invoices of a chunk are nearly always in one currency: the last
  // one's sums are kept at hand, spared a Map lookup an invoice.
  #sumsOf(currency: string): Sums {
    if (currency === this.#lastCurrency && this.#lastSums) {
      return this.#lastSums;
    }
    let sums = this.#sums.get(currency);
    if (!sums) {
      sums = {
        invoices: 0,
        subtotal: 0n,
        tax: 0n,
        total: 0n,
        subtotalMinor: 0,
        taxMinor: 0,
        totalMinor: 0,
      };
      this.#sums.set(currency, sums);
    }
    this.#lastCurrency = currency;
    this.#lastSums = sums;
    return sums;
  }

  // subtotal and tax never exceed total, nor differ from it in sign, so
  // checking total guards all three.
  #flush(sums: Sums): void {
    sums.subtotal += BigInt(sums.subtotalMinor);
    sums.tax += BigInt(sums.taxMinor);
    sums.total += BigInt(sums.totalMinor);
    sums.subtotalMinor = 0;
    sums.taxMinor = 0;
    sums.totalMinor = 0;
  }

  /** Adds sums sent as decimal strings (from another chunk). */
  addRecord(record: TotalsRecord): void {
    for (const [currency, sums] of Object.entries(record)) {
      this.add(
        currency,
        sums.invoices,
        BigInt(sums.subtotal),
        BigInt(sums.tax),
        BigInt(sums.total),
      );
    }
  }

  /**
   * The sums as strings, by currency code, for messages and JSON: the
   * currencies with invoices.
   */
  toRecord(): TotalsRecord {
    const record: TotalsRecord = {};
    const entries = [...this.#sums].sort(([a], [b]) => (a < b ? -1 : 1));
    for (const [currency, sums] of entries) {
      if (sums.invoices === 0) continue;
      this.#flush(sums);
      record[currency] = {
        invoices: sums.invoices,
        subtotal: sums.subtotal.toString(),
        tax: sums.tax.toString(),
        total: sums.total.toString(),
      };
    }
    return record;
  }
}

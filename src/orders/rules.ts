// The settings a chunk is processed with: what the header said, and the
// options that shape totals and output. Plain data, so it crosses threads.
import type { RoundingMode, TaxRate } from '../money/tax.js';

export type InputFormat = 'csv' | 'jsonl';
export type OutputFormat = 'csv' | 'jsonl';

/** Field positions in a CSV record; -1 when the header lacks the column. */
export interface ColumnIndexes {
  orderId: number;
  quantity: number;
  unitPrice: number;
  currency: number;
  region: number;
  customerId: number;
}

/** Column indexes before a header is read: every column absent. */
export function noColumns(): ColumnIndexes {
  return {
    orderId: -1,
    quantity: -1,
    unitPrice: -1,
    currency: -1,
    region: -1,
    customerId: -1,
  };
}

export interface TaxSettings {
  /** The rate when no tax table is given. */
  rate: TaxRate;
  /** Region to rate, from --tax-table; `*` is the fallback. */
  table?: Array<[region: string, rate: TaxRate]>;
  rounding: 'order' | 'line';
}

/** Everything a worker thread needs to turn records into invoices. */
export interface ChunkSettings {
  format: InputFormat;
  delimiter: number;
  columns: ColumnIndexes;
  fieldCount: number;
  defaultCurrency: string;
  tax: TaxSettings;
  rounding: RoundingMode;
  outputFormat: OutputFormat;
  formulaGuard: boolean;
  maxRecordBytes: number;
}

/** Settings made ready for the hot path: maps instead of lists. */
export class Rules {
  readonly settings: ChunkSettings;
  /** The rates of the tax table's regions; empty without a table. */
  readonly regionRates: ReadonlyMap<string, TaxRate>;
  /** The rate of any other region: the '*' row's, or --tax-rate. */
  readonly otherRate: TaxRate | undefined;

  constructor(settings: ChunkSettings) {
    this.settings = settings;
    const table = settings.tax.table;
    this.regionRates = new Map(table ?? []);
    this.otherRate = table ? this.regionRates.get('*') : settings.tax.rate;
  }

  /** The rate for a region, or undefined when the tax table lacks it. */
  rateOf(region: string): TaxRate | undefined {
    return this.regionRates.get(region) ?? this.otherRate;
  }
}

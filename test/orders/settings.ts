// The chunk settings the tests of src/orders share: the columns
// order_id,customer_id,currency,region,quantity,unit_price, USD by default,
// 19 % tax rounded once an order, half up, formula guard on.
import { parseTaxRate } from '../../src/money/tax.js';
import type { ChunkSettings } from '../../src/orders/rules.js';

export const CSV_SETTINGS: ChunkSettings = {
  format: 'csv',
  delimiter: 44,
  columns: {
    orderId: 0,
    customerId: 1,
    currency: 2,
    region: 3,
    quantity: 4,
    unitPrice: 5,
  },
  fieldCount: 6,
  defaultCurrency: 'USD',
  tax: { rate: parseTaxRate('0.19')!, rounding: 'order' },
  rounding: 'half-up',
  outputFormat: 'csv',
  formulaGuard: true,
  maxRecordBytes: 1 << 20,
};

/**
 * CSV_SETTINGS with a tax table of FR and GB (and no '*' row, so that any
 * other region is unknown_region) or the one rate, rounded once an order
 * or on each line.
 */
export function taxSettings(
  taxTable: boolean,
  lineRounding: boolean,
): ChunkSettings {
  return {
    ...CSV_SETTINGS,
    tax: {
      rate: CSV_SETTINGS.tax.rate,
      table: taxTable
        ? [
            ['FR', parseTaxRate('0.2')!],
            ['GB', parseTaxRate('0.175')!],
          ]
        : undefined,
      rounding: lineRounding ? 'line' : 'order',
    },
  };
}

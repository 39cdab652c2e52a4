// Reject codes, numbered in the contract's order of precedence: a record
// gets the first code that applies, so a smaller number wins.

export const REJECT_CODES = [
  'malformed_row',
  'invalid_encoding',
  'record_too_long',
  'malformed_json',
  'invalid_order',
  'duplicate_order',
  'missing_field',
  'invalid_quantity',
  'invalid_currency',
  'invalid_price',
  'unknown_region',
  'mixed_order',
  'amount_out_of_range',
  'order_rejected',
] as const;

export type RejectCode = (typeof REJECT_CODES)[number];

/** A reject code as a small integer (1-based; 0 means "no code"). */
export const Code = {
  none: 0,
  malformedRow: 1,
  invalidEncoding: 2,
  recordTooLong: 3,
  malformedJson: 4,
  invalidOrder: 5,
  duplicateOrder: 6,
  missingField: 7,
  invalidQuantity: 8,
  invalidCurrency: 9,
  invalidPrice: 10,
  unknownRegion: 11,
  mixedOrder: 12,
  amountOutOfRange: 13,
  orderRejected: 14,
} as const;

/** The contract's name of a numbered code. */
export function codeName(code: number): RejectCode {
  return REJECT_CODES[code - 1];
}

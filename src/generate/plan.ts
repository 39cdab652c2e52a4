// The checked options of one generated file, with the random stream and the
// reject schedule every record is drawn from.
import { minorDigitsOf } from '../money/currency.js';
import { REJECT_KINDS, scheduleRejects, type Reject } from './bad-records.js';
import type { GenerateOptions, OrderFileFormat } from './orders.js';
import { createRandom, type Random } from './random.js';

/** Everything the record generators need, decided once up front. */
export interface Plan {
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

// Checks the options and fills in defaults; throws RangeError on bad input.
export function createPlan(options: GenerateOptions): Plan {
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

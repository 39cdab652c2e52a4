// Reads a --tax-table file (CSV with columns region,rate) with csv-parse.
import { readFileSync } from 'node:fs';
import { parse } from 'csv-parse/sync';
import { missingInput, unusableInput } from '../errors.js';
import { parseTaxRate, type TaxRate } from '../money/tax.js';

/** The table's rows as region and rate; `*` is the fallback region. */
export function readTaxTable(path: string): Array<[string, TaxRate]> {
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (error) {
    throw missingInput(path, error);
  }
  let records: Array<{
    record: Record<string, string>;
    info: { lines: number };
  }>;
  try {
    records = parse(text, {
      columns: (h: string[]) => h.map((n) => n.trim().toLowerCase()),
      bom: true,
      skip_empty_lines: true,
      trim: true,
      info: true,
    });
  } catch (error) {
    throw unusableInput(
      path,
      `the tax table is not valid CSV (${(error as Error).message}); fix its quotes`,
    );
  }
  if (
    records.length === 0 ||
    !('region' in records[0].record) ||
    !('rate' in records[0].record)
  ) {
    throw unusableInput(
      path,
      'the tax table needs a header with columns region,rate and one row at least',
    );
  }
  const seen = new Set<string>();
  return records.map(({ record, info }) => {
    const line = info.lines;
    const rate = parseTaxRate(record.rate ?? '');
    if (!rate) {
      throw unusableInput(
        path,
        `tax table line ${line}: rate '${record.rate}' is not a plain ` +
          'decimal like 0.19 or 19%; fix that row',
      );
    }
    if (seen.has(record.region)) {
      throw unusableInput(
        path,
        `tax table line ${line}: region '${record.region}' is listed twice; keep one row for it`,
      );
    }
    seen.add(record.region);
    return [record.region, rate];
  });
}

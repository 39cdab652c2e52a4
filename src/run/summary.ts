// The run's summary: the JSON file the contract describes, and the short
// human version printed on standard error.
import { minorDigitsOf } from '../money/currency.js';
import { formatMinorUnits } from '../money/decimal.js';
import type { MergeResult } from '../engine/merge-stretch.js';
import type { OutputPaths } from '../io/output-paths.js';

/** The facts of a finished run that the summary reports. */
export interface RunFacts {
  input: string;
  format: string;
  bytes: number;
  processes: number;
  threads: number;
  elapsedMs: number;
  exitCode: number;
  paths: OutputPaths;
}

/** The summary file's JSON text. */
export function summaryJson(facts: RunFacts, result: MergeResult): string {
  const totals = Object.entries(result.totals.toRecord()).map(
    ([currency, sums]) => {
      const digits = minorDigitsOf(currency) ?? 0;
      return {
        currency,
        subtotal: formatMinorUnits(BigInt(sums.subtotal), digits),
        tax: formatMinorUnits(BigInt(sums.tax), digits),
        total: formatMinorUnits(BigInt(sums.total), digits),
      };
    },
  );
  const summary = {
    input: facts.input,
    format: facts.format,
    bytes: facts.bytes,
    rows: result.rows,
    invoiced_rows: result.invoicedRows,
    rejected_rows: result.rejectedRows,
    invoices: result.invoices,
    rejected_orders: result.rejectedOrders,
    totals,
    processes: facts.processes,
    threads: facts.threads,
    elapsed_ms: facts.elapsedMs,
    exit_code: facts.exitCode,
    outputs: { invoices: facts.paths.invoices, rejects: facts.paths.rejects },
  };
  return `${JSON.stringify(summary, null, 2)}\n`;
}

/** The human summary: a few lines for standard error. */
export function summaryText(facts: RunFacts, result: MergeResult): string {
  const seconds = (facts.elapsedMs / 1000).toString();
  const where =
    facts.paths.invoices === '-' ? 'standard output' : facts.paths.invoices;
  const n = (count: number) => count.toLocaleString('en-US');
  const lines = [
    `${facts.input}: ${n(result.rows)} rows in ${seconds} s`,
    `  ${n(result.invoices)} invoices (${n(result.invoicedRows)} rows) ` +
      `in ${where}`,
    `  ${n(result.rejectedRows)} rows rejected ` +
      `(${n(result.rejectedOrders)} orders) in ${facts.paths.rejects}`,
  ];
  if (facts.exitCode === 3) {
    lines.push(
      '  more rows were rejected than --max-rejects allows: exit code 3',
    );
  }
  return lines.join('\n');
}

// The runs most tests make, and what they assert about them: a fixture
// processed with its invoices on standard output, an inline input processed
// into named files, two runs whose outputs must match byte for byte, and a
// run that stopped early and must have left nothing behind.
import { copyFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { expect } from 'vitest';
import {
  FIXTURES,
  INVOICE_HEADER,
  csvLines,
  parseInvoices,
  readIn,
  readRejects,
  runCli,
  stableSummary,
  tempDir,
  writeIn,
  type RejectRow,
} from './helpers.js';

/** The invoices of fixtures/orders.csv at the default rate, 0.2. */
export const ORDERS_CSV_INVOICES = csvLines(
  INVOICE_HEADER,
  'SO-1001,C-2001,EUR,DE,3,8,58.48,0.2,11.70,70.18',
  'SO-1002,C-2002,USD,US-CA,3,6,121.47,0.2,24.29,145.76',
  'SO-1003,C-2003,JPY,JP,3,6,17200,0.2,3440,20640',
  'SO-1004,C-2004,EUR,FR,2,13,38.75,0.2,7.75,46.50',
  'SO-1005,C-2005,EUR,GB,1,1,24.99,0.2,5.00,29.99',
  'SO-1006,C-2006,USD,US-NY,3,4,118.15,0.2,23.63,141.78',
  'SO-1007,C-2007,EUR,DE,2,3,93.50,0.2,18.70,112.20',
  'SO-1008,C-2008,JPY,JP,2,3,4550,0.2,910,5460',
  'SO-1009,C-2001,EUR,FR,3,3,57.49,0.2,11.50,68.99',
  'SO-1010,C-2009,USD,US-CA,2,3,124.00,0.2,24.80,148.80',
  'SO-1011,C-2010,EUR,GB,3,4,114.93,0.2,22.99,137.92',
  'SO-1012,C-2011,USD,US-NY,2,4,69.96,0.2,13.99,83.95',
  'SO-1013,C-2012,EUR,DE,3,7,81.60,0.2,16.32,97.92',
  'SO-1014,C-2013,JPY,JP,3,6,16420,0.2,3284,19704',
  'SO-1015,C-2014,EUR,FR,5,8,101.86,0.2,20.37,122.23',
);

/** One order per line: `order_id,quantity,unit_price,currency`. */
export function priced(rows: string[]): string {
  return csvLines('order_id,quantity,unit_price,currency', ...rows);
}

/** Copies fixtures/`name` into `dir` as `as`; returns `as`. */
export function copyFixture(dir: string, name: string, as = name): string {
  copyFileSync(join(FIXTURES, name), join(dir, as));
  return as;
}

/** Processes `input` in `dir`: invoices to standard output, rejects parsed. */
export async function invoicesOf(
  dir: string,
  input: string,
  args: string[] = [],
) {
  const outputs = ['--rejects', 'r.csv', '--summary', 's.json'];
  const result = await runCli(
    ['process', input, '-o', '-', ...outputs, '-q', ...args],
    { cwd: dir },
  );
  return { ...result, rejects: readRejects(dir, 'r.csv') };
}

/** What a run on an inline input came to. */
export interface Processed {
  code: number | null;
  stderr: string;
  /** The order ids of the invoices, in order. */
  invoiced: string[];
  rejects: RejectRow[];
  summary: Record<string, number>;
}

/** Processes `content`, saved as `name` in a fresh folder; exit 0 or 3. */
export async function processText(
  name: string,
  content: string | Buffer,
  args: string[] = [],
): Promise<Processed> {
  const dir = tempDir();
  writeIn(dir, name, content);
  const outputs = ['-o', 'i.csv', '--rejects', 'r.csv', '--summary', 's.json'];
  const result = await runCli(['process', name, ...outputs, '-q', ...args], {
    cwd: dir,
    timeoutMs: 30_000,
  });
  if (result.code !== 0 && result.code !== 3) {
    throw new Error(`exit ${result.code}: ${result.stderr}`);
  }
  return {
    code: result.code,
    stderr: result.stderr,
    invoiced: parseInvoices(readIn(dir, 'i.csv')).map((row) => row.order_id),
    rejects: readRejects(dir, 'r.csv'),
    summary: JSON.parse(readIn(dir, 's.json')),
  };
}

/** The contract's invariant: rows = invoiced_rows + rejected_rows. */
export function expectBalanced(summary: Record<string, number>): void {
  expect(summary.rows).toBe(summary.invoiced_rows + summary.rejected_rows);
}

/** Asserts one line on standard error and only `inputs` left in `dir`. */
export function expectStoppedClean(
  dir: string,
  stderr: string,
  inputs: string[],
): void {
  expect(stderr.trim().split('\n')).toHaveLength(1);
  expect(readdirSync(dir).sort()).toEqual([...inputs].sort());
}

/** A run's three outputs, the summary without what differs run to run. */
export interface Outputs {
  code: number | null;
  invoices: string;
  rejects: string;
  summary: Record<string, unknown>;
}

/** Processes `input` in `dir` into outputs named after `tag`; exit 0 or 3. */
export async function processWith(
  dir: string,
  input: string,
  tag: string,
  args: string[],
): Promise<Outputs> {
  const outputs = ['-o', `${tag}.inv`, '--rejects', `${tag}.rej`];
  const result = await runCli(
    ['process', input, ...outputs, '--summary', `${tag}.json`, '-q', ...args],
    { cwd: dir, timeoutMs: 45_000 },
  );
  if (result.code !== 0 && result.code !== 3) {
    const how = result.code ?? result.signal;
    throw new Error(`${args.join(' ')}: exit ${how}: ${result.stderr}`);
  }
  return {
    code: result.code,
    invoices: readIn(dir, `${tag}.inv`),
    rejects: readIn(dir, `${tag}.rej`),
    summary: stableSummary(readIn(dir, `${tag}.json`)),
  };
}

/** Asserts byte-identical outputs, showing the first line that differs. */
export function expectSameOutputs(actual: Outputs, expected: Outputs): void {
  expect(actual.code).toBe(expected.code);
  expectSameText(actual.invoices, expected.invoices, 'invoices');
  expectSameText(actual.rejects, expected.rejects, 'rejects');
  expect(actual.summary).toEqual(expected.summary);
}

// A whole-file toEqual on megabytes prints an unreadable diff; the first
// differing line, with its number, says what went wrong.
function expectSameText(actual: string, expected: string, what: string) {
  if (actual === expected) return;
  const actualLines = actual.split('\n');
  const expectedLines = expected.split('\n');
  const line = actualLines.findIndex((text, i) => text !== expectedLines[i]);
  const at = line < 0 ? actualLines.length : line;
  expect(`${what} line ${at + 1}: ${actualLines[at]}`).toBe(
    `${what} line ${at + 1}: ${expectedLines[at]}`,
  );
}

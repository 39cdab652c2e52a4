// The invariants checked before anything is published, end to end: a
// merge that loses an invoice (the test hook ORDER_BATCH_TEST_LOSE_INVOICE
// of src/engine/merge.ts) ends the run with 70, one line, and leaves the
// earlier outputs as they were.
import { readFileSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, afterEach, beforeAll, expect, test } from 'vitest';
import { generate, leftovers, runCli, suiteDir } from './helpers.js';

let dir: string;

beforeAll(async () => {
  dir = suiteDir();
  await generate(dir, 'orders.csv', ['--rows', '20000', '--seed', '3']);
}, 60_000);
afterAll(() => rmSync(dir, { recursive: true, force: true }));
afterEach(() => {
  delete process.env.ORDER_BATCH_TEST_LOSE_INVOICE;
});

test.each([
  ['inside the primary', []],
  ['on processes', ['--processes', '2', '--chunk-size', '64k']],
])('a lost invoice %s: 70, nothing published', async (_where, args) => {
  const first = await runCli(['process', 'orders.csv', '-q', ...args], {
    cwd: dir,
  });
  expect(first.code).toBe(0);
  const earlier = readFileSync(join(dir, 'orders.invoices.csv'));
  const summary = readFileSync(join(dir, 'orders.summary.json'));

  process.env.ORDER_BATCH_TEST_LOSE_INVOICE = '1';
  const result = await runCli(['process', 'orders.csv', '-q', ...args], {
    cwd: dir,
  });

  expect(result.code).toBe(70);
  expect(result.stderr.trim().split('\n')).toEqual([
    expect.stringMatching(/invoices were written for \d+ invoiced orders/),
  ]);
  expect(readFileSync(join(dir, 'orders.invoices.csv'))).toEqual(earlier);
  expect(readFileSync(join(dir, 'orders.summary.json'))).toEqual(summary);
  expect(leftovers(dir)).toEqual([]);
});

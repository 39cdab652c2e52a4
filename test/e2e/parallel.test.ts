// The outputs are byte for byte the same whatever --processes, --threads
// and --chunk-size are, and a worker process that dies is replaced without
// a trace in the outputs.
import { copyFileSync, mkdirSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import {
  childPids, cpuSeconds, generate, isAlive, leftovers, readIn, runCli, startCli, stableSummary, suiteDir,
  tempDir, waitFor, writeIn,
} from './helpers.js';

const TIMEOUT = 60_000;

interface Outputs {
  code: number | null;
  invoices: string;
  rejects: string;
  summary: Record<string, unknown>;
}

/** Processes `input` (a path) in `dir`, outputs named after `tag`. */
async function processWith(dir: string, input: string, tag: string, args: string[]): Promise<Outputs> {
  const result = await runCli(
    ['process', input, '-o', `${tag}.inv`, '--rejects', `${tag}.rej`, '--summary', `${tag}.json`, '-q', ...args],
    { cwd: dir, timeoutMs: 45_000 },
  );
  if (result.code !== 0 && result.code !== 3) {
    throw new Error(`${args.join(' ')}: exit ${result.code ?? result.signal}: ${result.stderr}`);
  }
  return {
    code: result.code,
    invoices: readIn(dir, `${tag}.inv`),
    rejects: readIn(dir, `${tag}.rej`),
    summary: stableSummary(readIn(dir, `${tag}.json`)),
  };
}

function expectSameOutputs(actual: Outputs, expected: Outputs): void {
  expect(actual.code).toBe(expected.code);
  // Compared as strings first for a readable diff, then as wholes.
  expect(actual.invoices.length).toBe(expected.invoices.length);
  expect(actual.invoices === expected.invoices).toBe(true);
  expect(actual.rejects === expected.rejects).toBe(true);
  expect(actual.summary).toEqual(expected.summary);
}

describe('the same outputs for any --processes, --threads, --chunk-size', () => {
  let dir: string;
  const reference: Record<string, Outputs> = {};

  beforeAll(async () => {
    dir = suiteDir();
    await generate(dir, 'shuffled.csv', ['--rows', '3000', '--reject-rate', '0.05', '--shuffle', '--seed', '11']);
    await generate(dir, 'small.csv', ['--rows', '300', '--reject-rate', '0.05', '--shuffle', '--seed', '12']);
    await generate(dir, 'orders.jsonl', [
      '--rows', '1000', '--format', 'jsonl', '--reject-rate', '0.05', '--shuffle',
      '--currencies', 'EUR,JPY,KWD', '--seed', '13',
    ]);
    // Its third reject is a line just over 1 MiB (record_too_long).
    await generate(dir, 'long.jsonl', [
      '--rows', '200', '--format', 'jsonl', '--reject-rate', '0.05', '--seed', '15',
    ]);
    // Fewer than three rejects, so no 1 MiB line: at a chunk size of 3 that
    // line alone would make some 350,000 chunks.
    await generate(dir, 'small.jsonl', [
      '--rows', '50', '--format', 'jsonl', '--reject-rate', '0.05', '--currencies', 'EUR,JPY,KWD', '--seed', '14',
    ]);
    for (const input of ['shuffled.csv', 'small.csv', 'orders.jsonl', 'long.jsonl', 'small.jsonl']) {
      reference[input] = await processWith(dir, input, `ref-${input}`, []);
    }
  }, TIMEOUT);
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  test('the reference runs reject some rows and invoice the rest', () => {
    for (const outputs of Object.values(reference)) {
      expect(outputs.code).toBe(3);
      const { rows, invoiced_rows, rejected_rows } = outputs.summary as Record<string, number>;
      expect(rejected_rows).toBeGreaterThan(0);
      expect(invoiced_rows).toBeGreaterThan(0);
      expect(rows).toBe(invoiced_rows + rejected_rows);
    }
  });

  const variants: Array<[string, string[]]> = [
    ['shuffled.csv', ['--processes', '1']],
    ['shuffled.csv', ['--processes', '2']],
    ['shuffled.csv', ['--threads', '1']],
    ['shuffled.csv', ['--threads', '2']],
    ['shuffled.csv', ['--processes', '2', '--threads', '2']],
    ['shuffled.csv', ['--chunk-size', '100']],
    ['shuffled.csv', ['--chunk-size', '64k']],
    ['shuffled.csv', ['--chunk-size', '4m']],
    ['shuffled.csv', ['--processes', '2', '--chunk-size', '100']],
    ['shuffled.csv', ['--processes', '2', '--threads', '2', '--chunk-size', '1k']],
    ['small.csv', ['--chunk-size', '3']],
    ['small.csv', ['--processes', '2', '--chunk-size', '3']],
    ['small.csv', ['--processes', '1', '--chunk-size', '1']],
    ['orders.jsonl', ['--processes', '1']],
    ['orders.jsonl', ['--processes', '2']],
    ['orders.jsonl', ['--threads', '2']],
    ['orders.jsonl', ['--chunk-size', '64k']],
    ['orders.jsonl', ['--processes', '2', '--chunk-size', '64k']],
    ['orders.jsonl', ['--chunk-size', '4m']],
    ['long.jsonl', ['--chunk-size', '1k']],
    ['long.jsonl', ['--processes', '2', '--chunk-size', '4k']],
    ['small.jsonl', ['--chunk-size', '100']],
    ['small.jsonl', ['--chunk-size', '3']],
    ['small.jsonl', ['--processes', '2', '--threads', '2', '--chunk-size', '100']],
  ];

  test.each(variants)('%s %j', { timeout: TIMEOUT }, async (input, args) => {
    const tag = `${input}-${args.join('')}`;

    const outputs = await processWith(dir, input, tag, args);

    expectSameOutputs(outputs, reference[input]);
    expect(leftovers(dir)).toEqual([]);
  });

  test('property: any chunk size, processes and threads give the reference outputs', { timeout: 180_000 }, async () => {
    const cases = fc.record({
      seed: fc.integer({ min: 0, max: 1_000_000 }),
      format: fc.constantFrom('csv', 'jsonl'),
      rows: fc.integer({ min: 10, max: 150 }),
      rejectRate: fc.constantFrom('0', '0.05', '0.2'),
      shuffle: fc.boolean(),
      chunkSize: fc.oneof(fc.integer({ min: 1, max: 64 }), fc.integer({ min: 65, max: 5000 }), fc.constant(65536)),
      processes: fc.integer({ min: 1, max: 2 }),
      threads: fc.integer({ min: 1, max: 2 }),
    });
    let run = 0;

    await fc.assert(
      fc.asyncProperty(cases, async (c) => {
        const generated = join(dir, `property-${run++}`);
        mkdirSync(generated);
        const fileName = `p.${c.format}`;
        // JSON lines: fewer than three rejects, so no 1 MiB line (the
        // generator's third reject), which tiny chunks make slow.
        const rows = c.format === 'jsonl' && c.rejectRate !== '0'
          ? Math.min(c.rows, Math.floor(2.99 / Number(c.rejectRate)))
          : c.rows;
        await generate(generated, fileName, [
          '--rows', String(rows), '--seed', String(c.seed), '--format', c.format,
          '--reject-rate', c.rejectRate, '--currencies', 'EUR,JPY,KWD', ...(c.shuffle ? ['--shuffle'] : []),
        ]);

        const expected = await processWith(generated, fileName, 'ref', []);
        const actual = await processWith(generated, fileName, 'var', [
          '--chunk-size', String(c.chunkSize), '--processes', String(c.processes), '--threads', String(c.threads),
        ]);

        expectSameOutputs(actual, expected);
      }),
      { numRuns: 5 },
    );
  });
});

describe('a record larger than a chunk is never split', () => {
  // Once a regression: the rest of such a line was never skipped, and the
  // run read the same bytes forever.
  test('a JSON line past --max-record-size, longer than the chunk: record_too_long', { timeout: TIMEOUT }, async () => {
    const dir = tempDir();
    const order = (id: string, extra: Record<string, unknown> = {}) =>
      JSON.stringify({ id, items: [{ price: '1.00', quantity: 1 }], ...extra });
    writeIn(dir, 'o.jsonl', `${[order('A'), order('LONG', { note: 'x'.repeat(200_000) }), order('B')].join('\n')}\n`);

    const result = await runCli(
      ['process', 'o.jsonl', '--max-record-size', '100k', '--chunk-size', '1k', '-o', '-', '--rejects', 'r.csv', '-q'],
      { cwd: dir, timeoutMs: 10_000 },
    );

    expect(result.code).toBe(3);
    expect(result.stdout.split('\n').slice(1, 3).map((line) => line.split(',')[0])).toEqual(['A', 'B']);
  });

  test('a CSV record with quoted line breaks across many tiny chunks', { timeout: TIMEOUT }, async () => {
    const dir = tempDir();
    const note = Array.from({ length: 40 }, (_, i) => `line ${i}`).join('\n');
    writeIn(dir, 'o.csv', [
      'order_id,sku,quantity,unit_price',
      'A,plain,1,1.00',
      `B,"${note}",2,2.00`,
      'C,"x\r\ny",1,bad',
      'D,plain,1,4.00',
    ].join('\n'));

    const small = await processWith(dir, 'o.csv', 'small', ['--chunk-size', '1', '--processes', '2']);
    const whole = await processWith(dir, 'o.csv', 'whole', []);

    expectSameOutputs(small, whole);
    expect(whole.invoices.split('\n').slice(1, -1).map((line) => line.split(',')[0])).toEqual(['A', 'B', 'D']);
    expect(whole.rejects).toContain('\n43,C,invalid_price,');
  });
});

describe('a worker process that dies', () => {
  let dir: string;
  let reference: Outputs;

  beforeAll(async () => {
    dir = suiteDir();
    // About 20 MB, so that the run lasts long enough to be hit mid-way.
    await generate(dir, 'big.csv', ['--rows', '450000', '--reject-rate', '0.01', '--seed', '21']);
    reference = await processWith(dir, 'big.csv', 'clean', ['--processes', '2', '--chunk-size', '16k']);
  }, 120_000);
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  test('SIGKILLed mid-run: its work is redone, the outputs are those of a clean run', { timeout: 120_000 }, async () => {
    const work = tempDir();
    copyFileSync(join(dir, 'big.csv'), join(work, 'big.csv'));
    const run = startCli(
      ['process', 'big.csv', '-o', 'k.inv', '--rejects', 'k.rej', '--summary', 'k.json', '-q',
        '--processes', '2', '--chunk-size', '16k'],
      { cwd: work },
    );
    let ended = false;
    void run.result.then(() => (ended = true));
    const victim = await waitFor('a worker process', () => childPids(run.child.pid!)[0]);
    // Mid-run: the worker has done some work, and the run is still going.
    await waitFor('the worker to work', () => cpuSeconds(victim) >= 0.3);
    expect(ended).toBe(false);

    process.kill(victim, 'SIGKILL');
    const result = await run.result;

    expect([0, 3]).toContain(result.code);
    await waitFor('the victim to be gone', () => !isAlive(victim), 5_000);
    const outputs = {
      code: result.code,
      invoices: readIn(work, 'k.inv'),
      rejects: readIn(work, 'k.rej'),
      summary: stableSummary(readIn(work, 'k.json')),
    };
    expectSameOutputs(outputs, reference);
    expect(leftovers(work)).toEqual([]);
  });
});

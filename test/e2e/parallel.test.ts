// The outputs are byte for byte the same whatever --processes, --threads
// and --chunk-size are, down to one-byte chunks.
import { mkdirSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, test, vi } from 'vitest';
import {
  generate,
  leftovers,
  runCli,
  suiteDir,
  tempDir,
  writeIn,
} from './helpers.js';
import { expectSameOutputs, processWith } from './runs.js';

vi.setConfig({ testTimeout: 60_000, hookTimeout: 120_000 });

// Runs `run` with the test hooks `hooks` in the environment, which the
// CLI's processes inherit, and takes them out again.
async function withHooks(
  hooks: Record<string, string>,
  run: () => Promise<void>,
): Promise<void> {
  Object.assign(process.env, hooks);
  try {
    await run();
  } finally {
    for (const name of Object.keys(hooks)) delete process.env[name];
  }
}

describe('the same outputs for any --processes, --threads, --chunk-size', () => {
  let dir: string;
  const reference: Record<string, Outputs> = {};

  beforeAll(async () => {
    dir = suiteDir();
    await generate(dir, 'shuffled.csv', [
      '--rows',
      '3000',
      '--reject-rate',
      '0.05',
      '--shuffle',
      '--seed',
      '11',
    ]);
    // Orders' rows together, as exports write them: the merge's guess
    // holds, and it writes ahead.
    await generate(dir, 'sorted.csv', [
      '--rows',
      '3000',
      '--reject-rate',
      '0.05',
      '--currencies',
      'EUR,JPY,KWD',
      '--seed',
      '16',
    ]);
    await generate(dir, 'small.csv', [
      '--rows',
      '200',
      '--reject-rate',
      '0.05',
      '--shuffle',
      '--seed',
      '12',
    ]);
    await generate(dir, 'orders.jsonl', [
      '--rows',
      '1000',
      '--format',
      'jsonl',
      '--reject-rate',
      '0.05',
      '--shuffle',
      '--currencies',
      'EUR,JPY,KWD',
      '--seed',
      '13',
    ]);
    // Its third reject is a line just over 1 MiB (record_too_long).
    await generate(dir, 'long.jsonl', [
      '--rows',
      '200',
      '--format',
      'jsonl',
      '--reject-rate',
      '0.05',
      '--seed',
      '15',
    ]);
    // Fewer than three rejects, so no 1 MiB line: at a chunk size of 3 that
    // line alone would make some 350,000 chunks.
    await generate(dir, 'small.jsonl', [
      '--rows',
      '50',
      '--format',
      'jsonl',
      '--reject-rate',
      '0.05',
      '--currencies',
      'EUR,JPY,KWD',
      '--seed',
      '14',
    ]);
    for (const input of [
      'shuffled.csv',
      'sorted.csv',
      'small.csv',
      'orders.jsonl',
      'long.jsonl',
      'small.jsonl',
    ]) {
      reference[input] = await processWith(dir, input, `ref-${input}`, []);
    }
  }, 120_000);
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  test('the reference runs reject some rows and invoice the rest', () => {
    for (const outputs of Object.values(reference)) {
      expect(outputs.code).toBe(3);
      const { rows, invoiced_rows, rejected_rows } = outputs.summary as Record<
        string,
        number
      >;
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
    [
      'shuffled.csv',
      ['--processes', '2', '--threads', '2', '--chunk-size', '1k'],
    ],
    ['small.csv', ['--chunk-size', '3']],
    ['small.csv', ['--processes', '2', '--chunk-size', '3']],
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
    [
      'small.jsonl',
      ['--processes', '2', '--threads', '2', '--chunk-size', '100'],
    ],
  ];

  test.each(variants)('%s %j', async (input, args) => {
    const tag = `${input}-${args.join('')}`;

    const outputs = await processWith(dir, input, tag, args);

    expectSameOutputs(outputs, reference[input]);
    expect(leftovers(dir)).toEqual([]);
  });

  // Spread orders are settled a bucket at a time, blocks past their size
  // going to a file: the hook makes buckets of 200 stretches and blocks of
  // 4 KiB, so that these few thousand rows take the path of millions.
  test.each([
    ['shuffled.csv', ['--chunk-size', '1k']],
    ['shuffled.csv', ['--processes', '2', '--chunk-size', '4k']],
    ['orders.jsonl', ['--chunk-size', '4k']],
    ['small.csv', ['--chunk-size', '3']],
  ])('%s %j, in small buckets written to disk', async (input, args) => {
    const tag = `buckets-${input}-${args.join('')}`;
    await withHooks({ ORDER_BATCH_TEST_SMALL_BUCKETS: '1' }, async () => {
      const outputs = await processWith(dir, input, tag, args);

      expectSameOutputs(outputs, reference[input]);
      expect(leftovers(dir)).toEqual([]);
    });
  });

  // The merge writes ahead the chunks accepted so far, 8 MiB or more at a
  // time: the hook makes it any, so that these small files are written in
  // many stretches, and written again whole where the guess that orders
  // stand together proves wrong (shuffled rows).
  test.each([
    ['sorted.csv', ['--processes', '2', '--chunk-size', '1k']],
    ['sorted.csv', ['--processes', '1', '--chunk-size', '100']],
    ['sorted.csv', ['--processes', '2', '--threads', '2', '--chunk-size', '7']],
    ['shuffled.csv', ['--processes', '2', '--chunk-size', '4k']],
    ['orders.jsonl', ['--processes', '2', '--chunk-size', '4k']],
  ])('%s %j, written ahead in small stretches', async (input, args) => {
    const tag = `ahead-${input}-${args.join('')}`;
    await withHooks({ ORDER_BATCH_TEST_AHEAD_BYTES: '1' }, async () => {
      const outputs = await processWith(dir, input, tag, args);

      expectSameOutputs(outputs, reference[input]);
      expect(leftovers(dir)).toEqual([]);
    });
  });

  // The later chunks' spread orders are gathered on a thread; one that
  // fails to load leaves them to the primary, with the same outputs.
  test('shuffled.csv with a spread orders thread that fails to load', async () => {
    const hooks = {
      ORDER_BATCH_TEST_SMALL_BUCKETS: '1',
      ORDER_BATCH_TEST_BROKEN_SPREAD_THREAD: '1',
    };
    await withHooks(hooks, async () => {
      const args = ['--chunk-size', '1k'];
      const outputs = await processWith(dir, 'shuffled.csv', 'broken', args);

      expectSameOutputs(outputs, reference['shuffled.csv']);
      expect(leftovers(dir)).toEqual([]);
    });
  });

  // Two different ids of one hash are told apart by the ids themselves:
  // the hook makes every hash one of seven values, so that nearly every
  // order shares its hash with orders of other chunks, as only a few ids
  // of a file of billions would.
  test.each([
    ['shuffled.csv', ['--chunk-size', '1k']],
    [
      'shuffled.csv',
      ['--processes', '2', '--threads', '2', '--chunk-size', '4k'],
    ],
    ['orders.jsonl', ['--processes', '2', '--chunk-size', '4k']],
    ['small.csv', ['--chunk-size', '3']],
  ])('%s %j, ids sharing hashes', async (input, args) => {
    const tag = `hashes-${input}-${args.join('')}`;
    const hooks = {
      ORDER_BATCH_TEST_HASH_VALUES: '7',
      ORDER_BATCH_TEST_SMALL_BUCKETS: '1',
    };
    await withHooks(hooks, async () => {
      const outputs = await processWith(dir, input, tag, args);

      expectSameOutputs(outputs, reference[input]);
    });
  });

  // Found by the property below: an order rejected by a malformed first
  // line, its valid lines each in a chunk of their own (invoiced there,
  // taken back by the merge), left its currency in the totals with sums
  // of zero.
  test('a currency whose only order is rejected across chunks is not in the totals', async () => {
    const generated = join(dir, 'taken-back');
    mkdirSync(generated);
    await generate(generated, 'p.csv', [
      '--rows',
      '10',
      '--seed',
      '792976',
      '--reject-rate',
      '0.2',
      '--currencies',
      'EUR,JPY,KWD',
    ]);
    const expected = await processWith(generated, 'p.csv', 'ref', []);
    const actual = await processWith(generated, 'p.csv', 'var', [
      '--chunk-size',
      '1',
      '--processes',
      '1',
      '--threads',
      '1',
    ]);
    expectSameOutputs(actual, expected);
  });

  test(
    'property: any chunk size, processes and threads give the reference outputs',
    { timeout: 180_000 },
    async () => {
      const cases = fc.record({
        seed: fc.integer({ min: 0, max: 1_000_000 }),
        format: fc.constantFrom('csv', 'jsonl'),
        rows: fc.integer({ min: 10, max: 150 }),
        rejectRate: fc.constantFrom('0', '0.05', '0.2'),
        shuffle: fc.boolean(),
        chunkSize: fc.oneof(
          fc.integer({ min: 1, max: 64 }),
          fc.integer({ min: 65, max: 5000 }),
          fc.constant(65536),
        ),
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
          const rows =
            c.format === 'jsonl' && c.rejectRate !== '0'
              ? Math.min(c.rows, Math.floor(2.99 / Number(c.rejectRate)))
              : c.rows;
          await generate(generated, fileName, [
            '--rows',
            String(rows),
            '--seed',
            String(c.seed),
            '--format',
            c.format,
            '--reject-rate',
            c.rejectRate,
            '--currencies',
            'EUR,JPY,KWD',
            ...(c.shuffle ? ['--shuffle'] : []),
          ]);

          const expected = await processWith(generated, fileName, 'ref', []);
          const actual = await processWith(generated, fileName, 'var', [
            '--chunk-size',
            String(c.chunkSize),
            '--processes',
            String(c.processes),
            '--threads',
            String(c.threads),
          ]);

          expectSameOutputs(actual, expected);
        }),
        { numRuns: 5 },
      );
    },
  );
});

describe('a record larger than a chunk is never split', () => {
  // Once a regression: the rest of such a line was never skipped, and the
  // run read the same bytes forever.
  test('a JSON line past --max-record-size and its chunk: record_too_long', async () => {
    const dir = tempDir();
    const order = (id: string, extra: Record<string, unknown> = {}) =>
      JSON.stringify({
        id,
        items: [{ price: '1.00', quantity: 1 }],
        ...extra,
      });
    writeIn(
      dir,
      'o.jsonl',
      [order('A'), order('LONG', { note: 'x'.repeat(200_000) }), order('B')]
        .map((line) => `${line}\n`)
        .join(''),
    );

    const result = await runCli(
      [
        'process',
        'o.jsonl',
        '--max-record-size',
        '100k',
        '--chunk-size',
        '1k',
        '-o',
        '-',
        '--rejects',
        'r.csv',
        '-q',
      ],
      { cwd: dir, timeoutMs: 10_000 },
    );

    expect(result.code).toBe(3);
    expect(
      result.stdout
        .split('\n')
        .slice(1, 3)
        .map((line) => line.split(',')[0]),
    ).toEqual(['A', 'B']);
  });

  test('a CSV record with quoted line breaks across many tiny chunks', async () => {
    const dir = tempDir();
    const note = Array.from({ length: 40 }, (_, i) => `line ${i}`).join('\n');
    writeIn(
      dir,
      'o.csv',
      [
        'order_id,sku,quantity,unit_price',
        'A,plain,1,1.00',
        `B,"${note}",2,2.00`,
        'C,"x\r\ny",1,bad',
        'D,plain,1,4.00',
      ].join('\n'),
    );

    const small = await processWith(dir, 'o.csv', 'small', [
      '--chunk-size',
      '1',
      '--processes',
      '2',
    ]);
    const whole = await processWith(dir, 'o.csv', 'whole', []);

    expectSameOutputs(small, whole);
    expect(
      whole.invoices
        .split('\n')
        .slice(1, -1)
        .map((line) => line.split(',')[0]),
    ).toEqual(['A', 'B', 'D']);
    expect(whole.rejects).toContain('\n43,C,invalid_price,');
  });
});

describe('text that is not ASCII', () => {
  test('orders with non-ASCII ids spread over tiny chunks', async () => {
    const dir = tempDir();
    const customers: Record<string, string> = {
      'Ä-1': 'Müller',
      '日本-2': '山田',
      '😀-3': 'Zoë',
      'B-4': 'Bob',
      'Ω-5': 'Ωmega, Inc',
      'c-6': '=x',
    };
    const ids = Object.keys(customers);
    const rows = [
      'order_id,customer_id,sku,quantity,unit_price,currency,region',
    ];
    for (let i = 0; i < 120; i++) {
      const id = ids[(i * 7) % ids.length];
      rows.push(
        `${id},"${customers[id]}",SKU-${i},${1 + (i % 3)},${(i % 5) + 1}.50,EUR,DE`,
      );
      if (i === 50) rows.push('Ω-5,"Ωmega, Inc",BAD,0,1.00,EUR,DE');
    }
    writeIn(dir, 'u.csv', `${rows.join('\n')}\n`);

    const whole = await processWith(dir, 'u.csv', 'whole', []);
    expect(
      whole.invoices
        .split('\n')
        .slice(1, -1)
        .map((line) => line.split(',')[0]),
    ).toEqual(['Ä-1', '日本-2', '😀-3', 'B-4', 'c-6']);
    for (const args of [
      ['--chunk-size', '1'],
      ['--chunk-size', '7', '--processes', '2'],
      ['--chunk-size', '50', '--threads', '2'],
    ]) {
      expectSameOutputs(
        await processWith(dir, 'u.csv', args.join(''), args),
        whole,
      );
    }
  });
});

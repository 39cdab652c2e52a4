// The exit codes of runs that end on their own: 0 and 3 when done, 64 to
// 74 when they stop early, printing one line on standard error and leaving
// no output and no temporary file behind.
import { execFileSync, spawnSync } from 'node:child_process';
import {
  chmodSync,
  closeSync,
  copyFileSync,
  existsSync,
  mkdirSync,
  mkdtempSync,
  openSync,
  readdirSync,
  rmSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, test, vi } from 'vitest';
import {
  CLI,
  FIXTURES,
  ORDER_HEADER,
  csvLines,
  leftovers,
  readIn,
  runCli,
  tempDir,
  writeIn,
} from './helpers.js';
import { copyFixture, expectStoppedClean } from './runs.js';

vi.setConfig({ testTimeout: 60_000, hookTimeout: 120_000 });

describe('0 and 3: done', () => {
  test('0 when nothing is rejected', async () => {
    const dir = tempDir();
    const result = await runCli(
      ['process', copyFixture(dir, 'orders.csv'), '-q'],
      { cwd: dir },
    );

    expect(result.code).toBe(0);
    expect(JSON.parse(readIn(dir, 'orders.summary.json')).exit_code).toBe(0);
  });

  test.each([
    [[], 3],
    [['--max-rejects', '0'], 3],
    [['--max-rejects', '14'], 3],
    [['--max-rejects', '15'], 0],
    [['--max-rejects', '1000'], 0],
  ])(
    '15 rejected rows with %j: exit %i, outputs published',
    async (args, code) => {
      const dir = tempDir();
      copyFileSync(
        join(FIXTURES, 'orders-with-rejects.csv'),
        join(dir, 'o.csv'),
      );

      const result = await runCli(['process', 'o.csv', '-q', ...args], {
        cwd: dir,
      });

      expect(result.code).toBe(code);
      const summary = JSON.parse(readIn(dir, 'o.summary.json'));
      expect(summary).toMatchObject({ rejected_rows: 15, exit_code: code });
      expect(existsSync(join(dir, 'o.invoices.csv'))).toBe(true);
      expect(existsSync(join(dir, 'o.rejects.csv'))).toBe(true);
      expect(leftovers(dir)).toEqual([]);
    },
  );

  test('a file with a header and no rows: 0 rows, exit 0', async () => {
    const dir = tempDir();
    writeIn(dir, 'o.csv', csvLines(ORDER_HEADER));

    const result = await runCli(['process', 'o.csv', '-q'], { cwd: dir });

    expect(result.code).toBe(0);
    expect(JSON.parse(readIn(dir, 'o.summary.json'))).toMatchObject({
      rows: 0,
      invoices: 0,
    });
    expect(readIn(dir, 'o.invoices.csv').split('\n')[0]).toMatch(
      /^order_id,customer_id/,
    );
  });

  test('--help and --version: 0', async () => {
    const dir = tempDir();
    const help = await runCli(['process', '--help'], { cwd: dir });
    const version = await runCli(['--version'], { cwd: dir });

    expect(help.code).toBe(0);
    expect(help.stdout).toContain('--max-rejects');
    expect(version.code).toBe(0);
  });
});

describe('64: bad command line', () => {
  test.each([
    ['an unknown option', ['process', 'orders.csv', '--bogus']],
    ['an unknown command', ['frobnicate']],
    ['no input', ['process']],
    ['--chunk-size 0', ['process', 'orders.csv', '--chunk-size', '0']],
    ['--chunk-size abc', ['process', 'orders.csv', '--chunk-size', 'abc']],
    ['--chunk-size -5', ['process', 'orders.csv', '--chunk-size', '-5']],
    [
      '--max-record-size 0',
      ['process', 'orders.csv', '--max-record-size', '0'],
    ],
    ['--processes 0', ['process', 'orders.csv', '--processes', '0']],
    ['--threads two', ['process', 'orders.csv', '--threads', 'two']],
    ['--max-rejects -1', ['process', 'orders.csv', '--max-rejects', '-1']],
    ['--tax-rate abc', ['process', 'orders.csv', '--tax-rate', 'abc']],
    ['--tax-rate -0.2', ['process', 'orders.csv', '--tax-rate', '-0.2']],
    ['--currency eur', ['process', 'orders.csv', '--currency', 'eur']],
    [
      '--delimiter of two bytes',
      ['process', 'orders.csv', '--delimiter', ';;'],
    ],
    ['--delimiter quote', ['process', 'orders.csv', '--delimiter', '"']],
    ['--input-format xml', ['process', 'orders.csv', '--input-format', 'xml']],
    [
      '--output-format xml',
      ['process', 'orders.csv', '--output-format', 'xml'],
    ],
    ['--rounding down', ['process', 'orders.csv', '--rounding', 'down']],
    [
      '--tax-rounding item',
      ['process', 'orders.csv', '--tax-rounding', 'item'],
    ],
    [
      '--tax-rate with --tax-table',
      [
        'process',
        'orders.csv',
        '--tax-rate',
        '0.1',
        '--tax-table',
        'orders.csv',
      ],
    ],
    [
      '-o - with --summary -',
      ['process', 'orders.csv', '-o', '-', '--summary', '-'],
    ],
    ['standard input without --input-format', ['process', '-']],
    ['a file name that tells no format', ['process', 'orders.txt']],
    ['-o naming the input', ['process', 'orders.csv', '-o', 'orders.csv']],
    [
      '--rejects naming the invoices',
      ['process', 'orders.csv', '-o', 'x.csv', '--rejects', 'x.csv'],
    ],
    [
      '--summary naming the invoices',
      ['process', 'orders.csv', '-o', 'x.csv', '--summary', 'x.csv'],
    ],
  ])('%s', async (_name, args) => {
    const dir = tempDir();
    copyFixture(dir, 'orders.csv');
    copyFixture(dir, 'orders.csv', 'orders.txt');

    const result = await runCli(args, { cwd: dir, input: '' });

    expect(result.code).toBe(64);
    expect(result.stdout).toBe('');
    expectStoppedClean(dir, result.stderr, ['orders.csv', 'orders.txt']);
  });
});

test('64: a bad generate option is told as a process option is', async () => {
  const result = await runCli(['generate', '--rows', '-5'], { input: '' });

  expect(result.code).toBe(64);
  expect(result.stderr.trim()).toBe(
    "order-batch: Cannot use --rows '-5': '-5' is not a whole number from 1 up",
  );
});

test('64: no command shows the help, then says what is missing', async () => {
  const result = await runCli([], { input: '' });

  expect(result.code).toBe(64);
  expect(result.stderr).toContain('Usage: order-batch');
  expect(result.stderr.trim().split('\n').at(-1)).toBe(
    'order-batch: Cannot run order-batch: name a command (process, generate or bench)',
  );
});

describe('65: input unusable as a whole', () => {
  test.each([
    ['an empty file', 'o.csv', ''],
    ['only blank lines', 'o.csv', '\n\r\n\n'],
    ['an empty JSON lines file', 'o.jsonl', ''],
    ['a JSON lines file of blank lines', 'o.jsonl', '\n\r\n\n\r'],
    ['a JSON lines file of a BOM and a blank line', 'o.jsonl', '\uFEFF\n'],
    ['no header: data on the first line', 'o.csv', 'A,C,X,1,1.00,EUR,DE\n'],
    [
      'a required column missing',
      'o.csv',
      'order_id,quantity,currency\nA,1,EUR\n',
    ],
    [
      'order_id missing',
      'o.csv',
      'customer_id,quantity,unit_price\nC,1,1.00\n',
    ],
    [
      'price beside unit_price',
      'o.csv',
      'order_id,quantity,price,unit_price\nA,1,1.00,1.00\n',
    ],
    [
      'id beside order_id',
      'o.csv',
      'id,order_id,quantity,unit_price\nA,A,1,1.00\n',
    ],
    [
      'a column named twice, in other case',
      'o.csv',
      'order_id,Quantity,unit_price, quantity \nA,1,1.00,1\n',
    ],
    [
      'a quote left open at the end',
      'o.csv',
      'order_id,sku,quantity,unit_price\nA,X,1,1.00\nB,"open,1,1.00\nC,X,1,1.00\n',
    ],
    [
      'a quote left open in the header',
      'o.csv',
      'order_id,"sku,quantity,unit_price\nA,X,1,1.00\n',
    ],
  ])('%s', async (_name, file, content) => {
    const dir = tempDir();
    writeIn(dir, file, content);

    const result = await runCli(['process', file, '-q'], { cwd: dir });

    expect(result.code).toBe(65);
    expect(result.stderr).toContain(file);
    expectStoppedClean(dir, result.stderr, [file]);
  });

  test('a CSV record longer than --max-record-size', async () => {
    const dir = tempDir();
    writeIn(
      dir,
      'o.csv',
      csvLines(
        'order_id,sku,quantity,unit_price',
        'A,X,1,1.00',
        `B,${'x'.repeat(200)},1,1.00`,
      ),
    );

    const result = await runCli(
      ['process', 'o.csv', '--max-record-size', '100'],
      { cwd: dir },
    );

    expect(result.code).toBe(65);
    expect(result.stderr).toMatch(/line 3/);
    expectStoppedClean(dir, result.stderr, ['o.csv']);
  });

  test('a .gz file that is not gzip', async () => {
    const dir = tempDir();
    writeIn(dir, 'o.csv.gz', 'order_id,quantity,unit_price\nA,1,1.00\n');

    const result = await runCli(['process', 'o.csv.gz'], { cwd: dir });

    expect(result.code).toBe(65);
    expectStoppedClean(dir, result.stderr, ['o.csv.gz']);
  });

  test.each([
    ['a rate that is no decimal', 'region,rate\nDE,abc\n'],
    ['a negative rate', 'region,rate\nDE,-0.19\n'],
    ['no rate column', 'region,tax\nDE,0.19\n'],
    ['no rows', 'region,rate\n'],
    ['an empty file', ''],
    ['a region listed twice', 'region,rate\nDE,0.19\nDE,0.2\n'],
  ])('a bad tax table: %s', async (_name, table) => {
    const dir = tempDir();
    copyFixture(dir, 'orders.csv');
    writeIn(dir, 'rates.csv', table);

    const result = await runCli(
      ['process', 'orders.csv', '--tax-table', 'rates.csv'],
      { cwd: dir },
    );

    expect(result.code).toBe(65);
    expect(result.stderr).toContain('rates.csv');
    expectStoppedClean(dir, result.stderr, ['orders.csv', 'rates.csv']);
  });
});

describe('66: input missing or unreadable', () => {
  test('a file this user may not read', async () => {
    const dir = tempDir();
    copyFixture(dir, 'orders.csv');
    chmodSync(join(dir, 'orders.csv'), 0o000);
    // Root reads any file: the run is then made as nobody, with setpriv.
    const asRoot = process.getuid?.() === 0;
    if (asRoot && spawnSync('setpriv', ['--version']).status !== 0) return;
    chmodSync(dir, 0o777);
    const command = [process.execPath, CLI, 'process', 'orders.csv', '-q'];
    const nobody = ['--reuid=65534', '--regid=65534', '--clear-groups'];
    const [file, args] = asRoot
      ? ['setpriv', [...nobody, ...command]]
      : [command[0], command.slice(1)];

    const result = spawnSync(file, args, { cwd: dir, encoding: 'utf8' });

    expect(result.status).toBe(66);
    expect(result.stderr).toContain('Cannot read orders.csv: ');
    expect(leftovers(dir)).toEqual([]);
  });

  test.each([
    ['a missing file', 'missing.csv'],
    ['a missing .gz file', 'missing.jsonl.gz'],
    ['a folder', 'folder.csv'],
  ])('%s', async (_name, input) => {
    const dir = tempDir();
    mkdirSync(join(dir, 'folder.csv'));

    const result = await runCli(['process', input], { cwd: dir });

    expect(result.code).toBe(66);
    expect(result.stderr).toContain(input);
    expectStoppedClean(dir, result.stderr, ['folder.csv']);
  });
});

describe('73: an output cannot be created', () => {
  test('-o in a missing folder', async () => {
    const dir = tempDir();
    copyFixture(dir, 'orders.csv');
    // A missing folder of our own: /nonexistent could be made by anyone.
    const target = join(dir, 'no-such-folder', 'x.csv');

    const result = await runCli(['process', 'orders.csv', '-o', target], {
      cwd: dir,
    });

    expect(result.code).toBe(73);
    expectStoppedClean(dir, result.stderr, ['orders.csv']);
  });

  test('-o in a folder that is a file', async () => {
    const dir = tempDir();
    copyFixture(dir, 'orders.csv');

    const result = await runCli(
      ['process', 'orders.csv', '-o', 'orders.csv/x.csv'],
      { cwd: dir },
    );

    expect(result.code).toBe(73);
    expectStoppedClean(dir, result.stderr, ['orders.csv']);
  });

  test('--rejects in a missing folder', async () => {
    const dir = tempDir();
    copyFixture(dir, 'orders.csv');

    const result = await runCli(
      ['process', 'orders.csv', '--rejects', 'no-such-folder/r.csv'],
      { cwd: dir },
    );

    expect(existsSync(join(dir, 'no-such-folder'))).toBe(false);
    expect(result.code).toBe(73);
    expectStoppedClean(dir, result.stderr, ['orders.csv']);
  });

  test('a folder where an output goes, found before any work', async () => {
    const dir = tempDir();
    copyFixture(dir, 'orders.csv');
    mkdirSync(join(dir, 's.json'));

    const result = await runCli(
      ['process', 'orders.csv', '--summary', 's.json'],
      { cwd: dir },
    );

    expect(result.code).toBe(73);
    expect(result.stderr).toContain('a folder stands there');
    expectStoppedClean(dir, result.stderr, ['orders.csv', 's.json']);
  });

  test('--summary in a missing folder', async () => {
    const dir = tempDir();
    copyFixture(dir, 'orders.csv');

    const result = await runCli(
      ['process', 'orders.csv', '--summary', 'no-such-folder/s.json'],
      { cwd: dir },
    );

    expect(result.code).toBe(73);
    expectStoppedClean(dir, result.stderr, ['orders.csv']);
  });
});

// A small disk of its own for the full-disk runs: a tmpfs, which only root
// may mount; elsewhere those runs are skipped.
function mountSmallDisk(): string | undefined {
  if (process.getuid?.() !== 0) return undefined;
  const dir = mkdtempSync(join(tmpdir(), 'order-batch-small-disk-'));
  try {
    execFileSync('mount', ['-t', 'tmpfs', '-o', 'size=512k', 'tmpfs', dir], {
      stdio: 'ignore',
    });
    return dir;
  } catch {
    rmSync(dir, { recursive: true, force: true });
    return undefined;
  }
}

describe('74: writing failed part way', () => {
  const smallDisk = mountSmallDisk();
  afterAll(() => {
    if (!smallDisk) return;
    execFileSync('umount', [smallDisk]);
    rmSync(smallDisk, { recursive: true, force: true });
  });

  test.runIf(smallDisk)(
    'a full disk, met by the primary or by the shard processes',
    async () => {
      const disk = smallDisk!;
      const dir = tempDir();
      await runCli(['generate', '--rows', '50000', '-o', 'orders.csv'], {
        cwd: dir,
      });
      const outputs = [
        '-o',
        'o.csv',
        '--rejects',
        'r.csv',
        '--summary',
        's.json',
      ];
      // Under 8 MiB the chunks are run in the primary; with --processes,
      // in shard processes, whose threads fill the disk with their spills.
      for (const engine of [[], ['--processes', '2', '--chunk-size', '64k']]) {
        const result = await runCli(
          ['process', join(dir, 'orders.csv'), '-q', ...outputs, ...engine],
          { cwd: disk },
        );

        expect(result.code).toBe(74);
        expect(result.stderr).toBe(
          `order-batch: Cannot finish writing in ${disk}: no space left on ` +
            'the device (ENOSPC); nothing was published, run again once ' +
            'there is room\n',
        );
        expect(readdirSync(disk)).toEqual([]);
      }
    },
  );

  test.runIf(smallDisk)(
    'a full disk while standard input is first copied',
    async () => {
      const disk = smallDisk!;
      // More than the 512 KiB disk holds, spooled beside the outputs.
      const input = csvLines(
        'order_id,quantity,unit_price',
        ...Array.from({ length: 40_000 }, (_, i) => `ORD-${i},1,1.00`),
      );

      const result = await runCli(
        ['process', '-', '--input-format', 'csv', '-q', '-o', 'o.csv'],
        { cwd: disk, input },
      );

      expect(result.code).toBe(74);
      expect(result.stderr).toContain('no space left on the device');
      expect(readdirSync(disk)).toEqual([]);
    },
  );

  /** Runs with standard output on /dev/full, a device that is always full. */
  async function runToFullDevice(dir: string, args: string[]) {
    const full = openSync('/dev/full', 'w');
    try {
      return await runCli(args, { cwd: dir, stdio: ['pipe', full, 'pipe'] });
    } finally {
      closeSync(full);
    }
  }

  /** The one line names what it wrote to and why that failed, no stack. */
  function expectNamesFullDevice(stderr: string): void {
    expect(stderr).toMatch(/^order-batch: Cannot .*standard output/);
    expect(stderr).toMatch(/ENOSPC/);
    expect(stderr).toMatch(/no space left on device/i);
    expect(stderr).not.toMatch(/^\s+at /m);
  }

  test.runIf(existsSync('/dev/full'))(
    '-o - with standard output full',
    async () => {
      const dir = tempDir();
      copyFixture(dir, 'orders.csv');

      const result = await runToFullDevice(dir, [
        'process',
        'orders.csv',
        '-o',
        '-',
        '-q',
      ]);

      expect(result.code).toBe(74);
      expectNamesFullDevice(result.stderr);
      expectStoppedClean(dir, result.stderr, ['orders.csv']);
    },
  );

  test.runIf(existsSync('/dev/full'))(
    '--summary - with standard output full',
    async () => {
      const dir = tempDir();
      copyFixture(dir, 'orders.csv');

      const result = await runToFullDevice(dir, [
        'process',
        'orders.csv',
        '--summary',
        '-',
        '-q',
      ]);

      expect(result.code).toBe(74);
      expectNamesFullDevice(result.stderr);
      expectStoppedClean(dir, result.stderr, ['orders.csv']);
    },
  );
});

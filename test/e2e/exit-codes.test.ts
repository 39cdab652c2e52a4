// Every exit code of the contract. A run that stops early prints one line
// on standard error and leaves no output and no temporary file behind.
import { spawnSync } from 'node:child_process';
import {
  closeSync, copyFileSync, existsSync, mkdirSync, openSync, readdirSync, readFileSync, rmSync,
} from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import {
  FIXTURES, ORDER_HEADER, childPids, cpuSeconds, csvLines, generate, isAlive, leftovers, readIn, runCli,
  startCli, suiteDir, tempDir, waitFor, writeIn,
} from './helpers.js';

const TIMEOUT = 60_000;

/** The fixture orders.csv, copied into `dir`. */
function ordersIn(dir: string, name = 'orders.csv'): string {
  copyFileSync(join(FIXTURES, 'orders.csv'), join(dir, name));
  return name;
}

/** Asserts one line on stderr and only `inputs` left in `dir`. */
function expectStoppedClean(dir: string, stderr: string, inputs: string[]): void {
  expect(stderr.trim().split('\n')).toHaveLength(1);
  expect(readdirSync(dir).sort()).toEqual([...inputs].sort());
}

describe('0 and 3: done', () => {
  test('0 when nothing is rejected', { timeout: TIMEOUT }, async () => {
    const dir = tempDir();
    const result = await runCli(['process', ordersIn(dir), '-q'], { cwd: dir });

    expect(result.code).toBe(0);
    expect(JSON.parse(readIn(dir, 'orders.summary.json')).exit_code).toBe(0);
  });

  test.each([
    [[], 3],
    [['--max-rejects', '0'], 3],
    [['--max-rejects', '14'], 3],
    [['--max-rejects', '15'], 0],
    [['--max-rejects', '1000'], 0],
  ])('15 rejected rows with %j: exit %i, outputs published', { timeout: TIMEOUT }, async (args, code) => {
    const dir = tempDir();
    copyFileSync(join(FIXTURES, 'orders-with-rejects.csv'), join(dir, 'o.csv'));

    const result = await runCli(['process', 'o.csv', '-q', ...args], { cwd: dir });

    expect(result.code).toBe(code);
    const summary = JSON.parse(readIn(dir, 'o.summary.json'));
    expect(summary).toMatchObject({ rejected_rows: 15, exit_code: code });
    expect(existsSync(join(dir, 'o.invoices.csv'))).toBe(true);
    expect(existsSync(join(dir, 'o.rejects.csv'))).toBe(true);
    expect(leftovers(dir)).toEqual([]);
  });

  test('a file with a header and no rows: 0 rows, exit 0', { timeout: TIMEOUT }, async () => {
    const dir = tempDir();
    writeIn(dir, 'o.csv', csvLines(ORDER_HEADER));

    const result = await runCli(['process', 'o.csv', '-q'], { cwd: dir });

    expect(result.code).toBe(0);
    expect(JSON.parse(readIn(dir, 'o.summary.json'))).toMatchObject({ rows: 0, invoices: 0 });
    expect(readIn(dir, 'o.invoices.csv').split('\n')[0]).toMatch(/^order_id,customer_id/);
  });

  test('--help and --version: 0', { timeout: TIMEOUT }, async () => {
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
    ['--max-record-size 0', ['process', 'orders.csv', '--max-record-size', '0']],
    ['--processes 0', ['process', 'orders.csv', '--processes', '0']],
    ['--threads two', ['process', 'orders.csv', '--threads', 'two']],
    ['--max-rejects -1', ['process', 'orders.csv', '--max-rejects', '-1']],
    ['--tax-rate abc', ['process', 'orders.csv', '--tax-rate', 'abc']],
    ['--tax-rate -0.2', ['process', 'orders.csv', '--tax-rate', '-0.2']],
    ['--currency eur', ['process', 'orders.csv', '--currency', 'eur']],
    ['--delimiter of two bytes', ['process', 'orders.csv', '--delimiter', ';;']],
    ['--delimiter quote', ['process', 'orders.csv', '--delimiter', '"']],
    ['--input-format xml', ['process', 'orders.csv', '--input-format', 'xml']],
    ['--output-format xml', ['process', 'orders.csv', '--output-format', 'xml']],
    ['--rounding down', ['process', 'orders.csv', '--rounding', 'down']],
    ['--tax-rounding item', ['process', 'orders.csv', '--tax-rounding', 'item']],
    ['--tax-rate with --tax-table', ['process', 'orders.csv', '--tax-rate', '0.1', '--tax-table', 'orders.csv']],
    ['-o - with --summary -', ['process', 'orders.csv', '-o', '-', '--summary', '-']],
    ['standard input without --input-format', ['process', '-']],
    ['a file name that tells no format', ['process', 'orders.txt']],
  ])('%s', { timeout: TIMEOUT }, async (_name, args) => {
    const dir = tempDir();
    ordersIn(dir);
    ordersIn(dir, 'orders.txt');

    const result = await runCli(args, { cwd: dir, input: '' });

    expect(result.code).toBe(64);
    expect(result.stdout).toBe('');
    expectStoppedClean(dir, result.stderr, ['orders.csv', 'orders.txt']);
  });
});

describe('65: input unusable as a whole', () => {
  test.each([
    ['an empty file', 'o.csv', ''],
    ['only blank lines', 'o.csv', '\n\r\n\n'],
    ['an empty JSON lines file', 'o.jsonl', ''],
    ['no header: data on the first line', 'o.csv', 'A,C,X,1,1.00,EUR,DE\n'],
    ['a required column missing', 'o.csv', 'order_id,quantity,currency\nA,1,EUR\n'],
    ['order_id missing', 'o.csv', 'customer_id,quantity,unit_price\nC,1,1.00\n'],
    ['price beside unit_price', 'o.csv', 'order_id,quantity,price,unit_price\nA,1,1.00,1.00\n'],
    ['id beside order_id', 'o.csv', 'id,order_id,quantity,unit_price\nA,A,1,1.00\n'],
    ['a column named twice, in other case', 'o.csv', 'order_id,Quantity,unit_price, quantity \nA,1,1.00,1\n'],
    ['a quote left open at the end', 'o.csv', 'order_id,sku,quantity,unit_price\nA,X,1,1.00\nB,"open,1,1.00\nC,X,1,1.00\n'],
    ['a quote left open in the header', 'o.csv', 'order_id,"sku,quantity,unit_price\nA,X,1,1.00\n'],
  ])('%s', { timeout: TIMEOUT }, async (_name, file, content) => {
    const dir = tempDir();
    writeIn(dir, file, content);

    const result = await runCli(['process', file, '-q'], { cwd: dir });

    expect(result.code).toBe(65);
    expect(result.stderr).toContain(file);
    expectStoppedClean(dir, result.stderr, [file]);
  });

  test('a CSV record longer than --max-record-size', { timeout: TIMEOUT }, async () => {
    const dir = tempDir();
    writeIn(dir, 'o.csv', csvLines('order_id,sku,quantity,unit_price', 'A,X,1,1.00', `B,${'x'.repeat(200)},1,1.00`));

    const result = await runCli(['process', 'o.csv', '--max-record-size', '100'], { cwd: dir });

    expect(result.code).toBe(65);
    expect(result.stderr).toMatch(/line 3/);
    expectStoppedClean(dir, result.stderr, ['o.csv']);
  });

  test('a .gz file that is not gzip', { timeout: TIMEOUT }, async () => {
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
  ])('a bad tax table: %s', { timeout: TIMEOUT }, async (_name, table) => {
    const dir = tempDir();
    ordersIn(dir);
    writeIn(dir, 'rates.csv', table);

    const result = await runCli(['process', 'orders.csv', '--tax-table', 'rates.csv'], { cwd: dir });

    expect(result.code).toBe(65);
    expect(result.stderr).toContain('rates.csv');
    expectStoppedClean(dir, result.stderr, ['orders.csv', 'rates.csv']);
  });
});

describe('66: input missing or unreadable', () => {
  test.each([
    ['a missing file', 'missing.csv'],
    ['a missing .gz file', 'missing.jsonl.gz'],
    ['a folder', 'folder.csv'],
  ])('%s', { timeout: TIMEOUT }, async (_name, input) => {
    const dir = tempDir();
    mkdirSync(join(dir, 'folder.csv'));

    const result = await runCli(['process', input], { cwd: dir });

    expect(result.code).toBe(66);
    expect(result.stderr).toContain(input);
    expectStoppedClean(dir, result.stderr, ['folder.csv']);
  });
});

describe('73: an output cannot be created', () => {
  test('-o in a missing folder', { timeout: TIMEOUT }, async () => {
    const dir = tempDir();
    ordersIn(dir);
    // A missing folder of our own: /nonexistent could be made by anyone.
    const target = join(dir, 'no-such-folder', 'x.csv');

    const result = await runCli(['process', 'orders.csv', '-o', target], { cwd: dir });

    expect(result.code).toBe(73);
    expectStoppedClean(dir, result.stderr, ['orders.csv']);
  });

  test('-o in a folder that is a file', { timeout: TIMEOUT }, async () => {
    const dir = tempDir();
    ordersIn(dir);

    const result = await runCli(['process', 'orders.csv', '-o', 'orders.csv/x.csv'], { cwd: dir });

    expect(result.code).toBe(73);
    expectStoppedClean(dir, result.stderr, ['orders.csv']);
  });

  // BUG (src/io/outputs.ts OutputSet.openTemporaries): the spill folder
  // `<rejects>.<pid>.tmp.d` is made with mkdirSync({ recursive: true }), which
  // creates the rejects file's missing folder; the run then exits 0 and
  // publishes the rejects there instead of failing with 73.
  test.fails('--rejects in a missing folder', { timeout: TIMEOUT }, async () => {
    const dir = tempDir();
    ordersIn(dir);

    const result = await runCli(['process', 'orders.csv', '--rejects', 'no-such-folder/r.csv'], { cwd: dir });

    expect(existsSync(join(dir, 'no-such-folder'))).toBe(false);
    expect(result.code).toBe(73);
    expectStoppedClean(dir, result.stderr, ['orders.csv']);
  });

  // BUG (src/io/outputs.ts OutputSet.publish): the summary is first opened
  // at publish time, after the invoices and rejects were renamed into place;
  // the run exits 74 saying "nothing was published" but leaves both files.
  test.fails('--summary in a missing folder', { timeout: TIMEOUT }, async () => {
    const dir = tempDir();
    ordersIn(dir);

    const result = await runCli(['process', 'orders.csv', '--summary', 'no-such-folder/s.json'], { cwd: dir });

    expect(result.code).toBe(73);
    expectStoppedClean(dir, result.stderr, ['orders.csv']);
  });
});

describe('74: writing failed part way', () => {
  /** Runs with standard output on /dev/full, a device that is always full. */
  async function runToFullDevice(dir: string, args: string[]) {
    const full = openSync('/dev/full', 'w');
    try {
      return await runCli(args, { cwd: dir, stdio: ['pipe', full, 'pipe'] });
    } finally {
      closeSync(full);
    }
  }

  test.runIf(existsSync('/dev/full'))('-o - with standard output full', { timeout: TIMEOUT }, async () => {
    const dir = tempDir();
    ordersIn(dir);

    const result = await runToFullDevice(dir, ['process', 'orders.csv', '-o', '-', '-q']);

    expect(result.code).toBe(74);
    expect(result.stderr).toMatch(/standard output/);
    expectStoppedClean(dir, result.stderr, ['orders.csv']);
  });

  // BUG (src/run/process-file.ts): with --summary -, the summary is written
  // to standard output after the invoices and rejects were published, with
  // no error handling; on a full device the process dies of an unhandled
  // 'error' event (exit 1, stack trace) instead of exiting 74.
  test.runIf(existsSync('/dev/full')).fails('--summary - with standard output full', { timeout: TIMEOUT }, async () => {
    const dir = tempDir();
    ordersIn(dir);

    const result = await runToFullDevice(dir, ['process', 'orders.csv', '--summary', '-', '-q']);

    expect(result.code).toBe(74);
    expectStoppedClean(dir, result.stderr, ['orders.csv']);
  });
});

describe('75: another run is writing the same outputs', () => {
  test('a live run holding the lock: 75 naming its pid; the first run is unharmed', { timeout: TIMEOUT }, async () => {
    const dir = tempDir();
    ordersIn(dir);
    // A run reading standard input holds its lock for as long as the input
    // stays open: a long run that needs no big file and no timing luck.
    const first = startCli(
      ['process', '-', '--input-format', 'csv', '-o', 'orders.invoices.csv', '--rejects', 'first.rejects.csv',
        '--summary', 'first.summary.json', '-q'],
      { cwd: dir },
    );
    first.child.stdin!.write(`${ORDER_HEADER}\n`);
    await waitFor('the lock', () => existsSync(join(dir, 'orders.invoices.csv.lock')));

    const second = await runCli(['process', 'orders.csv'], { cwd: dir });

    expect(second.code).toBe(75);
    expect(second.stderr).toContain(`pid ${first.child.pid}`);
    expect(second.stderr.trim().split('\n')).toHaveLength(1);
    expect(existsSync(join(dir, 'orders.summary.json'))).toBe(false);
    expect(existsSync(join(dir, 'orders.rejects.csv'))).toBe(false);

    first.child.stdin!.end('A-1,C-9,X,2,19.99,EUR,DE\n');
    const firstResult = await first.result;
    expect(firstResult.code).toBe(0);
    expect(readIn(dir, 'orders.invoices.csv')).toContain('A-1,C-9,EUR,DE,1,2,39.98');
    expect(leftovers(dir)).toEqual([]);
  });

  test('a lock left by a run that is gone is taken over, with its leftovers', { timeout: TIMEOUT }, async () => {
    const dir = tempDir();
    ordersIn(dir);
    const gone = spawnSync(process.execPath, ['-e', '']).pid!;
    writeIn(dir, 'orders.invoices.csv.lock', `${gone}\n`);
    writeIn(dir, `orders.invoices.csv.${gone}.tmp`, 'half an invoice');

    const result = await runCli(['process', 'orders.csv', '-q'], { cwd: dir });

    expect(result.code).toBe(0);
    expect(leftovers(dir)).toEqual([]);
  });
});

describe('signals, 70, on a big run', () => {
  let bigDir: string;
  beforeAll(async () => {
    bigDir = suiteDir();
    await generate(bigDir, 'big.csv', ['--rows', '300000', '--reject-rate', '0.01']);
  }, TIMEOUT);
  afterAll(() => rmSync(bigDir, { recursive: true, force: true }));

  /** A folder holding the big input and earlier outputs of an earlier run. */
  function bigRunDir(): string {
    const dir = tempDir();
    copyFileSync(join(bigDir, 'big.csv'), join(dir, 'big.csv'));
    for (const name of ['big.invoices.csv', 'big.rejects.csv', 'big.summary.json']) {
      writeIn(dir, name, `earlier ${name}\n`);
    }
    return dir;
  }

  function expectEarlierOutputsUntouched(dir: string): void {
    for (const name of ['big.invoices.csv', 'big.rejects.csv', 'big.summary.json']) {
      expect(readFileSync(join(dir, name), 'utf8')).toBe(`earlier ${name}\n`);
    }
    expect(leftovers(dir)).toEqual([]);
  }

  test.each([
    ['SIGINT', 130],
    ['SIGTERM', 143],
  ] as const)('%s while processes work: exit %i, all ended, nothing published', { timeout: TIMEOUT }, async (signal, code) => {
    const dir = bigRunDir();
    const run = startCli(['process', 'big.csv', '--processes', '2', '--chunk-size', '64k', '-q'], { cwd: dir });
    const pid = run.child.pid!;
    const workers = await waitFor('worker processes', () => {
      const pids = childPids(pid);
      return pids.length > 0 ? pids : undefined;
    });
    // Work has begun once a worker has used some CPU time.
    await waitFor('a worker to work', () => workers.some((worker) => cpuSeconds(worker) >= 0.1));

    run.child.kill(signal);
    const result = await run.result;

    expect(result.code).toBe(code);
    expect(result.stderr).toContain(signal);
    for (const worker of workers) {
      await waitFor(`worker ${worker} to end`, () => !isAlive(worker), 5_000);
    }
    expectEarlierOutputsUntouched(dir);
  });

  // BUG (src/io/input.ts prepareInput): the abort signal never reaches the
  // spooling of standard input (nor of a .gz), so SIGINT/SIGTERM are not
  // acted on until the input ends; a run fed by a pipe that stays open keeps
  // running, and only a second signal ends it.
  test.fails('SIGINT while standard input is read: 130, nothing published', { timeout: TIMEOUT }, async () => {
    const dir = bigRunDir();
    const run = startCli(
      ['process', '-', '--input-format', 'csv', '-o', 'big.invoices.csv', '--rejects', 'big.rejects.csv',
        '--summary', 'big.summary.json', '-q'],
      { cwd: dir },
    );
    run.child.stdin!.write(`${ORDER_HEADER}\nA,C,X,1,1.00,EUR,DE\n`);
    await waitFor('the lock', () => existsSync(join(dir, 'big.invoices.csv.lock')));

    run.child.kill('SIGINT');
    const result = await Promise.race([
      run.result,
      new Promise<undefined>((resolve) => setTimeout(resolve, 5_000)),
    ]);

    expect(result?.code).toBe(130);
    expectEarlierOutputsUntouched(dir);
  });

  test('70: shard processes that keep dying end the run, nothing published', { timeout: TIMEOUT }, async () => {
    const dir = bigRunDir();
    const run = startCli(['process', 'big.csv', '--processes', '1', '--chunk-size', '64k', '-q'], { cwd: dir });
    const pid = run.child.pid!;
    let ended = false;
    void run.result.then(() => (ended = true));
    const killed = new Set<number>();

    // Kill every worker the run forks, as soon as it appears.
    while (!ended) {
      for (const worker of childPids(pid)) {
        if (killed.has(worker)) continue;
        killed.add(worker);
        process.kill(worker, 'SIGKILL');
      }
      await new Promise((resolve) => setTimeout(resolve, 5));
    }
    const result = await run.result;

    expect(killed.size).toBeGreaterThanOrEqual(3);
    expect(result.code).toBe(70);
    expect(result.stderr).toMatch(/internal error/i);
    expect(result.stderr).toMatch(/nothing was published/);
    expectEarlierOutputsUntouched(dir);
  });
});

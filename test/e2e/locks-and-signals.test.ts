// Runs that meet other runs and signals: 75 for outputs another run holds,
// 130/143 for SIGINT/SIGTERM (a second one ends a stop that waits), 70 for
// workers that keep dying, and 74 for an input cut short, each with its
// processes ended and nothing published.
import { spawnSync } from 'node:child_process';
import {
  copyFileSync,
  existsSync,
  readdirSync,
  readFileSync,
  rmSync,
  truncateSync,
} from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, test, vi } from 'vitest';
import {
  CLI,
  ORDER_HEADER,
  childPids,
  cpuSeconds,
  generate,
  isAlive,
  leftovers,
  readIn,
  runCli,
  startCli,
  suiteDir,
  tempDir,
  waitFor,
  writeIn,
} from './helpers.js';
import { ORDERS_CSV_INVOICES, copyFixture } from './runs.js';

vi.setConfig({ testTimeout: 60_000, hookTimeout: 120_000 });

describe('75: another run is writing the same outputs', () => {
  test('a live run holds the lock: 75 naming its pid, the first unharmed', async () => {
    const dir = tempDir();
    copyFixture(dir, 'orders.csv');
    // A run reading standard input holds its lock for as long as the input
    // stays open: a long run that needs no big file and no timing luck.
    const first = startCli(
      [
        'process',
        '-',
        '--input-format',
        'csv',
        '-o',
        'orders.invoices.csv',
        '--rejects',
        'first.rejects.csv',
        '--summary',
        'first.summary.json',
        '-q',
      ],
      { cwd: dir },
    );
    first.child.stdin!.write(`${ORDER_HEADER}\n`);
    await waitFor('the lock', () =>
      existsSync(join(dir, 'orders.invoices.csv.lock')),
    );

    const second = await runCli(['process', 'orders.csv'], { cwd: dir });

    expect(second.code).toBe(75);
    expect(second.stderr).toContain(`pid ${first.child.pid}`);
    expect(second.stderr.trim().split('\n')).toHaveLength(1);
    expect(existsSync(join(dir, 'orders.summary.json'))).toBe(false);
    expect(existsSync(join(dir, 'orders.rejects.csv'))).toBe(false);

    first.child.stdin!.end('A-1,C-9,X,2,19.99,EUR,DE\n');
    const firstResult = await first.result;
    expect(firstResult.code).toBe(0);
    expect(readIn(dir, 'orders.invoices.csv')).toContain(
      'A-1,C-9,EUR,DE,1,2,39.98',
    );
    expect(leftovers(dir)).toEqual([]);
  });

  test('a live run writing the same --rejects file: 75', async () => {
    const dir = tempDir();
    copyFixture(dir, 'orders.csv');
    const first = startCli(
      [
        'process',
        '-',
        '--input-format',
        'csv',
        '-o',
        'a.csv',
        '--rejects',
        'shared.csv',
        '--summary',
        'a.json',
        '-q',
      ],
      { cwd: dir },
    );
    first.child.stdin!.write(`${ORDER_HEADER}\n`);
    await waitFor('the lock', () => existsSync(join(dir, 'a.csv.lock')));

    const second = await runCli(
      [
        'process',
        'orders.csv',
        '-o',
        'b.csv',
        '--rejects',
        'shared.csv',
        '--summary',
        'b.json',
        '-q',
      ],
      { cwd: dir },
    );
    first.child.stdin!.end();
    await first.result;

    expect(second.code).toBe(75);
    expect(second.stderr).toContain(`pid ${first.child.pid}`);
  });

  test('a lock left by a run that is gone is taken over, with its leftovers', async () => {
    const dir = tempDir();
    copyFixture(dir, 'orders.csv');
    const gone = spawnSync(process.execPath, ['-e', '']).pid!;
    writeIn(dir, 'orders.invoices.csv.lock', `${gone}\n`);
    writeIn(dir, `orders.invoices.csv.${gone}.tmp`, 'half an invoice');

    const result = await runCli(['process', 'orders.csv', '-q'], {
      cwd: dir,
    });

    expect(result.code).toBe(0);
    expect(leftovers(dir)).toEqual([]);
  });

  test("a lock naming the run's own pid is taken over: an earlier run had it", async () => {
    // Every run in a fresh container is pid 1: the run whose lock it is was
    // killed, and this one has its pid. exec keeps the shell's pid.
    const dir = tempDir();
    copyFixture(dir, 'orders.csv');
    const script =
      'echo $$ > orders.invoices.csv.lock; ' +
      'echo half > orders.invoices.csv.$$.tmp; ' +
      `exec "${process.execPath}" "${CLI}" process orders.csv -q`;

    const result = spawnSync('sh', ['-c', script], { cwd: dir });

    expect(result.status).toBe(0);
    expect(readIn(dir, 'orders.invoices.csv')).toBe(ORDERS_CSV_INVOICES);
    expect(leftovers(dir)).toEqual([]);
  });
});

describe('signals, 70, on a big run', () => {
  let bigDir: string;
  beforeAll(async () => {
    bigDir = suiteDir();
    await generate(bigDir, 'big.csv', [
      '--rows',
      '300000',
      '--reject-rate',
      '0.01',
    ]);
  }, 120_000);
  afterAll(() => rmSync(bigDir, { recursive: true, force: true }));

  /** A folder holding the big input and earlier outputs of an earlier run. */
  function bigRunDir(): string {
    const dir = tempDir();
    copyFileSync(join(bigDir, 'big.csv'), join(dir, 'big.csv'));
    for (const name of [
      'big.invoices.csv',
      'big.rejects.csv',
      'big.summary.json',
    ]) {
      writeIn(dir, name, `earlier ${name}\n`);
    }
    return dir;
  }

  function expectEarlierOutputsUntouched(dir: string): void {
    for (const name of [
      'big.invoices.csv',
      'big.rejects.csv',
      'big.summary.json',
    ]) {
      expect(readFileSync(join(dir, name), 'utf8')).toBe(`earlier ${name}\n`);
    }
    expect(leftovers(dir)).toEqual([]);
  }

  // Starts `process` on big.csv with two worker processes; resolves once
  // both are there and one has begun work (used some CPU time).
  async function startWorkingRun(dir: string) {
    const run = startCli(
      ['process', 'big.csv', '--processes', '2', '--chunk-size', '64k', '-q'],
      { cwd: dir },
    );
    const workers = await waitFor('worker processes', () => {
      const pids = childPids(run.child.pid!);
      return pids.length === 2 ? pids : undefined;
    });
    await waitFor('a worker to work', () =>
      workers.some((worker) => cpuSeconds(worker) >= 0.1),
    );
    return { run, workers };
  }

  test.each([
    ['SIGINT', 130],
    ['SIGTERM', 143],
  ] as const)(
    '%s while processes work: exit %i, all ended, nothing published',
    async (signal, code) => {
      const dir = bigRunDir();
      const { run, workers } = await startWorkingRun(dir);

      run.child.kill(signal);
      const result = await run.result;

      expect(result.code).toBe(code);
      expect(result.stderr).toContain(signal);
      for (const worker of workers) {
        await waitFor(`worker ${worker} to end`, () => !isAlive(worker), 5_000);
      }
      expectEarlierOutputsUntouched(dir);
    },
  );

  test('one SIGTERM with every worker stuck: they are killed, exit 143', async () => {
    const dir = bigRunDir();
    const { run, workers } = await startWorkingRun(dir);
    // Stopped, they cannot act on SIGTERM; only SIGKILL ends them.
    for (const worker of workers) process.kill(worker, 'SIGSTOP');
    try {
      const started = Date.now();
      run.child.kill('SIGTERM');
      const result = await run.result;

      expect(Date.now() - started).toBeLessThan(5_000);
      expect(result.code).toBe(143);
      for (const worker of workers) expect(isAlive(worker)).toBe(false);
    } finally {
      for (const worker of workers) {
        if (isAlive(worker)) process.kill(worker, 'SIGKILL');
      }
    }
    expectEarlierOutputsUntouched(dir);
  });

  test.each([
    ['SIGINT', 130],
    ['SIGTERM', 143],
  ] as const)(
    'a second %s while the stop waits for a stuck worker: exit %i at once',
    async (signal, code) => {
      const dir = bigRunDir();
      const { run, workers } = await startWorkingRun(dir);
      let ended = false;
      void run.result.then(() => (ended = true));
      // A stopped process cannot act on the SIGTERM the primary sends it,
      // so the first signal's stop cleans up, then waits for it: only the
      // second signal can end the run.
      for (const worker of workers) process.kill(worker, 'SIGSTOP');
      try {
        run.child.kill(signal);
        await waitFor('the first stop to clean up', () =>
          existsSync(join(dir, 'big.invoices.csv.lock')) ? undefined : true,
        );
        await new Promise((resolve) => setTimeout(resolve, 300));
        expect(ended).toBe(false);

        const started = Date.now();
        run.child.kill(signal);
        const result = await run.result;

        expect(Date.now() - started).toBeLessThan(2_000);
        expect(result.code).toBe(code);
        expect(result.stderr.trim().split('\n')).toEqual([
          `order-batch: Stopped by ${signal}; nothing was published`,
        ]);
      } finally {
        for (const worker of workers) process.kill(worker, 'SIGCONT');
      }
      // Let go, each ends on the SIGTERM it was sent, or on losing the
      // primary.
      for (const worker of workers) {
        await waitFor(`worker ${worker} to end`, () => !isAlive(worker), 5_000);
      }
      expectEarlierOutputsUntouched(dir);
    },
  );

  test('SIGINT while standard input is read: 130, nothing published', async () => {
    const dir = bigRunDir();
    const run = startCli(
      [
        'process',
        '-',
        '--input-format',
        'csv',
        '-o',
        'big.invoices.csv',
        '--rejects',
        'big.rejects.csv',
        '--summary',
        'big.summary.json',
        '-q',
      ],
      { cwd: dir },
    );
    run.child.stdin!.write(`${ORDER_HEADER}\nA,C,X,1,1.00,EUR,DE\n`);
    await waitFor('the lock', () =>
      existsSync(join(dir, 'big.invoices.csv.lock')),
    );

    run.child.kill('SIGINT');
    const result = await Promise.race([
      run.result,
      new Promise<undefined>((resolve) => setTimeout(resolve, 5_000)),
    ]);

    expect(result?.code).toBe(130);
    expectEarlierOutputsUntouched(dir);
  });

  test('74: the input cut short mid-run, nothing published', async () => {
    const dir = tempDir();
    copyFileSync(join(bigDir, 'big.csv'), join(dir, 'big.csv'));
    const run = startCli(
      ['process', 'big.csv', '--processes', '2', '--chunk-size', '64k', '-q'],
      { cwd: dir },
    );
    const workers = await waitFor('worker processes', () => {
      const pids = childPids(run.child.pid!);
      return pids.length > 0 ? pids : undefined;
    });
    await waitFor('a worker to work', () =>
      workers.some((worker) => cpuSeconds(worker) >= 0.1),
    );

    truncateSync(join(dir, 'big.csv'), 1_000_000);
    const result = await run.result;

    expect(result.code).toBe(74);
    expect(result.stderr).toContain('big.csv');
    expect(readdirSync(dir)).toEqual(['big.csv']);
  });

  test('70: shard processes that keep dying end the run, nothing published', async () => {
    const dir = bigRunDir();
    const run = startCli(
      ['process', 'big.csv', '--processes', '1', '--chunk-size', '64k', '-q'],
      { cwd: dir },
    );
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

    expect(result.code, result.stderr).toBe(70);
    expect(killed.size).toBeGreaterThanOrEqual(3);
    expect(result.stderr).toMatch(/internal error/i);
    expect(result.stderr).toMatch(/nothing was published/);
    expectEarlierOutputsUntouched(dir);
  });
});

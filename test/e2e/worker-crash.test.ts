// A worker process killed mid-run, once or again in its replacement, is
// replaced, its chunks are redone, and the outputs are those of a clean run.
import { copyFileSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, test, vi } from 'vitest';
import {
  childPids,
  cpuSeconds,
  generate,
  isAlive,
  leftovers,
  readIn,
  stableSummary,
  startCli,
  suiteDir,
  tempDir,
  waitFor,
} from './helpers.js';
import { expectSameOutputs, processWith, type Outputs } from './runs.js';

vi.setConfig({ testTimeout: 60_000, hookTimeout: 120_000 });

describe('a worker process that dies', () => {
  let dir: string;
  let reference: Outputs;

  beforeAll(async () => {
    dir = suiteDir();
    // About 20 MB, so that the run lasts long enough to be hit mid-way;
    // shuffled, so that orders spread over chunks done by both workers.
    await generate(dir, 'big.csv', [
      '--rows',
      '450000',
      '--reject-rate',
      '0.01',
      '--shuffle',
      '--seed',
      '21',
    ]);
    reference = await processWith(dir, 'big.csv', 'clean', [
      '--processes',
      '2',
      '--chunk-size',
      '16k',
    ]);
  }, 120_000);
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  /** Starts the big run in a fresh folder of its own. */
  function startBigRun() {
    const work = tempDir();
    copyFileSync(join(dir, 'big.csv'), join(work, 'big.csv'));
    const run = startCli(
      [
        'process',
        'big.csv',
        '-o',
        'k.inv',
        '--rejects',
        'k.rej',
        '--summary',
        'k.json',
        '-q',
        '--processes',
        '2',
        '--chunk-size',
        '16k',
      ],
      { cwd: work },
    );
    let ended = false;
    void run.result.then(() => (ended = true));
    return { work, run, ended: () => ended };
  }

  /** Asserts the run's outputs are the clean run's, and nothing is left. */
  function expectCleanRunOutputs(work: string, code: number | null): void {
    expect([0, 3]).toContain(code);
    const outputs = {
      code,
      invoices: readIn(work, 'k.inv'),
      rejects: readIn(work, 'k.rej'),
      summary: stableSummary(readIn(work, 'k.json')),
    };
    expectSameOutputs(outputs, reference);
    expect(leftovers(work)).toEqual([]);
  }

  test(
    'SIGKILLed mid-run: its work is redone, the outputs are those of a clean run',
    { timeout: 120_000 },
    async () => {
      const { work, run, ended } = startBigRun();
      const victim = await waitFor(
        'a worker process',
        () => childPids(run.child.pid!)[0],
      );
      // Mid-run: the worker has done some work, and the run is still going.
      await waitFor('the worker to work', () => cpuSeconds(victim) >= 0.3);
      expect(ended()).toBe(false);

      process.kill(victim, 'SIGKILL');
      const result = await run.result;

      await waitFor('the victim to be gone', () => !isAlive(victim), 5_000);
      expectCleanRunOutputs(work, result.code);
    },
  );

  test(
    'SIGKILLed twice, the second time its replacement: outputs of a clean run',
    { timeout: 120_000 },
    async () => {
      const { work, run, ended } = startBigRun();
      const pid = run.child.pid!;
      const first = await waitFor('a worker process', () => childPids(pid)[0]);
      await waitFor('the worker to work', () => cpuSeconds(first) >= 0.3);
      expect(ended()).toBe(false);

      const before = childPids(pid);
      process.kill(first, 'SIGKILL');
      // The process forked in its place has taken work of its own (the
      // shards of the first are redone by whichever process is free), and
      // dies too: some shard may now be on its third and last attempt.
      const second = await waitFor('a replacement', () =>
        childPids(pid).find((worker) => !before.includes(worker)),
      );
      await waitFor('the replacement to work', () => cpuSeconds(second) >= 0.3);
      expect(ended()).toBe(false);
      process.kill(second, 'SIGKILL');
      const result = await run.result;

      for (const victim of [first, second]) {
        await waitFor(`${victim} to be gone`, () => !isAlive(victim), 5_000);
      }
      expectCleanRunOutputs(work, result.code);
    },
  );
});

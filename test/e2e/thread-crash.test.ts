// A pool thread that dies while it runs a chunk: the chunk is run again,
// and the outputs are those of a clean run; a chunk that kills every thread
// it runs on ends the run with 70 and publishes nothing.
// ORDER_BATCH_TEST_CRASH_CHUNK is the test hook of src/engine/thread.ts.
import { readdirSync, rmSync } from 'node:fs';
import { afterAll, afterEach, beforeAll, describe, expect, test } from 'vitest';
import { generate, runCli, suiteDir } from './helpers.js';
import { expectSameOutputs, processWith, type Outputs } from './runs.js';

const args = ['--processes', '1', '--threads', '2', '--chunk-size', '64k'];

describe('a pool thread that dies', () => {
  let dir: string;
  let clean: Outputs;

  beforeAll(async () => {
    dir = suiteDir();
    await generate(dir, 'orders.csv', ['--rows', '20000', '--seed', '9']);
    clean = await processWith(dir, 'orders.csv', 'clean', args);
  }, 120_000);
  afterEach(() => {
    delete process.env.ORDER_BATCH_TEST_CRASH_CHUNK;
  });
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  test('once: its chunk is redone, the outputs are a clean run', async () => {
    process.env.ORDER_BATCH_TEST_CRASH_CHUNK = '3:once';

    const redone = await processWith(dir, 'orders.csv', 'redone', args);

    expectSameOutputs(redone, clean);
  });

  test('every time: exit 70, nothing published', async () => {
    process.env.ORDER_BATCH_TEST_CRASH_CHUNK = '3';
    const before = readdirSync(dir).sort();

    const result = await runCli(
      ['process', 'orders.csv', '-o', 'dead.inv', '-q', ...args],
      { cwd: dir, timeoutMs: 60_000 },
    );

    expect(result.code).toBe(70);
    expect(result.stderr.trim().split('\n')).toHaveLength(1);
    expect(result.stderr).toMatch(/nothing was published/);
    expect(readdirSync(dir).sort()).toEqual(before);
  });
});

describe('a shard process that cannot start', () => {
  test('ends the run within seconds: 70, one line, nothing published', async () => {
    const dir = suiteDir();
    try {
      await generate(dir, 'orders.csv', ['--rows', '2000', '--seed', '3']);
      process.env.ORDER_BATCH_TEST_BROKEN_SHARD = '1';
      const started = Date.now();

      const result = await runCli(
        ['process', 'orders.csv', '--processes', '2', '-q'],
        { cwd: dir, timeoutMs: 30_000 },
      );

      expect(result.code).toBe(70);
      expect(Date.now() - started).toBeLessThan(20_000);
      expect(result.stderr.trim().split('\n')).toHaveLength(1);
      expect(readdirSync(dir)).toEqual(['orders.csv']);
    } finally {
      delete process.env.ORDER_BATCH_TEST_BROKEN_SHARD;
      rmSync(dir, { recursive: true, force: true });
    }
  });
});

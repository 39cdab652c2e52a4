// A pool thread that dies or gets stuck while it runs a chunk: the chunk is
// run again, and the outputs are those of a clean run; a chunk that does it
// on every thread it runs on ends the run with 70 and publishes nothing.
// ORDER_BATCH_TEST_CRASH_CHUNK and ORDER_BATCH_TEST_BROKEN_THREAD are the
// test hooks of src/engine/thread.ts; ORDER_BATCH_TEST_TASK_TIMEOUT_MS
// shortens a task's time limit (src/engine/coordinator.ts).
import { readdirSync, rmSync } from 'node:fs';
import { afterAll, afterEach, beforeAll, describe, expect, test } from 'vitest';
import { generate, runCli, suiteDir } from './helpers.js';
import { expectSameOutputs, processWith, type Outputs } from './runs.js';

const args = ['--processes', '1', '--threads', '2', '--chunk-size', '64k'];
// Long enough for a 64 kB chunk and a thread's start on a busy machine
// (a chunk timed out by mistake is only redone), short enough that the
// nine attempts at a stuck chunk (3 threads in each of 3 shard attempts)
// take a few seconds.
const TASK_TIMEOUT_MS = '400';

const HOOKS = [
  'ORDER_BATCH_TEST_CRASH_CHUNK',
  'ORDER_BATCH_TEST_TASK_TIMEOUT_MS',
  'ORDER_BATCH_TEST_BROKEN_THREAD',
  'ORDER_BATCH_TEST_BROKEN_SHARD',
  'ORDER_BATCH_DEBUG',
];

/** Sets the hook that makes the thread of chunk 3 fail, in the way `how`. */
function failChunk3(how: string): void {
  process.env.ORDER_BATCH_TEST_CRASH_CHUNK = how ? `3:${how}` : '3';
  process.env.ORDER_BATCH_TEST_TASK_TIMEOUT_MS = TASK_TIMEOUT_MS;
}

afterEach(() => {
  for (const name of HOOKS) delete process.env[name];
});

describe('a pool thread that dies', () => {
  let dir: string;
  let clean: Outputs;

  beforeAll(async () => {
    dir = suiteDir();
    await generate(dir, 'orders.csv', ['--rows', '20000', '--seed', '9']);
    clean = await processWith(dir, 'orders.csv', 'clean', args);
  }, 120_000);
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  test.each([
    ['exits', 'once'],
    ['runs out of heap', 'oom:once'],
    ['hangs past its time limit', 'hang:once'],
  ])(
    'once, a thread that %s: its chunk is redone, outputs of a clean run',
    async (_what, how) => {
      failChunk3(how);

      const redone = await processWith(dir, 'orders.csv', 'redone', args);

      expectSameOutputs(redone, clean);
    },
  );

  // The cause in the message shows the hook failed the thread the way it
  // was asked to, and not some other way.
  test.each([
    ['exits', '', /worker exited with code: 1/],
    ['runs out of heap', 'oom', /memory limit/],
    ['hangs past its time limit', 'hang', /aborted/],
  ])(
    'every time, a thread that %s: exit 70 within seconds, nothing published',
    async (_what, how, cause) => {
      failChunk3(how);
      const before = readdirSync(dir).sort();
      const started = Date.now();

      const result = await runCli(
        ['process', 'orders.csv', '-o', 'dead.inv', '-q', ...args],
        { cwd: dir, timeoutMs: 60_000 },
      );

      expect(result.code, result.stderr).toBe(70);
      expect(Date.now() - started).toBeLessThan(20_000);
      expect(result.stderr.trim().split('\n')).toHaveLength(1);
      expect(result.stderr).toMatch(cause);
      expect(result.stderr).toMatch(/nothing was published/);
      expect(readdirSync(dir).sort()).toEqual(before);
    },
  );
});

describe('a process that cannot start its part', () => {
  let dir: string;

  beforeAll(async () => {
    dir = suiteDir();
    await generate(dir, 'orders.csv', ['--rows', '2000', '--seed', '3']);
  }, 120_000);
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  test.each([
    ['a shard process that fails to load', 'ORDER_BATCH_TEST_BROKEN_SHARD'],
    ['a thread module that fails to load', 'ORDER_BATCH_TEST_BROKEN_THREAD'],
  ])(
    '%s: 70 within seconds, one line, nothing published',
    async (_what, hook) => {
      process.env[hook] = '1';
      const started = Date.now();

      const result = await runCli(
        ['process', 'orders.csv', '--processes', '2', '-q'],
        { cwd: dir, timeoutMs: 30_000 },
      );

      expect(result.code).toBe(70);
      expect(Date.now() - started).toBeLessThan(20_000);
      expect(result.stderr.trim().split('\n')).toHaveLength(1);
      expect(readdirSync(dir)).toEqual(['orders.csv']);
    },
  );

  test('with ORDER_BATCH_DEBUG, the thread pool error is told', async () => {
    process.env.ORDER_BATCH_TEST_BROKEN_THREAD = '1';
    process.env.ORDER_BATCH_DEBUG = '1';

    const result = await runCli(
      ['process', 'orders.csv', '--processes', '1', '-q'],
      { cwd: dir, timeoutMs: 30_000 },
    );

    expect(result.code).toBe(70);
    expect(result.stderr).toContain(
      'thread pool failed: ORDER_BATCH_TEST_BROKEN_THREAD is set',
    );
    expect(readdirSync(dir)).toEqual(['orders.csv']);
  });
});

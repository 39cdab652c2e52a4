// The primary killed outright (SIGKILL, no chance to clean up): its shard
// processes notice and exit, and the next run cleans up what it left.
import { readdirSync, rmSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import {
  childPids,
  cpuSeconds,
  generate,
  isAlive,
  runCli,
  startCli,
  suiteDir,
  waitFor,
} from './helpers.js';

describe('a primary killed with SIGKILL', () => {
  let dir: string;

  beforeAll(async () => {
    dir = suiteDir();
    await generate(dir, 'big.csv', ['--rows', '300000', '--seed', '5']);
  }, 120_000);
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  test(
    'leaves no process running, and the next run takes over',
    { timeout: 120_000 },
    async () => {
      const args = ['process', 'big.csv', '-q', '--processes', '2'];
      const run = startCli([...args, '--chunk-size', '16k'], { cwd: dir });
      const workers = await waitFor('worker processes', () => {
        const pids = childPids(run.child.pid!);
        return pids.length === 2 ? pids : undefined;
      });
      await waitFor('a worker to work', () =>
        workers.some((pid) => cpuSeconds(pid) >= 0.2),
      );

      run.child.kill('SIGKILL');
      await run.result;
      for (const pid of workers) {
        await waitFor(`worker ${pid} to exit`, () => !isAlive(pid), 5_000);
      }
      expect(readdirSync(dir).some((name) => name.endsWith('.lock'))).toBe(
        true,
      );

      const next = await runCli(args, { cwd: dir });
      expect(next.code).toBe(0);
      const left = readdirSync(dir).filter(
        (name) => name.endsWith('.lock') || name.includes('.tmp'),
      );
      expect(left).toEqual([]);
    },
  );
});

import { spawnSync } from 'node:child_process';
import { availableParallelism } from 'node:os';
import { describe, expect, test } from 'vitest';
import { parseCpuList, pinnableCpus, pinnedTo } from '../../src/bench/pin.js';

describe('parseCpuList', () => {
  test.each([
    ['0', [0]],
    ['0-1', [0, 1]],
    ['0-2,5,7-8', [0, 1, 2, 5, 7, 8]],
    ['4-5', [4, 5]],
  ])('%s', (text, cpus) => {
    expect(parseCpuList(text)).toEqual(cpus);
  });
});

describe('pinnedTo', () => {
  test('runs the command on the first CPUs it is given', () => {
    expect(pinnedTo(['node', '-e', '0'], [2, 5, 7], 2)).toEqual([
      '/usr/bin/taskset',
      '-c',
      '2,5',
      'node',
      '-e',
      '0',
    ]);
  });

  // Where runs can be pinned (Linux with taskset), a pinned child sees the
  // CPUs it is given, and only those.
  const cpus = pinnableCpus();
  test.runIf(cpus !== undefined)('a pinned child runs on one CPU', () => {
    expect(cpus).toHaveLength(availableParallelism());
    const [command, ...args] = pinnedTo(
      [process.execPath, '-p', 'require("os").availableParallelism()'],
      cpus!,
      1,
    );
    const child = spawnSync(command, args, { encoding: 'utf8' });
    expect(child.stdout.trim()).toBe('1');
  });
});

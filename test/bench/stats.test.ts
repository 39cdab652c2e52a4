import { describe, expect, test } from 'vitest';
import {
  computeResults,
  coresUsed,
  defaultProcessCounts,
  efficiency,
  median,
  planConfigs,
  resultAtMostCores,
  speedup,
  type ConfigTiming,
} from '../../src/bench/stats.js';

describe('median', () => {
  test.each([
    [[3], 3],
    [[5, 1, 3], 3],
    [[4, 1, 3, 2], 2.5],
    [[2, 2, 9, 1], 2],
    [[0.5, 0.25], 0.375],
  ])('of %j is %d', (values, expected) => {
    expect(median(values)).toBe(expected);
  });

  test('leaves its input unsorted', () => {
    const values = [3, 1, 2];
    median(values);
    expect(values).toEqual([3, 1, 2]);
  });

  test('of nothing throws', () => {
    expect(() => median([])).toThrow(RangeError);
  });
});

describe('speedup and efficiency', () => {
  test('speedup is baseline time over time', () => {
    expect(speedup(10, 5)).toBe(2);
    expect(speedup(10, 20)).toBe(0.5);
  });

  test('speedup of a zero time throws', () => {
    expect(() => speedup(10, 0)).toThrow(RangeError);
  });

  test.each([
    [1, 1, 8, 1],
    [2, 2, 8, 4],
    [4, 1, 2, 2],
    [2, 4, 4, 4],
    [1, 1, 0, 1],
  ])('%d processes × %d threads on %d cores use %d', (p, t, cores, used) => {
    expect(coresUsed({ processes: p, threads: t }, cores)).toBe(used);
  });

  test('efficiency is speedup per core used', () => {
    expect(efficiency(3, 4)).toBe(0.75);
    expect(efficiency(1, 1)).toBe(1);
  });
});

describe('computeResults', () => {
  const timing = (
    processes: number,
    threads: number,
    runSeconds: number[],
    peakRssKiB: number | null = 1000,
  ): ConfigTiming => ({ processes, threads, runSeconds, peakRssKiB });

  test('uses medians, caps cores at the machine, converts RSS to MB', () => {
    const timings = [
      timing(1, 1, [9, 8, 10]),
      timing(2, 1, [4, 5, 6]),
      timing(4, 1, [5, 4, 100], null),
    ];
    const results = computeResults(
      timings,
      timings[0],
      { bytes: 16e6, rows: 400 },
      2,
    );

    expect(results.map((r) => r.seconds)).toEqual([9, 5, 5]);
    expect(results[1]).toMatchObject({
      coresUsed: 2,
      mbPerSecond: 3.2,
      rowsPerSecond: 80,
      speedup: 1.8,
      efficiency: 0.9,
      peakRssMb: 1.024,
    });
    // Four processes on two cores: efficiency counts two cores, not four.
    expect(results[2]).toMatchObject({
      coresUsed: 2,
      efficiency: 0.9,
      peakRssMb: null,
    });
  });

  test('the gate judges the best of those at the most cores', () => {
    const timings = [
      timing(1, 1, [8]),
      timing(2, 1, [5]),
      timing(1, 2, [4]),
      timing(2, 2, [6]),
    ];
    const results = computeResults(
      timings,
      timings[0],
      { bytes: 1, rows: 1 },
      4,
    );

    expect(resultAtMostCores(results)).toMatchObject({
      processes: 2,
      threads: 2,
      efficiency: 1 / 3,
    });
    expect(resultAtMostCores(results.slice(0, 3))).toMatchObject({
      processes: 1,
      threads: 2,
      efficiency: 1,
    });
  });
});

describe('configurations', () => {
  test.each([
    [1, [1]],
    [2, [1, 2]],
    [6, [1, 2, 4, 6]],
    [8, [1, 2, 4, 8]],
    [12, [1, 2, 4, 8, 12]],
  ])('the default on %d cores is %j', (cores, counts) => {
    expect(defaultProcessCounts(cores)).toEqual(counts);
  });

  test('1 × 1 always comes first, once', () => {
    expect(planConfigs([2, 1], [1, 2])).toEqual([
      { processes: 1, threads: 1 },
      { processes: 2, threads: 1 },
      { processes: 2, threads: 2 },
      { processes: 1, threads: 2 },
    ]);
    expect(planConfigs([4], [2])).toEqual([
      { processes: 1, threads: 1 },
      { processes: 4, threads: 2 },
    ]);
  });
});

import { describe, expect, test } from 'vitest';
import {
  benchReport,
  formatTable,
  githubBenchmark,
  toJsonText,
} from '../../src/bench/report.js';
import { findMismatches } from '../../src/bench/run.js';
import type { BenchResult } from '../../src/bench/stats.js';

const RESULTS: BenchResult[] = [
  {
    processes: 1,
    threads: 1,
    coresUsed: 1,
    seconds: 4.1234,
    mbPerSecond: 21.8265,
    rowsPerSecond: 485049.7,
    speedup: 1,
    efficiency: 1,
    peakRssMb: 210.44,
  },
  {
    processes: 2,
    threads: 1,
    coresUsed: 2,
    seconds: 2.3,
    mbPerSecond: 39.13,
    rowsPerSecond: 869565.2,
    speedup: 1.79278,
    efficiency: 0.89639,
    peakRssMb: null,
  },
];
const MACHINE = {
  cpus: 2,
  model: 'Test CPU',
  node: 'v20.0.0',
  os: 'Linux 6.1 x64',
};
const INPUT = {
  file: 'orders.csv',
  bytes: 90_000_000,
  rows: 2_000_000,
  format: 'csv',
};

describe('formatTable', () => {
  test('right-aligns every column under its title', () => {
    expect(formatTable(RESULTS)).toBe(
      [
        'processes  threads  cores  seconds  MB/s   rows/s  speedup' +
          '  efficiency  peak RSS MB',
        '        1        1      1    4.123  21.8  485,050     1.00' +
          '        1.00          210',
        '        2        1      2    2.300  39.1  869,565     1.79' +
          '        0.90            -',
        '',
      ].join('\n'),
    );
  });
});

describe('benchReport', () => {
  test('has the machine, the input and one rounded row per result', () => {
    const report = JSON.parse(
      toJsonText(benchReport(MACHINE, INPUT, 3, RESULTS, true)),
    );

    expect(report).toEqual({
      machine: MACHINE,
      input: INPUT,
      runs: 3,
      pinned: true,
      results: [
        {
          processes: 1,
          threads: 1,
          cores_used: 1,
          seconds: 4.123,
          mb_per_s: 21.83,
          rows_per_s: 485050,
          speedup: 1,
          efficiency: 1,
          peak_rss_mb: 210.4,
        },
        {
          processes: 2,
          threads: 1,
          cores_used: 2,
          seconds: 2.3,
          mb_per_s: 39.13,
          rows_per_s: 869565,
          speedup: 1.793,
          efficiency: 0.896,
          peak_rss_mb: null,
        },
      ],
    });
  });

  test('ends its text with a line break', () => {
    expect(toJsonText({ a: 1 })).toBe('{\n  "a": 1\n}\n');
  });
});

describe('githubBenchmark', () => {
  test('gives throughput, speedup and efficiency of each configuration', () => {
    const entries = githubBenchmark(RESULTS, 3);

    expect(
      entries.map(({ name, unit, value }) => ({ name, unit, value })),
    ).toEqual([
      { name: 'throughput p1 t1', unit: 'MB/s', value: 21.83 },
      { name: 'speedup p1 t1', unit: 'x', value: 1 },
      { name: 'efficiency p1 t1', unit: 'ratio', value: 1 },
      { name: 'throughput p2 t1', unit: 'MB/s', value: 39.13 },
      { name: 'speedup p2 t1', unit: 'x', value: 1.793 },
      { name: 'efficiency p2 t1', unit: 'ratio', value: 0.896 },
    ]);
    expect(entries[0].extra).toBe('median of 3 runs, 1 core used');
    expect(entries[3].extra).toBe('median of 3 runs, 2 cores used');
  });
});

describe('findMismatches', () => {
  const outcome = (processes: number, invoicesSha256: string[]) => ({
    processes,
    threads: 1,
    runSeconds: [1],
    peakRssKiB: null,
    invoicesSha256,
  });

  test('is empty when every run wrote the same invoices', () => {
    expect(findMismatches([outcome(1, ['a', 'a']), outcome(2, ['a'])])).toEqual(
      [],
    );
  });

  test('names each configuration with a run that differs', () => {
    expect(
      findMismatches([
        outcome(1, ['a']),
        outcome(2, ['a', 'b']),
        outcome(4, ['a']),
        outcome(8, ['c']),
      ]),
    ).toEqual(['p2 t1', 'p8 t1']);
  });
});

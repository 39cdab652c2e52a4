// The --min-efficiency gate and the warning for configurations that ask
// for more cores than the machine has.
import { afterEach, describe, expect, test, vi } from 'vitest';
import {
  gateOnEfficiency,
  warnIfOversubscribed,
} from '../../src/bench/gate.js';
import type { BenchResult } from '../../src/bench/stats.js';

function result(
  processes: number,
  coresUsed: number,
  efficiency: number,
): BenchResult {
  return {
    processes,
    threads: 1,
    coresUsed,
    seconds: 1,
    mbPerSecond: 1,
    rowsPerSecond: 1,
    speedup: efficiency * coresUsed,
    efficiency,
    peakRssMb: null,
  };
}

function stderrOf(run: () => unknown): { value: unknown; text: string } {
  const write = vi.spyOn(process.stderr, 'write').mockReturnValue(true);
  const value = run();
  const text = write.mock.calls.map(([chunk]) => String(chunk)).join('');
  return { value, text };
}

afterEach(() => vi.restoreAllMocks());

describe('gateOnEfficiency', () => {
  const results = [result(1, 1, 1), result(2, 2, 0.8), result(4, 2, 0.7)];

  test.each([
    [undefined, 0],
    [0.8, 0],
    [0.5, 0],
    [0.81, 3],
  ])('--min-efficiency %s exits %i', (minimum, code) => {
    const { value, text } = stderrOf(() => gateOnEfficiency(results, minimum));
    expect(value).toBe(code);
    expect(text === '').toBe(code === 0);
  });

  test('judges the best configuration at the most cores, and says so', () => {
    const { text } = stderrOf(() => gateOnEfficiency(results, 0.9));
    expect(text).toBe(
      'order-batch: efficiency 0.80 of p2 t1 at 2 cores is below ' +
        '--min-efficiency 0.9: exit code 3\n',
    );
  });
});

describe('warnIfOversubscribed', () => {
  test('warns for more cores than there are, and only then', () => {
    const quiet = stderrOf(() =>
      warnIfOversubscribed({ processes: 2, threads: 1 }, 2),
    );
    expect(quiet.text).toBe('');
    const { text } = stderrOf(() =>
      warnIfOversubscribed({ processes: 2, threads: 2 }, 2),
    );
    expect(text).toBe(
      'order-batch: warning: p2 t2 asks for 4 cores but this machine has 2; ' +
        'its efficiency counts 2\n',
    );
  });
});

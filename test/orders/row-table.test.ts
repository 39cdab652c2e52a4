import { describe, test, expect } from 'vitest';
import { RunList } from '../../src/orders/row-table.js';

// The runs as [order, start, end, line] tuples, in the order they were added.
function runsOf(list: RunList): number[][] {
  const runs: number[][] = [];
  for (let at = 0; at < list.length; at += 4) {
    runs.push([...list.data.subarray(at, at + 4)]);
  }
  return runs;
}

describe('RunList', () => {
  test('keeps each run in input order, extendLast moving the last one', () => {
    const runs = new RunList();
    runs.add(0, 0, 10, 0);
    runs.add(1, 10, 20, 1);
    runs.extendLast(30);
    runs.add(0, 30, 40, 3);
    expect(runsOf(runs)).toEqual([
      [0, 0, 10, 0],
      [1, 10, 30, 1],
      [0, 30, 40, 3],
    ]);
  });

  test('grows past any room it was given, a fraction of a run included', () => {
    for (const room of [0, 1, 2.3, 7]) {
      const runs = new RunList(room);
      for (let i = 0; i < 50; i++) runs.add(i % 3, i * 10, i * 10 + 10, i);
      runs.extendLast(505);
      expect(runs.length).toBe(200);
      const all = runsOf(runs);
      expect(all[0]).toEqual([0, 0, 10, 0]);
      expect(all[48]).toEqual([0, 480, 490, 48]);
      expect(all[49]).toEqual([1, 490, 505, 49]);
    }
  });
});

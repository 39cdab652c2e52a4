import { describe, test, expect } from 'vitest';
import { RunList } from '../../src/orders/row-table.js';

describe('RunList', () => {
  test('byOrder groups the runs by order, each order in input order', () => {
    const runs = new RunList();
    runs.add(0, 0, 10, 0);
    runs.add(1, 10, 20, 1);
    runs.extendLast(30);
    runs.add(0, 30, 40, 3);
    runs.add(2, 40, 50, 4);
    runs.add(0, 50, 60, 5);
    const { offsets, runs: grouped } = runs.byOrder(4);
    expect([...offsets]).toEqual([0, 3, 4, 5, 5]);
    expect([...grouped]).toEqual([
      0,
      10,
      0,
      30,
      40,
      3,
      50,
      60,
      5, // order 0
      10,
      30,
      1, // order 1
      40,
      50,
      4, // order 2
    ]);
  });

  test('grows past any room it was given, a fraction of a run included', () => {
    for (const room of [0, 1, 2.3, 7]) {
      const runs = new RunList(room);
      for (let i = 0; i < 50; i++) runs.add(i % 3, i * 10, i * 10 + 10, i);
      runs.extendLast(505);
      expect(runs.length).toBe(200);
      const { offsets, runs: grouped } = runs.byOrder(3);
      expect([...offsets]).toEqual([0, 17, 34, 50]);
      // Order 1's last run (its 17th) is the list's last: its end moved.
      expect([...grouped.subarray(33 * 3, 34 * 3)]).toEqual([490, 505, 49]);
    }
  });
});

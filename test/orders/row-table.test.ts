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
});

// The merge's guess of the spread ids: the orders of adjacent chunk edges
// that share an id, which is all of them when no order stands apart.
import { describe, expect, test } from 'vitest';
import type { AcceptedChunk } from '../../src/engine/chain.js';
import {
  guessSpreadIds,
  sameSpreadIds,
  spreadIdsOf,
} from '../../src/engine/spread-ids.js';

// A chunk whose edge orders (first and last) have these ids; an order's
// number is its place among the chunk's orders.
function chunk(index: number, ids: string[]): AcceptedChunk {
  const edges = [...new Set([0, ids.length - 1])]
    .filter((order) => order >= 0)
    .map((order) => ({ order, facts: { key: ids[order] } }));
  return { index, edges } as unknown as AcceptedChunk;
}

const asList = (spread: Map<number, Set<number>>) =>
  [...spread].map(([c, orders]) => [c, [...orders].sort()]);

describe('guessSpreadIds', () => {
  test('takes the orders cut at chunk edges, and no others', () => {
    const chunks = [
      chunk(0, ['A', 'B']),
      chunk(1, ['B', 'C', 'D']), // B cut between 0 and 1
      chunk(2, ['E', 'A']), // A again, far from chunk 0: not guessed
      chunk(3, ['A']), // A cut between 2 and 3...
      chunk(4, ['A', 'F']), // ...and 3 and 4
    ];
    expect(asList(guessSpreadIds(chunks))).toEqual([
      [0, [1]],
      [1, [0]],
      [2, [1]],
      [3, [0]],
      [4, [0]],
    ]);
  });

  test('a chunk without orders cuts nothing', () => {
    const chunks = [chunk(0, ['A']), chunk(1, []), chunk(2, ['A'])];
    expect(guessSpreadIds(chunks).size).toBe(0);
  });
});

describe('sameSpreadIds and places', () => {
  test('tell sets apart by chunk and by order', () => {
    const one = spreadIdsOf([0, 1, 1, 0]);
    expect(sameSpreadIds(one, spreadIdsOf([1, 0, 0, 1]))).toBe(true);
    expect(sameSpreadIds(one, spreadIdsOf([0, 1, 1, 0, 1, 2]))).toBe(false);
    expect(sameSpreadIds(one, spreadIdsOf([0, 1, 2, 0]))).toBe(false);
    expect(sameSpreadIds(one, spreadIdsOf([0, 2, 1, 0]))).toBe(false);
    // The thread's list, as it arrives: typed, in any order.
    expect(spreadIdsOf(Int32Array.of(1, 0, 0, 1))).toEqual(one);
  });
});

// Which orders of each chunk stand in other chunks too: the marks that
// the id check and the merge's guess fill, and what the merge reads of them.
import { describe, expect, test } from 'vitest';
import type { AcceptedChunk } from '../../src/engine/chain.js';
import {
  guessSpreadIds,
  MAX_BUCKETS,
  SpreadIds,
} from '../../src/engine/spread-ids.js';
import { hashOrderId } from '../../src/orders/hash.js';

// A chunk whose edge orders (first and last) have these ids; an order's
// number is its place among the chunk's orders.
function chunk(index: number, ids: string[]): AcceptedChunk {
  const edges = [...new Set([0, ids.length - 1])]
    .filter((order) => order >= 0)
    .map((order) => ({ order, facts: { key: ids[order] } }));
  return { index, orders: ids.length, edges } as unknown as AcceptedChunk;
}

// Each chunk's spread orders, for the chunks that have any.
function asList(spread: SpreadIds, chunks: number): number[][][] {
  const list: number[][][] = [];
  for (let c = 0; c < chunks; c++) {
    const orders = spread.ordersOf(c);
    if (orders.length > 0) list.push([[c], orders]);
  }
  return list;
}

describe('guessSpreadIds', () => {
  test('takes the orders cut at chunk edges, and no others', () => {
    const chunks = [
      chunk(0, ['A', 'B']),
      chunk(1, ['B', 'C', 'D']), // B cut between 0 and 1
      chunk(2, ['E', 'A']), // A again, far from chunk 0: not guessed
      chunk(3, ['A']), // A cut between 2 and 3...
      chunk(4, ['A', 'F']), // ...and 3 and 4
    ];
    const guess = guessSpreadIds(chunks);
    expect(asList(guess, 5)).toEqual([
      [[0], [1]],
      [[1], [0]],
      [[2], [1]],
      [[3], [0]],
      [[4], [0]],
    ]);
    expect(guess.count).toBe(5);
  });

  test('a chunk without orders cuts nothing', () => {
    const chunks = [chunk(0, ['A']), chunk(1, []), chunk(2, ['A'])];
    expect(guessSpreadIds(chunks).count).toBe(0);
  });

  test("marks an order's places with its id's bucket", () => {
    const chunks = [chunk(0, ['X', 'B']), chunk(1, ['B'])];
    const guess = guessSpreadIds(chunks);
    const low = hashOrderId('B') % MAX_BUCKETS;
    for (const buckets of [1, 2, 64, MAX_BUCKETS]) {
      expect(guess.bucketOf(0, 1, buckets)).toBe(low % buckets);
      expect(guess.bucketOf(1, 0, buckets)).toBe(low % buckets);
    }
  });
});

describe('SpreadIds', () => {
  test('marks orders of each chunk, and counts each once', () => {
    const spread = new SpreadIds([3, 0, 2]);
    spread.mark(0, 2, 7);
    spread.mark(2, 0, 7);
    spread.mark(0, 2, 7);
    spread.mark(0, 0, 9);
    expect(spread.count).toBe(3);
    expect(asList(spread, 3)).toEqual([
      [[0], [0, 2]],
      [[2], [0]],
    ]);
  });

  test("takes a thread's marks and count as they are", () => {
    const found = new SpreadIds([2, 2]);
    found.mark(0, 1, 5);
    found.mark(1, 0, 5);
    const marks = found.marks.slice();
    const copy = new SpreadIds([2, 2], { marks, count: found.count });
    expect(copy.count).toBe(2);
    expect(copy.equals(found)).toBe(true);
  });

  test('tells sets apart by chunk, by order and by bucket', () => {
    // Two chunks of two orders, these places marked with this hash.
    const marked = (places: Array<[number, number]>, hash = 1) => {
      const spread = new SpreadIds([2, 2]);
      for (const [chunk, order] of places) spread.mark(chunk, order, hash);
      return spread;
    };
    const one = marked([
      [0, 1],
      [1, 0],
    ]);
    expect(
      one.equals(
        marked([
          [1, 0],
          [0, 1],
        ]),
      ),
    ).toBe(true);
    expect(
      one.equals(
        marked(
          [
            [0, 1],
            [1, 0],
          ],
          2,
        ),
      ),
    ).toBe(false);
    expect(
      one.equals(
        marked([
          [0, 1],
          [1, 0],
          [1, 1],
        ]),
      ),
    ).toBe(false);
    expect(
      one.equals(
        marked([
          [0, 0],
          [1, 0],
        ]),
      ),
    ).toBe(false);
  });

  test('a large hash keeps its low bits', () => {
    const spread = new SpreadIds([1]);
    const hash = 2 ** 52 - 1;
    spread.mark(0, 0, hash);
    expect(spread.bucketOf(0, 0, MAX_BUCKETS)).toBe(MAX_BUCKETS - 1);
  });
});

// The key table finds the order id hashes that stand in more than one
// chunk; it is held to a plain Map of every place each hash stood.
import fc from 'fast-check';
import { describe, expect, test } from 'vitest';
import {
  KeyTable,
  PARTS,
  partitionIds,
  partitionOf,
} from '../../src/engine/key-table.js';

type Chunks = number[][]; // per chunk, its orders' hashes

// Every place of every hash that stands in two chunks or more.
function expectedSpread(chunks: Chunks): string[] {
  const places = new Map<number, Array<[number, number]>>();
  chunks.forEach((hashes, chunk) =>
    hashes.forEach((hash, order) => {
      if (!places.has(hash)) places.set(hash, []);
      places.get(hash)!.push([chunk, order]);
    }),
  );
  const spread: string[] = [];
  for (const list of places.values()) {
    if (new Set(list.map(([chunk]) => chunk)).size < 2) continue;
    for (const [chunk, order] of list) spread.push(`${chunk}:${order}`);
  }
  return spread.sort();
}

// As spread-ids.ts uses the table: each chunk's ids sorted by partition,
// then partition by partition, chunk after chunk.
function foundSpread(chunks: Chunks): string[] {
  const found: string[] = [];
  const table = new KeyTable((c, o, hash) => {
    // Each place is told with its own id's hash.
    expect(hash).toBe(chunks[c][o]);
    found.push(`${c}:${o}`);
  });
  const sorted = chunks.map((hashes) =>
    partitionIds(Float64Array.from(hashes)),
  );
  for (let part = 0; part < PARTS; part++) {
    const counts = sorted.map(
      ({ offsets }) => offsets[part + 1] - offsets[part],
    );
    table.start(counts.reduce((sum, count) => sum + count, 0));
    sorted.forEach(({ offsets, hashes, orders }, chunk) => {
      for (let at = offsets[part]; at < offsets[part + 1]; at++) {
        table.add(hashes[at], chunk, orders[at]);
      }
    });
  }
  return found.sort();
}

// Hashes from 1 to 2^52, drawn from a small pool so that they repeat;
// `sameLow` pools share their low 32 bits and so their partition and slot.
const hashPool = (sameLow: boolean) =>
  fc
    .array(fc.integer({ min: 1, max: 2 ** 20 }), {
      minLength: 1,
      maxLength: 40,
    })
    .map((seeds) =>
      seeds.map((seed) => (sameLow ? seed * 2 ** 32 + 7 : seed * 104_729)),
    );

describe('KeyTable', () => {
  test.each([false, true])(
    'reports every place of a hash in two chunks (same low bits: %s)',
    (sameLow) => {
      fc.assert(
        fc.property(
          hashPool(sameLow).chain((pool) =>
            fc.array(fc.array(fc.constantFrom(...pool), { maxLength: 30 }), {
              maxLength: 12,
            }),
          ),
          (chunks) => {
            expect(foundSpread(chunks)).toEqual(expectedSpread(chunks));
          },
        ),
      );
    },
  );

  test('partitionIds sorts by partition, orders ascending within one', () => {
    const hashes = Float64Array.from([513, 2, 257, 1, 514]);
    const ids = partitionIds(hashes);
    expect(partitionOf(513)).toBe(1);
    expect([...ids.offsets.subarray(0, 4)]).toEqual([0, 0, 3, 5]);
    expect([...ids.hashes]).toEqual([513, 257, 1, 2, 514]);
    expect([...ids.orders]).toEqual([0, 2, 3, 1, 4]);
  });

  test('a partition of many ids keeps every one', () => {
    const unique = (chunk: number) =>
      Array.from(
        { length: 5000 },
        // Multiples of 256: all in one partition.
        (_, order) => (chunk * 5000 + order + 1) * 256,
      );
    const chunks = [
      unique(0),
      unique(1),
      unique(2),
      [unique(0)[4321], 3, unique(2)[0]],
    ];
    const expected = ['0:4321', '2:0', '3:0', '3:2'];
    expect(foundSpread(chunks)).toEqual(expected);
  });

  test('hashes as large as 2^52 keep their slots exact', () => {
    const big = 2 ** 52;
    const chunks = [[big, big - 1], [big - 1], [big]];
    expect(foundSpread(chunks)).toEqual(['0:0', '0:1', '1:0', '2:0']);
  });
});

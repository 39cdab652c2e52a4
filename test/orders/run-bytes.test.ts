import { describe, test, expect } from 'vitest';
import fc from 'fast-check';
import { ByteSink } from '../../src/orders/byte-sink.js';
import { RunList } from '../../src/orders/row-table.js';
import { decodeRuns, encodeRuns } from '../../src/orders/run-bytes.js';

// Runs in input order as a chunk makes them: each after the one before,
// its order either the next new one or one met before.
const chunkRuns = fc
  .array(
    fc.record({
      earlier: fc.option(fc.nat(), { nil: undefined }),
      gap: fc.oneof(fc.nat(3), fc.nat()),
      length: fc.oneof(fc.nat(300), fc.nat(2 ** 40)),
      lines: fc.oneof(fc.nat(2), fc.nat()),
    }),
    { maxLength: 60 },
  )
  .chain((steps) =>
    fc.tuple(fc.constant(steps), fc.oneof(fc.nat(100), fc.nat(2 ** 45))),
  );

// Each order's runs as (start, end, line) triples, as decodeRuns gives them.
function byOrder(list: RunList): Map<number, number[]> {
  const found = new Map<number, number[]>();
  for (let at = 0; at < list.length; at += 4) {
    const [order, start, end, line] = list.data.subarray(at, at + 4);
    if (!found.has(order)) found.set(order, []);
    found.get(order)!.push(start, end, line);
  }
  return found;
}

function encoded(list: RunList, chunkStart: number): Buffer {
  const sink = new ByteSink(4);
  encodeRuns(list, chunkStart, sink);
  return sink.bytes();
}

describe('run bytes', () => {
  test('a chunk of adjacent orders takes about 5 bytes a run', () => {
    const list = new RunList();
    for (let order = 0; order < 1000; order++) {
      list.add(order, 5000 + order * 144, 5000 + (order + 1) * 144, order * 3);
    }
    const bytes = encoded(list, 5000);
    expect(bytes.length).toBe(1000 * 5);
    const wanted = new Set([0, 417, 999]);
    expect(decodeRuns(bytes, 5000, wanted)).toEqual(
      new Map([
        [0, [5000, 5144, 0]],
        [417, [5000 + 417 * 144, 5000 + 418 * 144, 1251]],
        [999, [5000 + 999 * 144, 5000 + 1000 * 144, 2997]],
      ]),
    );
  });

  test('gives back every order runs were written for, as written', () => {
    fc.assert(
      fc.property(chunkRuns, ([steps, chunkStart]) => {
        const list = new RunList(1);
        let [orders, end, line] = [0, chunkStart, 0];
        for (const step of steps) {
          const order =
            step.earlier !== undefined && orders > 0
              ? step.earlier % orders
              : orders++;
          const start = end + step.gap;
          end = start + step.length;
          line += step.lines;
          list.add(order, start, end, line);
        }
        const expected = byOrder(list);
        const all = new Set(expected.keys());
        expect(decodeRuns(encoded(list, chunkStart), chunkStart, all)).toEqual(
          expected,
        );
        const some = new Set([...all].filter((order) => order % 2 === 1));
        const decoded = decodeRuns(encoded(list, chunkStart), chunkStart, some);
        expect([...decoded.keys()].sort((a, b) => a - b)).toEqual(
          [...some].sort((a, b) => a - b),
        );
      }),
    );
  });
});

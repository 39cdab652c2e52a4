// The order index is held to a Map from id to first place, on ids looked
// up both from bytes and as strings.
import fc from 'fast-check';
import { describe, expect, test } from 'vitest';
import { hashAsciiBytes, hashOrderId } from '../../src/orders/hash.js';
import { OrderIndex } from '../../src/orders/order-index.js';

describe('OrderIndex', () => {
  test('finds each id at its first place, from bytes or from text', () => {
    const id = fc.stringMatching(/^[A-Za-z0-9-]{0,6}$/);
    fc.assert(
      fc.property(fc.array(fc.tuple(id, fc.boolean())), (lookups) => {
        const index = new OrderIndex();
        const expected = new Map<string, number>();
        for (const [key, fromBytes] of lookups) {
          const bytes = Buffer.from(`,${key},`, 'latin1');
          const order = fromBytes
            ? index.atAscii(bytes, 1, bytes.length - 1)
            : index.at(key);
          if (!expected.has(key)) expected.set(key, expected.size);
          expect(order.key).toBe(key);
          expect(order.index).toBe(expected.get(key));
        }
        expect(index.orders.map((order) => order.key)).toEqual([
          ...expected.keys(),
        ]);
      }),
    );
  });

  test('grows past its first size without losing an id', () => {
    const index = new OrderIndex();
    for (let i = 0; i < 5000; i++) index.at(`ORD-${i}`);
    for (let i = 0; i < 5000; i++) {
      const bytes = Buffer.from(`ORD-${i}`);
      expect(index.atAscii(bytes, 0, bytes.length).index).toBe(i);
    }
    expect(index.orders).toHaveLength(5000);
  });

  test('the hash of ASCII bytes is the hash of their text', () => {
    fc.assert(
      fc.property(fc.string({ unit: 'binary-ascii' }), (key) => {
        const bytes = Buffer.from(key, 'latin1');
        expect(hashAsciiBytes(bytes, 0, bytes.length)).toBe(hashOrderId(key));
      }),
    );
  });
});

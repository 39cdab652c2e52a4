// The piecewise UTF-8 check is held to isUtf8 of the whole, however the
// bytes are cut and even when every piece is read into the same buffer.
import { isUtf8 } from 'node:buffer';
import fc from 'fast-check';
import { expect, test } from 'vitest';
import { Utf8Check } from '../../src/orders/utf8-check.js';

test('pieces in one reused buffer are judged as the whole', () => {
  fc.assert(
    fc.property(
      fc.string({ unit: fc.constantFrom('x', 'é', '東', '😀'), maxLength: 60 }),
      fc.array(fc.integer({ min: 1, max: 7 }), { minLength: 1 }),
      fc.option(fc.integer({ min: 0, max: 200 })),
      (text, sizes, brokenAt) => {
        const whole = Buffer.from(text);
        if (brokenAt !== null && brokenAt < whole.length)
          whole[brokenAt] = 0xff;
        const reused = Buffer.alloc(8);
        const check = new Utf8Check();
        for (let at = 0, i = 0; at < whole.length; i++) {
          const size = Math.min(sizes[i % sizes.length], whole.length - at);
          whole.copy(reused, 0, at, at + size);
          at += size;
          check.check(reused.subarray(0, size), at === whole.length);
        }
        expect(check.valid).toBe(isUtf8(whole));
      },
    ),
  );
});

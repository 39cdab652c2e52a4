// A 52-bit hash of an order id, exact in a double. The merge uses it only
// to find ids that may stand in several chunks; equal hashes are then told
// apart by the ids themselves, so a collision costs time, never money.

// For tests only: ORDER_BATCH_TEST_HASH_VALUES=N makes every hash one of N
// values, so that a test's few hundred ids share hashes as some ids of a
// file of billions would (test/e2e/parallel.test.ts).
const testValues = Number(process.env.ORDER_BATCH_TEST_HASH_VALUES ?? 0);

function hashOf(fnv: number, mix: number): number {
  const hash = (fnv >>> 12) * 0x100000000 + (mix >>> 0) + 1;
  return testValues > 0 ? (hash % testValues) + 1 : hash;
}

/** Hashes an order id to an integer from 1 to 2^52. */
export function hashOrderId(key: string): number {
  let fnv = 0x811c9dc5;
  let mix = 0x9747b28c;
  for (let i = 0; i < key.length; i++) {
    const unit = key.charCodeAt(i);
    fnv = Math.imul(fnv ^ unit, 0x01000193);
    mix = Math.imul(mix ^ unit, 0x5bd1e995);
    mix ^= mix >>> 15;
  }
  return hashOf(fnv, mix);
}

/**
 * hashOrderId of the id whose text is the ASCII bytes [start, end): the
 * same number, without making the string. Its loop must stay in step with
 * hashOrderId's (test/orders/order-index.test.ts holds them equal).
 */
export function hashAsciiBytes(
  bytes: Uint8Array,
  start: number,
  end: number,
): number {
  let fnv = 0x811c9dc5;
  let mix = 0x9747b28c;
  for (let i = start; i < end; i++) {
    const unit = bytes[i];
    fnv = Math.imul(fnv ^ unit, 0x01000193);
    mix = Math.imul(mix ^ unit, 0x5bd1e995);
    mix ^= mix >>> 15;
  }
  return hashOf(fnv, mix);
}

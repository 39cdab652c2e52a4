// The seeded pseudo-random numbers behind every generated file, and the
// small helpers that pick from lists with them.

/** A stream of numbers in [0, 1), the same for the same seed. */
export type Random = () => number;

// mulberry32: tiny, fast, and the same sequence on every platform.
export function createRandom(seed: number): Random {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    return mix32(state) / 2 ** 32;
  };
}

// mulberry32's output step, also used alone as a 32-bit hash.
export function mix32(value: number): number {
  let t = value >>> 0;
  t = Math.imul(t ^ (t >>> 15), t | 1);
  t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
  return (t ^ (t >>> 14)) >>> 0;
}

// A whole number from 0 to count - 1; takes one draw from the stream.
export function pickInt(random: Random, count: number): number {
  return Math.floor(random() * count);
}

// One item of a list, chosen with one draw from the stream.
export function pick<T>(random: Random, items: readonly T[]): T {
  return items[pickInt(random, items.length)];
}

// The variant-th item, wrapping around: broken records take turns, no draw.
export function cycle<T>(items: readonly T[], variant: number): T {
  return items[variant % items.length];
}

// Records kept by bucket, spilled a block at a time: each bucket gives back
// its records in the order written, from memory and from the file alike.
import { mkdtempSync, rmSync, statSync, existsSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import fc from 'fast-check';
import { afterEach, beforeEach, describe, expect, test } from 'vitest';
import { BucketSpill } from '../../src/engine/bucket-spill.js';

let dir = '';
beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'bucket-spill-'));
});
afterEach(() => rmSync(dir, { recursive: true, force: true }));

// Writes each text to its bucket as one record; reads every bucket back.
function roundTrip(
  spill: BucketSpill,
  records: Array<[bucket: number, text: string]>,
): string[][] {
  for (const [bucket, text] of records) {
    spill.sink(bucket).text(`${text}\n`);
    spill.wrote(bucket);
  }
  return Array.from({ length: spill.buckets }, (_, bucket) =>
    [...spill.blocks(bucket)]
      .map((block) => block.toString())
      .join('')
      .split('\n')
      .slice(0, -1),
  );
}

describe('BucketSpill', () => {
  test('keeps small buckets in memory, writing no file', () => {
    const path = join(dir, 'spill.bin');
    const spill = new BucketSpill(path, 2, 1 << 16);
    const read = roundTrip(spill, [
      [0, 'a'],
      [1, 'b'],
      [0, 'c'],
    ]);
    expect(read).toEqual([['a', 'c'], ['b']]);
    expect(existsSync(path)).toBe(false);
    spill.close();
  });

  test('gives back each bucket in order once blocks went to the file', () => {
    fc.assert(
      fc.property(
        fc.array(
          fc.tuple(
            fc.integer({ min: 0, max: 3 }),
            fc.string({ maxLength: 300 }),
          ),
          { maxLength: 400 },
        ),
        (records) => {
          const path = join(dir, 'spill.bin');
          const spill = new BucketSpill(path, 4, 1200);
          const clean = records.map(
            ([bucket, text]) =>
              [bucket, text.replace(/\n/g, ' ')] as [number, string],
          );
          const read = roundTrip(spill, clean);
          spill.close();
          for (let bucket = 0; bucket < 4; bucket++) {
            const written = clean
              .filter(([b]) => b === bucket)
              .map(([, t]) => t);
            expect(read[bucket]).toEqual(written);
          }
          rmSync(path, { force: true });
        },
      ),
      { numRuns: 50 },
    );
  });

  test('holds about a block a bucket in memory, the rest on disk', () => {
    const path = join(dir, 'spill.bin');
    const spill = new BucketSpill(path, 3, 4096);
    const line = 'x'.repeat(99);
    for (let i = 0; i < 3000; i++) {
      spill.sink(i % 3).text(line);
      spill.wrote(i % 3);
      for (let bucket = 0; bucket < 3; bucket++) {
        expect(spill.sink(bucket).length).toBeLessThan(4096);
      }
    }
    expect(statSync(path).size).toBeGreaterThan(3000 * 99 - 3 * 4096);
    spill.free(0);
    expect([...spill.blocks(1)].every((block) => block.length <= 4096)).toBe(
      true,
    );
    spill.close();
  });
});

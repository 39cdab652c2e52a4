// The input made ready to read by byte range, and whether it changed
// under the run.
import { appendFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { describe, expect, test } from 'vitest';
import { hasChangedSince, prepareInput } from '../../src/io/input.js';
import { folder } from './helpers.js';

const ROWS = 'order_id,quantity,unit_price\nA,1,1.00\n';

function prepare(dir: string, name: string) {
  return prepareInput(
    join(dir, name),
    undefined,
    join(dir, 'spool'),
    () => undefined,
    new AbortController().signal,
  );
}

describe('hasChangedSince', () => {
  test('a file read in place: unchanged, grown, or gone', async () => {
    const dir = folder();
    writeFileSync(join(dir, 'o.csv'), ROWS);
    const input = await prepare(dir, 'o.csv');

    expect(hasChangedSince(input)).toBe(false);
    appendFileSync(join(dir, 'o.csv'), 'B,2,2.00\n');
    expect(hasChangedSince(input)).toBe(true);
    rmSync(join(dir, 'o.csv'));
    expect(hasChangedSince(input)).toBe(true);
  });

  test("a spooled input is the run's own: what becomes of the .gz does not matter", async () => {
    const dir = folder();
    writeFileSync(join(dir, 'o.csv.gz'), gzipSync(ROWS));
    const input = await prepare(dir, 'o.csv.gz');

    appendFileSync(join(dir, 'o.csv.gz'), gzipSync('B,2,2.00\n'));
    expect(input.path).toBe(join(dir, 'spool'));
    expect(hasChangedSince(input)).toBe(false);
  });
});

// Settled spread orders as spilled records: read back in order, across
// blocks, as they were written.
import { describe, expect, test } from 'vitest';
import {
  putSettled,
  Settled,
  SettledReader,
} from '../../src/engine/settled-records.js';
import { ByteSink } from '../../src/orders/byte-sink.js';

describe('settled records', () => {
  test('read back in order across blocks, then none', () => {
    const blocks: Buffer[] = [];
    const written: Array<[number, number, number, number, string]> = [];
    for (let block = 0; block < 3; block++) {
      const sink = new ByteSink();
      for (let i = 0; i < block + 1; i++) {
        const line = block === 1 ? '' : `O-${block}-${i},Zoë,12.30\n`;
        const kind = line ? Settled.invoice : Settled.keep;
        const entry = [kind, block, i * 7, 2 ** 53 - 1 - i, line] as const;
        putSettled(sink, kind, block, i * 7, entry[3], Buffer.from(line));
        written.push([...entry]);
      }
      blocks.push(Buffer.from(sink.bytes()));
    }
    blocks.splice(1, 0, Buffer.alloc(0)); // an empty block is passed by
    const reader = new SettledReader(blocks.values());
    const read: typeof written = [];
    while (reader.next()) {
      expect(reader.isAt(reader.chunk, reader.order)).toBe(true);
      read.push([
        reader.kind,
        reader.chunk,
        reader.order,
        reader.totalMinor,
        reader.line.toString(),
      ]);
    }
    expect(read).toEqual(written);
    expect(reader.isAt(2, 14)).toBe(false);
    expect(reader.next()).toBe(false);
  });
});

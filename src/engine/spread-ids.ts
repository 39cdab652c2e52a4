// Finds, once every chunk is in, the orders whose id hash stands in more
// than one chunk: mostly orders cut at a chunk's edge, sometimes an id met
// again far on, now and then two ids of one hash (the merge tells those
// apart). The ids come from the spill files, where each chunk left them
// sorted by partition, and are read a group of partitions at a time, so
// memory holds the ids of one group, whatever the file's size. Sending the
// ids to the primary as chunks came in cost it, and the shard processes
// that sent them, about 0.3 s of CPU on 10M rows while the cores were busy.
import { closeSync, openSync } from 'node:fs';
import type { AcceptedChunk } from './chain.js';
import { KeyTable, PARTS } from './key-table.js';
import { readSpillIdOffsets, readSpillIds } from './spill.js';

// Partitions read together: 1/8 of the ids at a time.
const GROUP = 32;

/** Per chunk, its orders whose id hash stands in other chunks too. */
export type SpreadIds = Map<number, Set<number>>;

/**
 * Finds the spread ids of `chunks` (the accepted chunks, in input order).
 * `pause` runs between groups, so that a signal still stops the merge.
 */
export async function findSpreadIds(
  chunks: AcceptedChunk[],
  pause: () => Promise<void>,
): Promise<SpreadIds> {
  const spread: SpreadIds = new Map();
  const table = new KeyTable((chunk, order) => {
    let orders = spread.get(chunk);
    if (!orders) spread.set(chunk, (orders = new Set()));
    orders.add(order);
  });
  const files = new Map<string, number>();
  const fdOf = (path: string) => {
    let fd = files.get(path);
    if (fd === undefined) files.set(path, (fd = openSync(path, 'r')));
    return fd;
  };
  try {
    const offsets = chunks.map((chunk) =>
      readSpillIdOffsets(chunk, fdOf(chunk.spillPath)),
    );
    let pairs = new Float64Array(0);
    // Where each chunk's ids of the group start in `pairs`.
    const starts = new Int32Array(chunks.length);
    for (let group = 0; group < PARTS; group += GROUP) {
      await pause();
      let count = 0;
      offsets.forEach((own, i) => {
        starts[i] = count;
        count += own[group + GROUP] - own[group];
      });
      // One buffer a group, not zeroed: every pair is read into it.
      if (pairs.length < count * 2) {
        pairs = new Float64Array(Buffer.allocUnsafeSlow(count * 16).buffer);
      }
      chunks.forEach((chunk, i) => {
        const fd = fdOf(chunk.spillPath);
        readSpillIds(
          chunk,
          fd,
          offsets[i],
          group,
          group + GROUP,
          pairs,
          starts[i],
        );
      });
      for (let part = group; part < group + GROUP; part++) {
        let ids = 0;
        for (const own of offsets) ids += own[part + 1] - own[part];
        table.start(ids);
        // Chunk after chunk, in input order, as the table needs.
        for (let i = 0; i < chunks.length; i++) {
          const from = starts[i] + offsets[i][part] - offsets[i][group];
          const to = from + offsets[i][part + 1] - offsets[i][part];
          addIds(table, chunks[i].index, pairs, from, to);
        }
      }
    }
  } finally {
    for (const fd of files.values()) closeSync(fd);
  }
  return spread;
}

// Adds a chunk's ids, pairs [from, to) of `pairs`.
function addIds(
  table: KeyTable,
  chunk: number,
  pairs: Float64Array,
  from: number,
  to: number,
): void {
  for (let at = from * 2; at < to * 2; at += 2) {
    table.add(pairs[at], chunk, pairs[at + 1]);
  }
}

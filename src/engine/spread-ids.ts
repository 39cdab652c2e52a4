// Finds, once every chunk is in, the orders whose id hash stands in more
// than one chunk: mostly orders cut at a chunk's edge, sometimes an id met
// again far on, now and then two ids of one hash (the merge tells those
// apart). The ids come from the spill files, where each chunk left them
// sorted by partition, and are checked a group of partitions at a time, so
// memory holds the ids of one group, whatever the file's size. Sending the
// ids to the primary as chunks came in cost it, and the shard processes
// that sent them, about 0.3 s of CPU on 10M rows while the cores were busy.
import { closeSync, openSync } from 'node:fs';
import type { AcceptedChunk } from './chain.js';
import { KeyTable, PARTS } from './key-table.js';
import { readSpillIdOffsets, readSpillIds } from './spill.js';

// Partitions checked together: 1/16 of the ids at a time.
const GROUP = 16;

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
  const onSpread = (chunk: number, order: number) => {
    let orders = spread.get(chunk);
    if (!orders) spread.set(chunk, (orders = new Set()));
    orders.add(order);
  };
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
    for (let from = 0; from < PARTS; from += GROUP) {
      await pause();
      // Chunk after chunk, in input order, as KeyTable needs.
      const table = new KeyTable(onSpread);
      chunks.forEach((chunk, i) => {
        const fd = fdOf(chunk.spillPath);
        const ids = readSpillIds(chunk, fd, offsets[i], from, from + GROUP);
        for (let k = 0; k < ids.hashes.length; k++) {
          table.add(ids.hashes[k], chunk.index, ids.orders[k]);
        }
      });
      table.flush();
    }
  } finally {
    for (const fd of files.values()) closeSync(fd);
  }
  return spread;
}

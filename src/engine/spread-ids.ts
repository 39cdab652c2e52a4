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

/** What the check needs of a chunk: its number and where its ids lie. */
export type IdSource = Pick<
  AcceptedChunk,
  | 'index'
  | 'spillPath'
  | 'spillOffset'
  | 'invoiceBytes'
  | 'rejectBytes'
  | 'rejectAscii'
  | 'orders'
  | 'rejects'
  | 'runs'
>;

/**
 * Finds the spread ids of `chunks` (the accepted chunks, in input order).
 * `pause` runs between groups, so that a signal still stops the merge.
 */
export async function findSpreadIds(
  chunks: IdSource[],
  pause: () => Promise<void>,
): Promise<SpreadIds> {
  return spreadIdsOf(await findSpreadPlaces(chunks, pause));
}

/**
 * findSpreadIds' places as a flat list of chunk and order numbers, as the
 * thread that finds them sends them (spreadIdsOf makes them spread ids):
 * a thread that built the sets too spent half its time on them.
 */
export async function findSpreadPlaces(
  chunks: IdSource[],
  pause: () => Promise<void>,
): Promise<Int32Array<ArrayBuffer>> {
  let places = new Int32Array(1024);
  let count = 0;
  const table = new KeyTable((chunk, order) => {
    if (count + 2 > places.length) {
      const grown = new Int32Array(places.length * 2);
      grown.set(places);
      places = grown;
    }
    places[count++] = chunk;
    places[count++] = order;
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
  return places.slice(0, count);
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

/**
 * The spread ids when no order stands in two chunks but across a chunk
 * edge, the usual case: the orders of adjacent edges with one id. The
 * merge starts with these while findSpreadIds runs beside it.
 */
export function guessSpreadIds(chunks: AcceptedChunk[]): SpreadIds {
  const spread: SpreadIds = new Map();
  for (let i = 1; i < chunks.length; i++) {
    const before = chunks[i - 1].edges.at(-1);
    const after = chunks[i].edges[0];
    if (!before || !after || before.facts.key !== after.facts.key) continue;
    addPlace(spread, chunks[i - 1].index, before.order);
    addPlace(spread, chunks[i].index, after.order);
  }
  return spread;
}

/** Whether two sets of spread ids are the same. */
export function sameSpreadIds(one: SpreadIds, other: SpreadIds): boolean {
  if (one.size !== other.size) return false;
  for (const [chunk, orders] of one) {
    const others = other.get(chunk);
    if (others?.size !== orders.size) return false;
    for (const order of orders) if (!others.has(order)) return false;
  }
  return true;
}

/** The spread ids of a flat list of chunk and order numbers. */
export function spreadIdsOf(places: ArrayLike<number>): SpreadIds {
  const spread: SpreadIds = new Map();
  for (let at = 0; at < places.length; at += 2) {
    addPlace(spread, places[at], places[at + 1]);
  }
  return spread;
}

function addPlace(spread: SpreadIds, chunk: number, order: number): void {
  let orders = spread.get(chunk);
  if (!orders) spread.set(chunk, (orders = new Set()));
  orders.add(order);
}

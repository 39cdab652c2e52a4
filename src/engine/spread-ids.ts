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
import { hashOrderId } from '../orders/hash.js';
import { KeyTable, PARTS, type IdColumns } from './key-table.js';
import { readSpillIdOffsets, readSpillIds } from './spill.js';

// Partitions read together: 1/8 of the ids at a time.
const GROUP = 32;

/** The low bits of an id's hash that a spread order's mark keeps. */
const MARK_BITS = 12;

/** The most buckets that spread orders can be shared out to by their marks. */
export const MAX_BUCKETS = 1 << MARK_BITS;

/**
 * Per chunk, its orders whose id hash stands in other chunks too: one mark
 * an order of every chunk, 0 for an order of its own, 1 + the low bits of
 * its id's hash for a spread one, by which spread orders are shared out
 * to buckets. Two bytes an order, whatever the file: sets of order numbers
 * cost about 30 bytes a spread order, and a file whose orders are
 * scattered has millions of them.
 */
export class SpreadIds {
  /**
   * The marks of every chunk's orders, chunk after chunk, in shared memory:
   * the threads that find them and that read the spread orders again see
   * them without a copy.
   */
  readonly marks: Uint16Array<SharedArrayBuffer>;
  /** How many orders are marked spread. */
  count = 0;
  /** How many orders each chunk has, by chunk number. */
  readonly orderCounts: number[];
  // Where each chunk's marks start, by chunk number; then their end.
  readonly #starts: Int32Array;

  /**
   * No order spread yet; or the `marks` and `count` of spread ids found
   * elsewhere (by the id check's thread).
   */
  constructor(
    orderCounts: ArrayLike<number>,
    found?: { marks: Uint16Array<SharedArrayBuffer>; count: number },
  ) {
    this.orderCounts = Array.from(orderCounts);
    this.#starts = new Int32Array(orderCounts.length + 1);
    for (let chunk = 0; chunk < orderCounts.length; chunk++) {
      this.#starts[chunk + 1] = this.#starts[chunk] + orderCounts[chunk];
    }
    this.marks =
      found?.marks ??
      new Uint16Array(new SharedArrayBuffer(this.#starts.at(-1)! * 2));
    this.count = found?.count ?? 0;
  }

  /** Marks order `order` of chunk `chunk` spread; `hash` is its id's. */
  mark(chunk: number, order: number, hash: number): void {
    const at = this.#starts[chunk] + order;
    if (this.marks[at] === 0) this.count++;
    // ToUint32 of an integer double: its low 32 bits, exactly.
    this.marks[at] = 1 + ((hash >>> 0) & (MAX_BUCKETS - 1));
  }

  /** The spread orders of a chunk, ascending. */
  ordersOf(chunk: number): number[] {
    const orders: number[] = [];
    const start = this.#starts[chunk];
    const end = this.#starts[chunk + 1];
    for (let at = start; at < end; at++) {
      if (this.marks[at] !== 0) orders.push(at - start);
    }
    return orders;
  }

  /**
   * The bucket of a spread order when `buckets` (a power of two up to
   * MAX_BUCKETS) share out the spread orders by their ids' hashes.
   */
  bucketOf(chunk: number, order: number, buckets: number): number {
    return (this.marks[this.#starts[chunk] + order] - 1) & (buckets - 1);
  }

  /**
   * Whether `other` marks the same orders spread, with the same bits of
   * their hashes (two sets found for one run always have those).
   */
  equals(other: SpreadIds): boolean {
    if (other.count !== this.count) return false;
    // Byte for byte: a loop over a 10M-row file's 3.3M marks, run once and
    // so never optimized, took 11 ms.
    return bytesOf(this.marks).equals(bytesOf(other.marks));
  }
}

function bytesOf(marks: Uint16Array): Buffer {
  return Buffer.from(marks.buffer, marks.byteOffset, marks.byteLength);
}

/**
 * What spread ids need of chunks (some of a run's, in input order): how
 * many orders each has, by chunk number; none for a chunk not among them.
 */
export function orderCountsOf(
  chunks: Array<{ index: number; orders: number }>,
): number[] {
  const counts = new Array<number>((chunks.at(-1)?.index ?? -1) + 1).fill(0);
  for (const chunk of chunks) counts[chunk.index] = chunk.orders;
  return counts;
}

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
  | 'runBytes'
>;

/**
 * Finds the spread ids of `chunks` (the accepted chunks, in input order).
 * `pause` runs between groups, so that a signal still stops the merge.
 */
export async function findSpreadIds(
  chunks: IdSource[],
  pause: () => Promise<void>,
): Promise<SpreadIds> {
  const spread = new SpreadIds(orderCountsOf(chunks));
  const table = new KeyTable((chunk, order, hash) =>
    spread.mark(chunk, order, hash),
  );
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
    let ids = idColumns(0);
    // Where each chunk's ids of the group start in `ids`.
    const starts = new Int32Array(chunks.length);
    for (let group = 0; group < PARTS; group += GROUP) {
      await pause();
      const count = placeGroup(offsets, group, starts);
      // One set of buffers a group, not zeroed: every id is read into it.
      if (ids.hashes.length < count) ids = idColumns(count);
      chunks.forEach((chunk, i) => {
        const fd = fdOf(chunk.spillPath);
        readSpillIds(
          chunk,
          fd,
          offsets[i],
          group,
          group + GROUP,
          ids,
          starts[i],
        );
      });
      checkGroup(table, chunks, { offsets, starts, ids }, group);
    }
  } finally {
    for (const fd of files.values()) closeSync(fd);
  }
  return spread;
}

// The loops over a group's partitions and chunks stand in functions of
// their own, apart from the async findSpreadIds, which runs once: inside
// it they ran in code less optimized (the check's thread took 135 ms on
// 10M rows, 124 ms with these; medians of 5 runs).

// Notes in `starts` where each chunk's ids of the group starting at
// partition `group` go among the group's ids; returns how many there are.
function placeGroup(
  offsets: Int32Array[],
  group: number,
  starts: Int32Array,
): number {
  let count = 0;
  for (let i = 0; i < offsets.length; i++) {
    starts[i] = count;
    count += offsets[i][group + GROUP] - offsets[i][group];
  }
  return count;
}

// Adds to `table` the ids of the group starting at partition `group`,
// partition after partition, each chunk after chunk.
function checkGroup(
  table: KeyTable,
  chunks: IdSource[],
  read: { offsets: Int32Array[]; starts: Int32Array; ids: IdColumns },
  group: number,
): void {
  const { offsets, starts, ids } = read;
  for (let partition = group; partition < group + GROUP; partition++) {
    let count = 0;
    for (const own of offsets) count += own[partition + 1] - own[partition];
    table.start(count);
    // Chunk after chunk, in input order, as the table needs.
    for (let i = 0; i < chunks.length; i++) {
      const own = offsets[i];
      const from = starts[i] + own[partition] - own[group];
      const to = from + own[partition + 1] - own[partition];
      addIds(table, chunks[i].index, ids, from, to);
    }
  }
}

// Adds a chunk's ids, ids [from, to) of `ids`.
function addIds(
  table: KeyTable,
  chunk: number,
  { hashes, orders }: IdColumns,
  from: number,
  to: number,
): void {
  for (let at = from; at < to; at++) table.add(hashes[at], chunk, orders[at]);
}

// Room for `count` ids, not zeroed.
function idColumns(count: number): IdColumns {
  return {
    hashes: new Float64Array(Buffer.allocUnsafeSlow(count * 8).buffer),
    orders: new Uint32Array(Buffer.allocUnsafeSlow(count * 4).buffer),
  };
}

/**
 * The spread ids when no order stands in two chunks but across a chunk
 * edge, the usual case: the orders of adjacent edges with one id. The
 * merge starts with these while findSpreadIds runs beside it. `chunks`
 * are consecutive accepted chunks: all of a run's, or some it writes
 * ahead.
 */
export function guessSpreadIds(chunks: AcceptedChunk[]): SpreadIds {
  const spread = new SpreadIds(orderCountsOf(chunks));
  for (let i = 1; i < chunks.length; i++) {
    if (!sharesEdgeOrder(chunks[i - 1], chunks[i])) continue;
    const before = chunks[i - 1].edges.at(-1)!;
    const after = chunks[i].edges[0];
    const hash = hashOrderId(after.facts.key);
    spread.mark(chunks[i - 1].index, before.order, hash);
    spread.mark(chunks[i].index, after.order, hash);
  }
  return spread;
}

/** Whether the last order of `before` and the first of `after` are one. */
export function sharesEdgeOrder(
  before: AcceptedChunk,
  after: AcceptedChunk,
): boolean {
  const last = before.edges.at(-1);
  const first = after.edges[0];
  return last !== undefined && first?.facts.key === last.facts.key;
}

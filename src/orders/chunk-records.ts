// What the reading of a chunk has found so far, whatever the format: its
// orders by id, the records with codes of their own, the runs of each
// order's records, and the counts. The CSV loop (chunk.ts) and the JSON
// lines loop (json-chunk.ts) fill it; settle-chunk.ts settles it.
import { Code } from './codes.js';
import { OrderIndex } from './order-index.js';
import { RowTable, RunList } from './row-table.js';

/** The orders, rows, runs and counts of a chunk being read. */
export class ChunkRecords {
  readonly index: OrderIndex;
  /** The records with codes of their own (see row-table.ts). */
  readonly rows = new RowTable();
  readonly runs: RunList;
  /** Records read, blank lines aside. */
  records = 0;
  /** Line ends read so far: the next record's line, from 0. */
  newlines = 0;
  readonly #jsonLines: boolean;
  #runOrder = -1;

  /**
   * Records with room for about `expectedOrders` orders; `jsonLines` when
   * each record is a JSON line, which counts toward its id's duplicates.
   */
  constructor(expectedOrders: number, jsonLines: boolean) {
    this.index = new OrderIndex(expectedOrders);
    this.runs = new RunList(expectedOrders);
    this.#jsonLines = jsonLines;
  }

  /**
   * Notes a record in the runs, and in the rows when it has a code; returns
   * its row then.
   */
  addRow(start: number, end: number, order: number, code: number): number {
    const row =
      code === Code.none
        ? -1
        : this.rows.add(start, end, this.newlines, order, code);
    if (order >= 0 && order === this.#runOrder) {
      this.runs.extendLast(end);
    } else if (order >= 0) {
      this.runs.add(order, start, end, this.newlines);
    }
    this.#runOrder = order;
    return row;
  }

  /**
   * Notes a record with a code of its own. It belongs to an order when its
   * order id could be read: that order is then rejected too.
   */
  reject(
    start: number,
    end: number,
    key: string,
    code: number,
    message: string,
  ): void {
    const order = key ? this.index.at(key) : undefined;
    if (order) order.badRows++;
    // A JSON line with an id counts toward that id's duplicates even when it
    // is no order itself (invalid_order): the id still stands on it.
    if (order && this.#jsonLines) order.jsonLines++;
    const row = this.addRow(start, end, order ? order.index : -1, code);
    this.rows.details.set(row, [key, message]);
  }
}

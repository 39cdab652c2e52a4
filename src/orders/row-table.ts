// The records of a chunk that have a reject code of their own, in input
// order: where their bytes are, their line, their order and their code.
// The other records are not kept: the runs say where each order's records
// stand, and find-rows.ts reads them again when an order is rejected (a
// row kept for every record cost a tenth of a chunk's reading). Typed
// columns that start small and double.

/** Columns of a chunk's records with codes; valid up to `length`. */
export class RowTable {
  start: Float64Array;
  end: Float64Array;
  line: Float64Array;
  order: Int32Array;
  code: Uint8Array;
  length = 0;
  /** Order id and message of each row. */
  readonly details = new Map<number, [orderId: string, message: string]>();

  /** A table with room for `expectedRows` before it first grows. */
  constructor(expectedRows = 16) {
    const rows = Math.max(expectedRows, 1);
    this.start = new Float64Array(rows);
    this.end = new Float64Array(rows);
    this.line = new Float64Array(rows);
    this.order = new Int32Array(rows);
    this.code = new Uint8Array(rows);
  }

  /** Adds a record; returns its row number. */
  add(
    start: number,
    end: number,
    line: number,
    order: number,
    code: number,
  ): number {
    const row = this.length;
    if (row === this.start.length) this.#grow();
    this.start[row] = start;
    this.end[row] = end;
    this.line[row] = line;
    this.order[row] = order;
    this.code[row] = code;
    this.length = row + 1;
    return row;
  }

  #grow(): void {
    const size = this.start.length * 2;
    this.start = grown(this.start, new Float64Array(size));
    this.end = grown(this.end, new Float64Array(size));
    this.line = grown(this.line, new Float64Array(size));
    this.order = grown(this.order, new Int32Array(size));
    this.code = grown(this.code, new Uint8Array(size));
  }
}

function grown<T extends Float64Array | Int32Array | Uint8Array>(
  old: T,
  larger: T,
): T {
  larger.set(old);
  return larger;
}

/** One record as the rejects file needs it. */
export interface RowFacts {
  start: number;
  end: number;
  /** Its own code, 0 when it has none. */
  code: number;
  detail: [orderId: string, message: string] | undefined;
}

/** The facts of one row of a table. */
export function rowOf(rows: RowTable, row: number): RowFacts {
  return {
    start: rows.start[row],
    end: rows.end[row],
    code: rows.code[row],
    detail: rows.details.get(row),
  };
}

/** Runs: stretches of consecutive records of one order, as 4 numbers each. */
export class RunList {
  /**
   * Order, start byte, end byte (after the line end) and line of the
   * start of each run, valid up to `length`: a typed column that doubles.
   * Pushed onto an array, the runs cost 3 % of a chunk's reading.
   */
  data: Float64Array;
  length = 0;

  /** A list with room for about `expectedRuns` before it first grows. */
  constructor(expectedRuns = 16) {
    this.data = new Float64Array(Math.max(Math.ceil(expectedRuns), 1) * 4);
  }

  add(order: number, start: number, end: number, line: number): void {
    const at = this.length;
    if (at + 4 > this.data.length) {
      this.data = grown(this.data, new Float64Array(at * 2));
    }
    const data = this.data;
    data[at] = order;
    data[at + 1] = start;
    data[at + 2] = end;
    data[at + 3] = line;
    this.length = at + 4;
  }

  /** Moves the end of the last run to `end`. */
  extendLast(end: number): void {
    this.data[this.length - 2] = end;
  }
}

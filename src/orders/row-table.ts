// Every record of a chunk, in input order: where its bytes are, its line,
// its order and its own reject code. Rejects are written from this table
// once the chunk's orders are settled, so they come out in input order.
// Typed columns that start small and double: a row is added for every
// record, and five pushes onto plain arrays cost 6 % of a chunk's time;
// the merge makes a table for each stretch of an order it reads again, so
// a new table must stay cheap.

/** Columns of a chunk's records; valid up to `length`. */
export class RowTable {
  start: Float64Array;
  end: Float64Array;
  line: Float64Array;
  order: Int32Array;
  code: Uint8Array;
  length = 0;
  /** Rows with a code of their own. */
  coded = 0;
  /** Order id and message of records with a code of their own. */
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

  /** Empties the table, keeping its room for the next chunk. */
  clear(): void {
    this.length = 0;
    this.coded = 0;
    this.details.clear();
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
    if (code !== 0) this.coded++;
    this.length = row + 1;
    return row;
  }

  /** Gives an existing row a code of its own. */
  setCode(row: number, code: number): void {
    if (this.code[row] === 0 && code !== 0) this.coded++;
    this.code[row] = code;
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

/** Runs: stretches of consecutive records of one order, as 4 numbers each. */
export class RunList {
  /** order, start byte, end byte (after the line end), line of the start. */
  readonly data: number[] = [];

  add(order: number, start: number, end: number, line: number): void {
    this.data.push(order, start, end, line);
  }

  /** Moves the end of the last run to `end`. */
  extendLast(end: number): void {
    this.data[this.data.length - 2] = end;
  }

  toArray(): Float64Array {
    return Float64Array.from(this.data);
  }
}

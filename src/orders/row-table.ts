// Every record of a chunk, in input order: where its bytes are, its line,
// its order and its own reject code. Rejects are written from this table
// once the chunk's orders are settled, so they come out in input order.
// Plain arrays rather than typed ones: the merge makes a table for each
// stretch of an order it reads again, and typed arrays are slow to create.

/** Columns of a chunk's records. */
export class RowTable {
  readonly start: number[] = [];
  readonly end: number[] = [];
  readonly line: number[] = [];
  readonly order: number[] = [];
  readonly code: number[] = [];
  /** Order id and message of records with a code of their own. */
  readonly details = new Map<number, [orderId: string, message: string]>();

  get length(): number {
    return this.start.length;
  }

  /** Adds a record; returns its row number. */
  add(
    start: number,
    end: number,
    line: number,
    order: number,
    code: number,
  ): number {
    this.start.push(start);
    this.end.push(end);
    this.line.push(line);
    this.order.push(order);
    this.code.push(code);
    return this.start.length - 1;
  }
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

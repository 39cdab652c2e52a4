// Every record of a chunk, in input order: where its bytes are, its line,
// its order and its own reject code. Rejects are written from this table
// once the chunk's orders are settled, so they come out in input order.

/** Growable columns of a chunk's records. */
export class RowTable {
  length = 0;
  start = new Float64Array(256);
  end = new Float64Array(256);
  line = new Float64Array(256);
  order = new Int32Array(256);
  code = new Uint8Array(256);
  /** Order id and message of records with a code of their own. */
  readonly details = new Map<number, [orderId: string, message: string]>();

  /** Adds a record; returns its row number. */
  add(start: number, end: number, line: number, order: number, code: number): number {
    if (this.length === this.start.length) this.#grow();
    const row = this.length++;
    this.start[row] = start;
    this.end[row] = end;
    this.line[row] = line;
    this.order[row] = order;
    this.code[row] = code;
    return row;
  }

  #grow(): void {
    const size = this.start.length * 2;
    this.start = copyInto(new Float64Array(size), this.start);
    this.end = copyInto(new Float64Array(size), this.end);
    this.line = copyInto(new Float64Array(size), this.line);
    this.order = copyInto(new Int32Array(size), this.order);
    this.code = copyInto(new Uint8Array(size), this.code);
  }
}

/** Runs: stretches of consecutive records of one order, as 4 numbers each. */
export class RunList {
  length = 0;
  /** order, start byte, end byte (after the line end), line of the start. */
  data = new Float64Array(256);

  add(order: number, start: number, end: number, line: number): void {
    if (this.length * 4 === this.data.length) {
      this.data = copyInto(new Float64Array(this.data.length * 2), this.data);
    }
    const at = this.length++ * 4;
    this.data[at] = order;
    this.data[at + 1] = start;
    this.data[at + 2] = end;
    this.data[at + 3] = line;
  }

  /** Moves the end of the last run to `end`. */
  extendLast(end: number): void {
    this.data[(this.length - 1) * 4 + 2] = end;
  }

  toArray(): Float64Array {
    return this.data.slice(0, this.length * 4);
  }
}

function copyInto<T extends Float64Array | Int32Array | Uint8Array>(
  target: T,
  source: T,
): T {
  target.set(source);
  return target;
}

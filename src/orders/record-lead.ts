// The lead of a plain CSV record: its leading order id, and the customer
// when that column comes next. The next line of an order repeats it byte
// for byte, so CsvLineReader compares it with the lead of the plain record
// before instead of scanning it, and counts the record into that record's
// order (chunk reading 453-472 -> 419-440 ms on 2M rows; compared four
// bytes at a time, 435-451 -> 383-396 ms).
import type { ColumnIndexes } from './rules.js';
import { WordView } from '../csv/word-view.js';
import { NO_BYTES } from './fields.js';

/** The lead of the plain record read last, to compare the next one with. */
export class RecordLead {
  /**
   * How many leading fields make the lead: the order id when the header
   * starts with it, and the customer when it comes next. A delimiter must
   * follow them, so the last column is never part of it; 0 for none.
   */
  readonly fields: number;
  /** Where the lead remembered starts, and its bytes with the delimiter. */
  start = 0;
  length = 0;
  // The buffer the lead remembered stands in; NO_BYTES when there is none.
  #bytes = NO_BYTES;
  // Views of the buffers compared, to compare four bytes at a time.
  readonly #words = new WordView();

  constructor(columns: ColumnIndexes, fieldCount: number) {
    this.fields = leadFieldsOf(columns, fieldCount);
  }

  /**
   * Whether the record at `pos` of `bytes` begins with the lead remembered,
   * which is then forgotten: remember() keeps the next one.
   */
  matchAt(bytes: Buffer, pos: number): boolean {
    const held = this.#bytes;
    this.#bytes = NO_BYTES;
    return (
      held === bytes &&
      pos + this.length <= bytes.length &&
      this.#sameWords(bytes, pos, this.start, this.length)
    );
  }

  /** Remembers the lead of the record at `pos`, whose last field ends at `end`. */
  remember(bytes: Buffer, pos: number, end: number): void {
    this.#bytes = bytes;
    this.start = pos;
    this.length = end + 1 - pos;
  }

  /** Forgets the lead remembered: the next record's buffer is new. */
  forget(): void {
    this.#bytes = NO_BYTES;
  }

  // Whether `length` bytes at `at` and at `from` of `bytes` are the same,
  // compared four at a time through a view kept for the buffer.
  #sameWords(bytes: Buffer, at: number, from: number, length: number) {
    const view = this.#words.of(bytes);
    let i = 0;
    for (; i + 4 <= length; i += 4) {
      if (view.getUint32(at + i, true) !== view.getUint32(from + i, true)) {
        return false;
      }
    }
    for (; i < length; i++) if (bytes[at + i] !== bytes[from + i]) return false;
    return true;
  }
}

function leadFieldsOf(columns: ColumnIndexes, fieldCount: number): number {
  if (columns.orderId !== 0 || fieldCount < 2) return 0;
  return columns.customerId === 1 && fieldCount > 2 ? 2 : 1;
}

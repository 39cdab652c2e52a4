// An optional CSV column whose few values repeat row after row (currency,
// region), read straight from the record's bytes together with what its
// value stands for (a currency's minor digits, a region's tax rate). The
// previous row's value is tried first, then a small table of recent
// values; only a value met for the first time makes a string and looks up
// its meaning. Reading these two columns through one general helper cost
// a fifth of a chunk's reading.
import type { RecordFields } from '../csv/scan.js';
import {
  NO_BYTES,
  decodeText,
  equalsAscii,
  sameBytes,
  trimEnd,
  trimStart,
} from './fields.js';

// Longer values are read each time, not kept: currency codes and the
// usual region codes are short.
const KEPT_MAX_BYTES = 32;
// Recent values, by a hash of their bytes; a value is looked for in up to
// PROBES slots from its own (empty slots hold ''; no value is empty). A
// value that finds none free takes the last one's place: it only makes
// its string again.
const SLOTS = 64;
const PROBES = 4;

/** One optional column of a chunk's records and the meaning of its value. */
export class ColumnLookup<Meaning> {
  /** The value of the last record read, `emptyText` when it is empty. */
  text = '';
  /** What `text` stands for. */
  meaning: Meaning;

  readonly #column: number;
  readonly #emptyText: string;
  readonly #known: ReadonlyMap<string, Meaning>;
  readonly #otherwise: Meaning;
  readonly #emptyMeaning: Meaning;
  // Where the previous row's value stood, when it is kept.
  #bytes = NO_BYTES;
  #start = 0;
  #end = 0;
  readonly #texts: string[] = new Array<string>(SLOTS).fill('');
  readonly #meanings: Meaning[];

  /**
   * Reads column `column` (-1 when the header lacks it: every value is
   * then empty). An empty value reads as `emptyText`. A value means what
   * `known` says, or `otherwise`: a map, not a function, so that the
   * compiled code calls the same thing for every column (two functions
   * made it deoptimize and be compiled again).
   */
  constructor(
    column: number,
    emptyText: string,
    known: ReadonlyMap<string, Meaning>,
    otherwise: Meaning,
  ) {
    this.#column = column;
    this.#emptyText = emptyText;
    this.#known = known;
    this.#otherwise = otherwise;
    this.#emptyMeaning = this.#meaningOf(emptyText);
    this.meaning = this.#emptyMeaning;
    this.text = emptyText;
    // Filled with undefined first, so that every lookup's table holds any
    // value (a table of numbers and one of objects made the compiled code
    // deoptimize and be compiled again).
    this.#meanings = new Array<Meaning>(SLOTS)
      .fill(undefined as Meaning)
      .fill(this.#emptyMeaning);
  }

  /** Forgets the previous row's value: the next row's buffer is new. */
  forgetBuffer(): void {
    this.#bytes = NO_BYTES;
  }

  /** Reads the column of the record whose fields are `fields`. */
  read(bytes: Buffer, fields: RecordFields, ascii: boolean): void {
    const column = this.#column;
    if (column < 0) return;
    this.readBytes(
      bytes,
      fields.starts[column],
      fields.ends[column],
      fields.escaped[column] === 1,
      ascii,
    );
  }

  /** Reads the value whose bytes, untrimmed, are [from, to) of `bytes`. */
  readBytes(
    bytes: Buffer,
    from: number,
    to: number,
    escaped: boolean,
    ascii: boolean,
  ): void {
    const start = trimStart(bytes, from, to);
    const end = trimEnd(bytes, start, to);
    if (
      this.#bytes === bytes &&
      sameBytes(bytes, start, end, this.#start, this.#end)
    ) {
      return;
    }
    this.#bytes = NO_BYTES;
    if (start === end) {
      this.text = this.#emptyText;
      this.meaning = this.#emptyMeaning;
      return;
    }
    if (!ascii || escaped || end - start > KEPT_MAX_BYTES) {
      this.text = decodeText(bytes, start, end, escaped, ascii);
      this.meaning = this.#meaningOf(this.text);
      return;
    }
    let hash = end - start;
    for (let i = start; i < end; i++) {
      hash = (Math.imul(hash, 31) + bytes[i]) | 0;
    }
    const slot = this.#slotOf(hash, bytes, start, end);
    this.text = this.#texts[slot];
    this.meaning = this.#meanings[slot];
    this.#bytes = bytes;
    this.#start = start;
    this.#end = end;
  }

  // The slot holding the ASCII value [start, end), filled if none does:
  // the first of a few from the value's own that holds it or is empty,
  // else the last of them. Values that share a slot then each keep one:
  // with one slot a value, two of the benchmark file's six regions shared
  // one, and one row in nine made a string and looked up its meaning.
  #slotOf(hash: number, bytes: Buffer, start: number, end: number): number {
    const texts = this.#texts;
    let slot = hash & (SLOTS - 1);
    for (let probe = 1; ; probe++) {
      const held = texts[slot];
      if (equalsAscii(held, bytes, start, end)) return slot;
      if (held === '' || probe === PROBES) break;
      slot = (slot + 1) & (SLOTS - 1);
    }
    const text = bytes.toString('latin1', start, end);
    texts[slot] = text;
    this.#meanings[slot] = this.#meaningOf(text);
    return slot;
  }

  #meaningOf(text: string): Meaning {
    const meaning = this.#known.get(text);
    return meaning === undefined ? this.#otherwise : meaning;
  }
}

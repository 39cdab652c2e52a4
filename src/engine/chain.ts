// Accepts chunk reports in input order, checking each chunk's guessed first
// record against where the previous chunk's last record really ended. A
// wrong guess (a line end inside quotes taken for a row end) sends the chunk
// back to be redone from the right place; it is never read wrongly.
import { unusableInput } from '../errors.js';
import type { ChunkReport, ChunkTask } from './task.js';

/** An accepted chunk: its report and the number of lines before it. */
export interface AcceptedChunk extends ChunkReport {
  linesBefore: number;
}

/** The chunks of a run, accepted one after another. */
export class ChunkChain {
  readonly accepted: AcceptedChunk[] = [];
  readonly #tasks: ChunkTask[];
  readonly #waiting = new Map<number, ChunkReport>();
  readonly #inputName: string;
  #expectedStart: number;
  #linesBefore: number;

  constructor(
    tasks: ChunkTask[],
    dataStart: number,
    headerLines: number,
    inputName: string,
  ) {
    this.#tasks = tasks;
    this.#expectedStart = dataStart;
    this.#linesBefore = headerLines;
    this.#inputName = inputName;
  }

  get complete(): boolean {
    return this.accepted.length === this.#tasks.length;
  }

  /**
   * Takes a chunk's report. Returns the task to redo it from its true first
   * record when its guess was wrong. Throws when an accepted chunk found
   * the input unusable (a quote left open, a record too long).
   */
  offer(report: ChunkReport): ChunkTask | undefined {
    if (report.index < this.accepted.length) return undefined;
    this.#waiting.set(report.index, report);

    for (;;) {
      const next = this.#waiting.get(this.accepted.length);
      if (!next) return undefined;
      this.#waiting.delete(next.index);
      if (next.start !== this.#expectedStart) {
        const task = this.#tasks[next.index];
        return {
          ...task,
          exactStart: this.#expectedStart,
          attempt: next.attempt + 1,
        };
      }
      if (next.fatal) throw this.#fatalError(next);
      this.#accept(next);
    }
  }

  #accept(report: ChunkReport): void {
    this.accepted.push({ ...report, linesBefore: this.#linesBefore });
    this.#expectedStart = report.end;
    this.#linesBefore += report.newlines;
  }

  #fatalError(report: ChunkReport) {
    const line = this.#linesBefore + (report.fatal?.relLine ?? 0) + 1;
    const why =
      report.fatal?.reason === 'open-quote'
        ? `a quote opened on line ${line} is never closed; close it or remove it`
        : `the record on line ${line} is longer than --max-record-size; ` +
          'check its quotes, or raise --max-record-size';
    return unusableInput(this.#inputName, why);
  }
}

// The merge of a run: the accepted chunks' invoices and rejects written in
// input order (merge-stretch.ts), ahead while later chunks are still read,
// checked against the orders found in several chunks, and flushed to disk.
import { closeSync, openSync } from 'node:fs';
import { Rules } from '../orders/rules.js';
import type { AcceptedChunk } from './chain.js';
import { checkInvariants } from './invariants.js';
import {
  addCounts,
  noCounts,
  nothingWritten,
  writeMerged,
  type MergeOutputs,
  type MergeResult,
} from './merge-stretch.js';
import type { SpreadIdCheck } from './spread-ids-aside.js';
import { readInputAt } from './spill.js';
import { pause } from './spread-orders.js';
import {
  guessSpreadIds,
  sharesEdgeOrder,
  type SpreadIds,
} from './spread-ids.js';
import type { JobSpec } from './task.js';

// For tests only: ORDER_BATCH_TEST_LOSE_INVOICE makes the merge count one
// invoice fewer than it wrote, as a merge that lost one would, so that the
// tests see a broken invariant end the run with 70 and publish nothing.
const loseAnInvoice = Boolean(process.env.ORDER_BATCH_TEST_LOSE_INVOICE);

// The least input that the merge writes ahead at once: each time costs
// opening the spill files and setting up the spread orders, and chunks of
// a few bytes come by the hundred thousand. For tests only,
// ORDER_BATCH_TEST_AHEAD_BYTES sets it, so that a small file is written
// ahead in many stretches.
const AHEAD_MIN_BYTES =
  Number(process.env.ORDER_BATCH_TEST_AHEAD_BYTES) || 8 << 20;

/**
 * Merges a run's chunks into the invoices and rejects writers, `check`
 * finding the orders in several chunks once all are in. Beside the check's
 * thread, it writes ahead while the later chunks are still being read
 * (writeAhead), on the guess that an order stands in several chunks only
 * across their edges; finish() writes the rest, and writes everything
 * again in the rare run that the check proves the guess wrong (an order
 * apart from the rest of its lines, or two ids of one hash in different
 * chunks). The outputs then go to disk while the ids are checked. Written
 * after the last chunk, the 211 MB of invoices of 10M rows took 0.2-0.4 s
 * before the check's answer, and the invoices renamed over an earlier
 * run's 0.13 s more (ext4 writes out a file renamed over another): 9
 * alternated runs took 2.26 s instead of 2.34 s.
 */
export class ChunkMerge {
  readonly #job: JobSpec;
  readonly #rules: Rules;
  readonly #outputs: MergeOutputs;
  readonly #check: SpreadIdCheck;
  readonly #signal: AbortSignal | undefined;
  readonly #input: number;
  readonly #marks: number[];
  // Chunks written ahead, from the first, and what writing them counted.
  #ahead = 0;
  #aheadWrote = { result: noCounts(), written: nothingWritten() };
  // Whether an order was seen going on from one accepted chunk into the
  // next; the edges looked at so far.
  #sharedEdge = false;
  #edgesSeen = 1;
  #writing: Promise<void> | undefined;
  #failure: unknown;

  constructor(
    job: JobSpec,
    outputs: MergeOutputs,
    check: SpreadIdCheck,
    signal?: AbortSignal,
  ) {
    this.#job = job;
    this.#rules = new Rules(job.settings);
    this.#outputs = outputs;
    this.#check = check;
    this.#signal = signal;
    this.#input = openSync(job.inputPath, 'r');
    this.#marks = [outputs.invoices.mark(), outputs.rejects.mark()];
  }

  /**
   * Writes ahead, beside what else runs, the chunks accepted so far (all
   * of `accepted`) up to an edge that no order crosses, once they are
   * AHEAD_MIN_BYTES of input. Without the check's thread it writes
   * nothing ahead: the check then comes first. Nor does it before an
   * order is seen to go on across an edge, as one of several lines does
   * now and then in a file whose orders' lines stand together: in a file
   * of scattered orders none does, and the guess is wrong. Written ahead,
   * such a file's outputs were written twice while the cores were busy
   * (3M shuffled rows: 3.87 -> 4.14 s).
   */
  writeAhead(accepted: readonly AcceptedChunk[]): void {
    if (!this.#check.aside || this.#writing || this.#failure) return;
    if (!this.#seesSharedEdge(accepted)) return;
    const from = this.#ahead;
    const to = lastCleanEdge(accepted, from);
    if (to <= from) return;
    if (accepted[to - 1].end - accepted[from].start < AHEAD_MIN_BYTES) return;
    this.#ahead = to;
    this.#writing = this.#writeGuessed(accepted.slice(from, to))
      .catch((error: unknown) => {
        this.#failure = error;
      })
      .finally(() => {
        this.#writing = undefined;
      });
  }

  #seesSharedEdge(accepted: readonly AcceptedChunk[]): boolean {
    for (; !this.#sharedEdge && this.#edgesSeen < accepted.length;) {
      const edge = this.#edgesSeen++;
      this.#sharedEdge = sharesEdgeOrder(accepted[edge - 1], accepted[edge]);
    }
    return this.#sharedEdge;
  }

  /**
   * Writes what is left once every chunk is accepted (`chunks`, in input
   * order), checks the guess and the invariants, and returns the counts.
   */
  async finish(chunks: AcceptedChunk[]): Promise<MergeResult> {
    const check = this.#check;
    check.begin(chunks);
    await this.#writing;
    if (this.#failure) throw this.#failure;
    const wait = () => pause(this.#signal);
    let merged;
    if (check.aside) {
      await this.#writeGuessed(chunks.slice(this.#ahead));
      merged = this.#aheadWrote;
      // The outputs go to disk while the ids are checked.
      let synced = this.#syncOutputs();
      const spreadIds = await check.result(wait);
      if (!spreadIds.equals(guessSpreadIds(chunks))) {
        await synced;
        this.#outputs.invoices.rewind(this.#marks[0]);
        this.#outputs.rejects.rewind(this.#marks[1]);
        merged = await this.#write(chunks, spreadIds);
        synced = this.#syncOutputs();
      }
      await synced;
    } else {
      merged = await this.#write(chunks, await check.result(wait));
      await this.#syncOutputs();
    }
    if (loseAnInvoice) merged.written.invoices--;
    checkInvariants(merged.written, merged.result);
    return merged.result;
  }

  // Writes out what the writers hold and waits until it is on disk. An
  // error is also noted at once, so that it is never unhandled while the
  // caller waits for something else first.
  #syncOutputs(): Promise<unknown> {
    const { invoices, rejects } = this.#outputs;
    const synced = Promise.all([invoices.sync(), rejects.sync()]);
    synced.catch(() => undefined);
    return synced;
  }

  /** Waits for what is being written ahead, then lets go of the input. */
  async close(): Promise<void> {
    await this.#writing;
    closeSync(this.#input);
  }

  // Writes consecutive chunks that no order crosses out of, on the guess,
  // adding what it counts to what was written ahead.
  async #writeGuessed(chunks: AcceptedChunk[]): Promise<void> {
    if (chunks.length === 0) return;
    const { result, written } = await this.#write(
      chunks,
      guessSpreadIds(chunks),
    );
    addCounts(this.#aheadWrote.result, result);
    this.#aheadWrote.written.invoices += written.invoices;
    this.#aheadWrote.written.totalMinor += written.totalMinor;
  }

  #write(chunks: AcceptedChunk[], spreadIds: SpreadIds) {
    const fd = this.#input;
    return writeMerged(
      chunks,
      spreadIds,
      this.#rules,
      (start, end) => readInputAt(fd, start, end - start),
      this.#outputs,
      this.#job,
      this.#signal,
    );
  }
}

// The end of the last of `accepted` after chunk `from` at whose start no
// order of the chunk before goes on, on the guess (that edge's chunk
// must be accepted to tell); `from` when there is none.
function lastCleanEdge(
  accepted: readonly AcceptedChunk[],
  from: number,
): number {
  for (let edge = accepted.length - 1; edge > from; edge--) {
    if (!sharesEdgeOrder(accepted[edge - 1], accepted[edge])) return edge;
  }
  return from;
}

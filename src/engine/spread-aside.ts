// A thread of the primary's that takes a share of settling the spread
// orders of a file with millions of them (spread-thread.ts is its entry):
// first the later chunks' stretches (spread-gather.ts), then the later
// buckets (spread-orders.ts). Its heap is capped, so that the primary's
// memory stays bounded with it; should it fail, the primary does its
// share itself, and the run only takes longer.
import { Worker } from 'node:worker_threads';
import type { TotalsRecord } from '../orders/totals.js';
import type { SpillParts } from './bucket-spill.js';
import type { AcceptedChunk } from './chain.js';
import type { MergeResult } from './merge-stretch.js';
import type { JobSpec } from './task.js';

/** The spill a share is written to: its path, buckets and block size. */
export interface SpillShape {
  path: string;
  buckets: number;
  blockBytes: number;
}

/** What a share took back from the chunks' counts, or added to them. */
export interface Counted {
  invoices: number;
  invoicedRows: number;
  rejectedOrders: number;
  totals: TotalsRecord;
}

/** Gather the stretches of `chunks` into a spill of `spill`'s shape. */
export interface GatherWork {
  kind: 'gather';
  job: JobSpec;
  chunks: AcceptedChunk[];
  orderCounts: number[];
  marks: Uint16Array<SharedArrayBuffer>;
  count: number;
  spill: SpillShape;
}

export interface GatherAnswer {
  parts: SpillParts;
  /** The currencies and regions, by their numbers in the stretches. */
  texts: string[];
  counted: Counted;
}

/** Fold and settle buckets [from, to) of the stretches of `sources`. */
export interface FoldWork {
  kind: 'fold';
  job: JobSpec;
  sources: Array<{ parts: SpillParts; texts: string[] }>;
  from: number;
  to: number;
  settled: SpillShape;
}

export interface FoldAnswer {
  parts: SpillParts;
  /** The rejected orders' places and codes (see rejectedPlace). */
  rejected: Float64Array;
  counted: Counted;
}

// A cap on the thread's heap: a chunk read again, or a bucket folded, keeps
// a few megabytes. A young generation of 16 MB made the thread's half of
// the chunks take 7.5 s where the primary's took 5.8 s (10M shuffled
// rows): the orders of a chunk read again outlived it and were copied to
// the old generation; with 32 MB the thread's half ends first.
const HEAP_LIMITS = {
  maxOldGenerationSizeMb: 64,
  maxYoungGenerationSizeMb: 32,
};

export class SpreadThread {
  readonly #worker: Worker;
  #ended: Error | undefined;

  constructor() {
    this.#worker = new Worker(new URL('./spread-thread.js', import.meta.url), {
      resourceLimits: HEAP_LIMITS,
    });
    this.#worker.on('error', (error) => (this.#ended ??= error));
    this.#worker.on('exit', (code) => {
      this.#ended ??= new Error(`the spread orders' thread ended (${code})`);
    });
  }

  /** Hands the thread a share of the work; its answer, or its failure. */
  ask(work: GatherWork): Promise<GatherAnswer>;
  ask(work: FoldWork): Promise<FoldAnswer>;
  ask(work: GatherWork | FoldWork): Promise<GatherAnswer | FoldAnswer> {
    const worker = this.#worker;
    const answer = new Promise<GatherAnswer | FoldAnswer>((resolve, reject) => {
      if (this.#ended) return reject(this.#ended);
      const settle = (how: () => void) => {
        worker.off('message', onMessage);
        worker.off('error', onEnd);
        worker.off('exit', onEnd);
        how();
      };
      const onMessage = (message: GatherAnswer | FoldAnswer) =>
        settle(() => resolve(message));
      const onEnd = () => settle(() => reject(this.#ended));
      worker.on('message', onMessage);
      worker.on('error', onEnd);
      worker.on('exit', onEnd);
      worker.postMessage(work);
    });
    // Until it is awaited, a failure is the caller's to handle, not Node's.
    answer.catch(() => undefined);
    return answer;
  }

  async stop(): Promise<void> {
    await this.#worker.terminate();
  }
}

/** What a share counted, to send. */
export function countedOf(result: MergeResult): Counted {
  const { invoices, invoicedRows, rejectedOrders } = result;
  return {
    invoices,
    invoicedRows,
    rejectedOrders,
    totals: result.totals.toRecord(),
  };
}

/** Adds what the thread's share counted to `result`. */
export function addCounted(result: MergeResult, counted: Counted): void {
  result.invoices += counted.invoices;
  result.invoicedRows += counted.invoicedRows;
  result.rejectedOrders += counted.rejectedOrders;
  result.totals.addRecord(counted.totals);
}

// Finds the spread ids on a thread of their own, so that the merge can
// write the outputs meanwhile from guessSpreadIds(), checking the guess
// once the thread answers (merge.ts). On 10M rows the check takes about
// 0.13 s, while the outputs written ahead go to disk. Should the thread
// fail, the check runs on the caller's thread.
import { Worker } from 'node:worker_threads';
import { log } from '../log.js';
import type { AcceptedChunk } from './chain.js';
import {
  findSpreadIds,
  orderCountsOf,
  SpreadIds,
  type IdSource,
} from './spread-ids.js';

// What the thread answers: the marks of the spread ids it found.
type Found = { marks: Uint16Array<SharedArrayBuffer>; count: number };

/** A check of the spread ids of a run's chunks, once all are in. */
export interface SpreadIdCheck {
  /** Whether the check runs beside the caller, on a thread. */
  readonly aside: boolean;
  /** Gets ready, so that begin() waits for nothing: starts the thread. */
  prepare(): void;
  /** Starts checking the ids of `chunks`, the accepted chunks in order. */
  begin(chunks: AcceptedChunk[]): void;
  /** The spread ids; `pause` runs between groups found on this thread. */
  result(pause: () => Promise<void>): Promise<SpreadIds>;
  /** Ends the thread, if there is one. */
  stop(): Promise<void>;
}

/** A check on a thread of its own, started by prepare() or begin(). */
export function checkOnThread(): SpreadIdCheck {
  let thread: Worker | undefined;
  let answer: Promise<Found | undefined> = Promise.resolve(undefined);
  let sources: IdSource[] = [];
  const prepare = () => {
    if (thread) return;
    thread = new Worker(new URL('./spread-ids-thread.js', import.meta.url));
    // Until it is asked, the thread must not keep a failed run alive.
    thread.unref();
    const started = thread;
    answer = new Promise((resolve) => {
      started.once('message', resolve);
      started.once('error', (error) => {
        debugLog(`id check thread failed: ${error.message}`);
        resolve(undefined);
      });
      started.once('exit', () => resolve(undefined));
    });
  };
  return {
    aside: true,
    prepare,
    begin(chunks) {
      prepare();
      sources = chunks.map(idSourceOf);
      thread!.ref();
      thread!.postMessage(sources);
    },
    async result(pause) {
      const found = await answer;
      return found
        ? new SpreadIds(orderCountsOf(sources), found)
        : findSpreadIds(sources, pause);
    },
    async stop() {
      await thread?.terminate();
    },
  };
}

/** A check on the caller's thread: for inputs too small to share. */
export function checkHere(): SpreadIdCheck {
  let sources: IdSource[] = [];
  return {
    aside: false,
    prepare: () => undefined,
    begin(chunks) {
      sources = chunks;
    },
    result: (pause) => findSpreadIds(sources, pause),
    stop: async () => undefined,
  };
}

// A failed thread costs only time: its cause is told with ORDER_BATCH_DEBUG.
function debugLog(message: string): void {
  if (process.env.ORDER_BATCH_DEBUG) log(message);
}

// What the thread needs of a chunk, as plain data.
function idSourceOf(chunk: AcceptedChunk): IdSource {
  return {
    index: chunk.index,
    spillPath: chunk.spillPath,
    spillOffset: chunk.spillOffset,
    invoiceBytes: chunk.invoiceBytes,
    rejectBytes: chunk.rejectBytes,
    rejectAscii: chunk.rejectAscii,
    orders: chunk.orders,
    rejects: chunk.rejects,
    runBytes: chunk.runBytes,
  };
}

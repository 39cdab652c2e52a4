// The entry of the thread that gathers the stretches of the later chunks'
// spread orders (spread-gather.ts): it writes them to a spill of its own,
// hands the spill over with what it took back from the chunks' counts,
// and ends.
import { closeSync, openSync } from 'node:fs';
import { parentPort } from 'node:worker_threads';
import { Rules } from '../orders/rules.js';
import { CurrencyTotals } from '../orders/totals.js';
import { BucketSpill } from './bucket-spill.js';
import type { MergeResult } from './merge.js';
import { readAt } from './spill.js';
import {
  gatherChunk,
  type ThreadAnswer,
  type ThreadWork,
} from './spread-gather.js';
import { SpreadIds } from './spread-ids.js';
import { TextTable } from './spread-records.js';

// For tests only: a thread that fails to load must cost the run time, not
// its outputs (spread-gather.ts gathers its chunks itself).
if (process.env.ORDER_BATCH_TEST_BROKEN_GATHER) {
  throw new Error('ORDER_BATCH_TEST_BROKEN_GATHER is set');
}

parentPort?.once('message', (work: ThreadWork) => {
  const rules = new Rules(work.job.settings);
  const { marks, count } = work;
  const spreadIds = new SpreadIds(work.orderCounts, { marks, count });
  const { path, buckets, blockBytes } = work.spill;
  const own = {
    spill: new BucketSpill(path, buckets, blockBytes),
    table: new TextTable(),
  };
  const taken: MergeResult = {
    rows: 0,
    invoicedRows: 0,
    rejectedRows: 0,
    invoices: 0,
    rejectedOrders: 0,
    totals: new CurrencyTotals(),
  };
  const fd = openSync(work.job.inputPath, 'r');
  try {
    const readRecord = (start: number, end: number) =>
      readAt(fd, start, end - start);
    for (const chunk of work.chunks) {
      gatherChunk(chunk, spreadIds, own, rules, readRecord, taken);
    }
  } finally {
    closeSync(fd);
  }
  const answer: ThreadAnswer = {
    parts: own.spill.handOver(),
    texts: own.table.texts,
    invoices: taken.invoices,
    invoicedRows: taken.invoicedRows,
    rejectedOrders: taken.rejectedOrders,
    totals: taken.totals.toRecord(),
  };
  parentPort?.postMessage(answer);
});

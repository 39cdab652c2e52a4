// The entry of the thread that takes a share of settling spread orders
// (spread-aside.ts): it gathers the stretches of the later chunks, then
// folds and settles the later buckets, each into a spill of its own that
// it hands over with what it counted.
import { closeSync, openSync } from 'node:fs';
import { parentPort } from 'node:worker_threads';
import { Rules } from '../orders/rules.js';
import { BucketSpill } from './bucket-spill.js';
import { noCounts } from './merge-stretch.js';
import { readInputAt } from './spill.js';
import {
  countedOf,
  type FoldAnswer,
  type FoldWork,
  type GatherAnswer,
  type GatherWork,
} from './spread-aside.js';
import { gatherChunk } from './spread-gather.js';
import { SpreadIds } from './spread-ids.js';
import { settleBucket } from './spread-orders.js';
import { StretchReader, TextTable } from './stretch-records.js';

// For tests only: a thread that fails to load must cost the run time, not
// its outputs (the primary then does the thread's share itself).
if (process.env.ORDER_BATCH_TEST_BROKEN_SPREAD_THREAD) {
  throw new Error('ORDER_BATCH_TEST_BROKEN_SPREAD_THREAD is set');
}

parentPort?.on('message', (work: GatherWork | FoldWork) => {
  parentPort?.postMessage(work.kind === 'gather' ? gather(work) : fold(work));
});

function gather(work: GatherWork): GatherAnswer {
  const rules = new Rules(work.job.settings);
  const { marks, count } = work;
  const spreadIds = new SpreadIds(work.orderCounts, { marks, count });
  const { path, buckets, blockBytes } = work.spill;
  const own = {
    spill: new BucketSpill(path, buckets, blockBytes),
    table: new TextTable(),
  };
  const taken = noCounts();
  const fd = openSync(work.job.inputPath, 'r');
  try {
    const readRecord = (start: number, end: number) =>
      readInputAt(fd, start, end - start);
    for (const chunk of work.chunks) {
      gatherChunk(chunk, spreadIds, own, rules, readRecord, taken);
    }
  } finally {
    closeSync(fd);
  }
  const parts = own.spill.handOver();
  return { parts, texts: own.table.texts, counted: countedOf(taken) };
}

function fold(work: FoldWork): FoldAnswer {
  const rules = new Rules(work.job.settings);
  const sources = work.sources.map(
    ({ parts, texts }) =>
      [
        BucketSpill.of(parts),
        new StretchReader(rules, TextTable.of(texts)),
      ] as const,
  );
  const { path, buckets, blockBytes } = work.settled;
  const settled = new BucketSpill(path, buckets, blockBytes);
  const added = noCounts();
  const rejected: number[] = [];
  try {
    for (let bucket = work.from; bucket < work.to; bucket++) {
      settleBucket(sources, bucket, settled, rules, added, rejected);
    }
  } finally {
    for (const [spill] of sources) spill.close();
  }
  return {
    parts: settled.handOver(),
    rejected: Float64Array.from(rejected),
    counted: countedOf(added),
  };
}

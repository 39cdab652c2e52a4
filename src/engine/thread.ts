// The pool thread's entry: small on purpose, so that the chunk code it
// calls is tested without a pool.
import { existsSync, writeFileSync } from 'node:fs';
import { runChunk } from './run-chunk.js';
import type { ChunkReport, ChunkTask, JobSpec } from './task.js';

// For tests only: a thread module that fails to load must end the run with
// 70 through the pool's error listener, never hang it.
if (process.env.ORDER_BATCH_TEST_BROKEN_THREAD) {
  throw new Error('ORDER_BATCH_TEST_BROKEN_THREAD is set');
}

/** Processes chunks in a piscina thread, one after the other. */
export default function processChunks(work: {
  job: JobSpec;
  tasks: ChunkTask[];
}): ChunkReport[] {
  return work.tasks.map((task) => {
    crashIfAsked(work.job, task);
    return runChunk(work.job, task);
  });
}

// For tests only: ORDER_BATCH_TEST_CRASH_CHUNK=N ends the thread that takes
// chunk N, every time; "N:once" only the first time (a marker file in the
// spill folder remembers it). "N:oom" (or "N:oom:once") instead allocates
// until the thread's heap limit ends it, and "N:hang" blocks the thread
// until the task's time limit ends it. They are how the tests see that the
// chunk of a thread that died or got stuck is redone, and that a chunk that
// always does ends the run with exit 70. Unset, it costs one lookup a chunk.
function crashIfAsked(job: JobSpec, task: ChunkTask): void {
  const asked = process.env.ORDER_BATCH_TEST_CRASH_CHUNK;
  if (!asked) return;
  const [chunk, ...how] = asked.split(':');
  if (Number(chunk) !== task.index) return;
  if (how.includes('once')) {
    const marker = `${job.spillDir}/crashed-${chunk}`;
    if (existsSync(marker)) return;
    writeFileSync(marker, '');
  }
  if (how.includes('oom')) exhaustHeap();
  if (how.includes('hang')) hangForever();
  process.exit(1);
}

// Kept reachable, so that no collection can free it; large arrays go
// straight to the old generation, whose limit is what ends the thread.
const hoard: number[][] = [];

function exhaustHeap(): never {
  for (;;) hoard.push(new Array<number>(100_000).fill(hoard.length));
}

// Atomics.wait blocks without spending CPU, and ending the thread
// (worker.terminate) still interrupts it.
function hangForever(): never {
  for (;;) Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0);
}

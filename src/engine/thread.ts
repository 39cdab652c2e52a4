// The pool thread's entry: small on purpose, so that the chunk code it
// calls is tested without a pool.
import { existsSync, writeFileSync } from 'node:fs';
import { runChunk } from './run-chunk.js';
import type { ChunkReport, ChunkTask, JobSpec } from './task.js';

/** Processes one chunk in a piscina thread. */
export default function processChunk(work: {
  job: JobSpec;
  task: ChunkTask;
}): ChunkReport {
  crashIfAsked(work.job, work.task);
  return runChunk(work.job, work.task);
}

// For tests only: ORDER_BATCH_TEST_CRASH_CHUNK=N ends the thread that takes
// chunk N, every time; "N:once" only the first time (a marker file in the
// spill folder remembers it). It is how the tests see that the chunk of a
// thread that died is redone, and that a chunk that always kills its
// thread ends the run with exit 70. Unset, it costs one lookup a chunk.
function crashIfAsked(job: JobSpec, task: ChunkTask): void {
  const asked = process.env.ORDER_BATCH_TEST_CRASH_CHUNK;
  if (!asked) return;
  const [chunk, once] = asked.split(':');
  if (Number(chunk) !== task.index) return;
  if (once) {
    const marker = `${job.spillDir}/crashed-${chunk}`;
    if (existsSync(marker)) return;
    writeFileSync(marker, '');
  }
  process.exit(1);
}

// The pool thread's entry: small on purpose, so that the chunk code it
// calls is tested without a pool.
import { runChunk } from './run-chunk.js';
import type { ChunkReport, ChunkTask, JobSpec } from './task.js';

/** Processes one chunk in a piscina thread. */
export default function processChunk(work: {
  job: JobSpec;
  task: ChunkTask;
}): ChunkReport {
  return runChunk(work.job, work.task);
}

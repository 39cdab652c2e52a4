// A shard process, forked by the primary: runs the chunks of each shard it
// is handed on its piscina thread pool, a few a task, and reports them as
// each task ends.
// It exits when the primary goes away, so no process outlives a run.
import { Piscina } from 'piscina';
import { isInputChanged, isOutOfSpace } from '../errors.js';
import { log, setLogPrefix } from '../log.js';
import type { ChunkReport, ChunkTask, JobSpec } from './task.js';

/** Messages from the primary. */
export type ToShard =
  | { type: 'job'; job: JobSpec; threads: number; taskTimeoutMs: number }
  | { type: 'shard'; shard: number; attempt: number; tasks: ChunkTask[] };

/** Messages to the primary. */
export type FromShard =
  | { type: 'ready' }
  | { type: 'chunks'; shard: number; attempt: number; reports: ChunkReport[] }
  | { type: 'shard-done'; shard: number; attempt: number }
  | { type: 'shard-failed'; shard: number; attempt: number; message: string };

const THREAD_ATTEMPTS = 3;

let job: JobSpec | undefined;
let pool: Piscina | undefined;
let taskTimeoutMs = 0;

// For tests only: a shard process that cannot start, as when its module
// fails to load, must end the run with 70, never hang it.
if (process.env.ORDER_BATCH_TEST_BROKEN_SHARD) {
  throw new Error('ORDER_BATCH_TEST_BROKEN_SHARD is set');
}

setLogPrefix(`order-batch [process ${process.env.ORDER_BATCH_PROCESS ?? '?'}]`);
process.on('disconnect', () => process.exit(0));
process.on('SIGTERM', () => exitNow());
process.on('SIGINT', () => undefined); // the primary decides what a ^C ends
process.on('message', (message: ToShard) => {
  if (message.type === 'job') {
    job = message.job;
    taskTimeoutMs = message.taskTimeoutMs;
    pool = new Piscina({
      filename: new URL('./thread.js', import.meta.url).href,
      minThreads: message.threads,
      maxThreads: message.threads,
      idleTimeout: 60_000,
      // A chunk's orders live until the chunk is settled; a young
      // generation that holds them all spares copying them to the old one
      // (measured: settling took half the time with 64 MB semi-spaces).
      resourceLimits: { maxYoungGenerationSizeMb: 96, ...testHeapLimit() },
    });
    // A pool whose threads cannot start fails the same way in each process
    // forked to replace this one: a line from each would bury the primary's
    // one line, so the cause is told only with ORDER_BATCH_DEBUG.
    pool.on('error', (error) => {
      if (process.env.ORDER_BATCH_DEBUG) {
        log(`thread pool failed: ${(error as Error).message}`);
      }
      process.exit(70);
    });
    startRunners(message.threads);
    return;
  }
  runShard(message.shard, message.attempt, message.tasks);
});
// Messages sent before the listener above existed would be lost: the
// primary sends nothing until this process says it is listening.
void send({ type: 'ready' });

// For tests only: a thread that thread.ts's hook makes run out of heap
// gets a small one, so that it runs out in a moment, not after gigabytes.
function testHeapLimit(): { maxOldGenerationSizeMb?: number } {
  const asked = process.env.ORDER_BATCH_TEST_CRASH_CHUNK ?? '';
  return asked.includes(':oom') ? { maxOldGenerationSizeMb: 64 } : {};
}

/** A shard run here: its chunks still to report, and whether it failed. */
interface ShardRun {
  shard: number;
  attempt: number;
  left: number;
  failed: boolean;
}

// The chunks of the shards held, in the order they came, taken by one
// runner a thread: so a shard runs before the next one held, and the pool
// is handed no more tasks than it has threads (a task's time limit runs
// from when the pool gets it: a chunk queued behind a stuck one must not
// time out with it). A promise for every chunk of a shard at once would
// hold 3 GB a process when chunks are 13 bytes (measured).
const queue: Array<{ task: ChunkTask; run: ShardRun }> = [];
let queueHead = 0;
const idleRunners: Array<() => void> = [];

// A pool task takes up to this many chunks of a shard, run one after the
// other on its thread, their reports sent together: each task costs a
// hand-over between the thread and this process and a message to the
// primary (10M rows, 9 alternated runs: 4 chunks a task against 1, 5.32
// -> 5.12 s of processor time, 2.86 -> 2.77 s). The last chunks queued, one
// a thread, go one a task, so that the end of a run stays in small pieces.
const CHUNKS_A_TASK = 4;

function runShard(shard: number, attempt: number, tasks: ChunkTask[]): void {
  const run = { shard, attempt, left: tasks.length, failed: false };
  if (tasks.length === 0) void send({ type: 'shard-done', shard, attempt });
  for (const task of tasks) queue.push({ task, run });
  for (const wake of idleRunners.splice(0)) wake();
}

function startRunners(threads: number): void {
  for (let i = 0; i < threads; i++) void runChunks(threads);
}

async function runChunks(threads: number): Promise<void> {
  for (;;) {
    if (queueHead === queue.length) {
      await new Promise<void>((resolve) => idleRunners.push(resolve));
      continue;
    }
    const { run, tasks } = takeTasks(threads);
    if (run.failed) continue;
    const { shard, attempt } = run;
    try {
      const reports = await runWithRetries(tasks);
      await send({ type: 'chunks', shard, attempt, reports });
      run.left -= reports.length;
      if (run.left === 0) await send({ type: 'shard-done', shard, attempt });
    } catch (error) {
      if (run.failed) continue;
      run.failed = true;
      const message = (error as Error).message;
      await send({ type: 'shard-failed', shard, attempt, message });
    }
  }
}

// Takes the next chunks of the queue for one task: those of one shard, up
// to CHUNKS_A_TASK, leaving at least one a thread queued.
function takeTasks(threads: number): { run: ShardRun; tasks: ChunkTask[] } {
  const { run, task } = queue[queueHead++];
  const tasks = [task];
  while (
    tasks.length < CHUNKS_A_TASK &&
    queue.length - queueHead > threads &&
    queue[queueHead].run === run
  ) {
    tasks.push(queue[queueHead++].task);
  }
  if (queueHead === queue.length) queue.length = queueHead = 0;
  return { run, tasks };
}

// A thread that dies (a crash, or out of heap) fails only its task; the
// task's chunks are run again on a fresh thread, up to THREAD_ATTEMPTS
// times.
async function runWithRetries(tasks: ChunkTask[]): Promise<ChunkReport[]> {
  for (let tries = 1; ; tries++) {
    try {
      const signal = AbortSignal.timeout(taskTimeoutMs);
      return (await pool!.run({ job, tasks }, { signal })) as ChunkReport[];
    } catch (error) {
      // Running a chunk of a changed input, or on a full disk, again
      // cannot help.
      if (tries >= THREAD_ATTEMPTS) throw error;
      if (isInputChanged(error) || isOutOfSpace(error)) throw error;
    }
  }
}

// Resolves at once while the channel keeps up, and once the message is
// written when its backlog is large: a runner then waits before it takes
// the next chunk, so that reports do not pile up here when the primary
// falls behind (chunks of a few bytes). Waiting for every report would
// keep the thread idle between chunks for the time of a write, for
// nothing while the primary keeps up.
function send(message: FromShard): Promise<void> {
  return new Promise((resolve) => {
    if (!process.send) return resolve();
    const flowing = process.send(message, undefined, {}, () => {
      if (!flowing) resolve();
    });
    if (flowing) resolve();
  });
}

function exitNow(): void {
  void pool?.destroy();
  process.exit(143);
}

// A shard process, forked by the primary: runs the chunks of each shard it
// is handed on its piscina thread pool and reports each chunk as it ends.
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
  | { type: 'chunk'; shard: number; attempt: number; report: ChunkReport }
  | { type: 'shard-done'; shard: number; attempt: number }
  | { type: 'shard-failed'; shard: number; attempt: number; message: string };

const THREAD_ATTEMPTS = 3;

let job: JobSpec | undefined;
let pool: Piscina | undefined;
let taskTimeoutMs = 0;
let threads = 1;

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
    threads = message.threads;
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
    return;
  }
  void runShard(message.shard, message.attempt, message.tasks);
});
// Messages sent before the listener above existed would be lost: the
// primary sends nothing until this process says it is listening.
send({ type: 'ready' });

async function runShard(shard: number, attempt: number, tasks: ChunkTask[]) {
  try {
    // Each task waits its turn for a thread in runWithRetries.
    await Promise.all(
      tasks.map(async (task) => {
        const report = await runWithRetries(task);
        send({ type: 'chunk', shard, attempt, report });
      }),
    );
    send({ type: 'shard-done', shard, attempt });
  } catch (error) {
    send({
      type: 'shard-failed',
      shard,
      attempt,
      message: (error as Error).message,
    });
  }
}

// A thread that dies (a crash, or out of heap) fails only its task; the
// chunk is run again on a fresh thread, up to THREAD_ATTEMPTS times.
async function runWithRetries(task: ChunkTask): Promise<ChunkReport> {
  for (let tries = 1; ; tries++) {
    await freeThread();
    try {
      const signal = AbortSignal.timeout(taskTimeoutMs);
      return (await pool!.run({ job, task }, { signal })) as ChunkReport;
    } catch (error) {
      // Running a chunk of a changed input, or on a full disk, again
      // cannot help.
      if (tries >= THREAD_ATTEMPTS) throw error;
      if (isInputChanged(error) || isOutOfSpace(error)) throw error;
    } finally {
      releaseThread();
    }
  }
}

// For tests only: a thread that thread.ts's hook makes run out of heap
// gets a small one, so that it runs out in a moment, not after gigabytes.
function testHeapLimit(): { maxOldGenerationSizeMb?: number } {
  const asked = process.env.ORDER_BATCH_TEST_CRASH_CHUNK ?? '';
  return asked.includes(':oom') ? { maxOldGenerationSizeMb: 64 } : {};
}

// A task's time limit runs from when it is handed to the pool, so the
// pool is handed no more tasks than it has threads, whatever the shards
// held: a chunk queued behind a stuck one must not time out with it.
let busyThreads = 0;
const waitingForThread: Array<() => void> = [];

async function freeThread(): Promise<void> {
  if (busyThreads < threads) {
    busyThreads++;
    return;
  }
  await new Promise<void>((resolve) => waitingForThread.push(resolve));
}

// Hands the thread on to a waiting task, or frees it.
function releaseThread(): void {
  const waiting = waitingForThread.shift();
  if (waiting) waiting();
  else busyThreads--;
}

function send(message: FromShard): void {
  process.send?.(message);
}

function exitNow(): void {
  void pool?.destroy();
  process.exit(143);
}

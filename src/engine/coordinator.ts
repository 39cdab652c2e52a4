// The primary's side of the engine: cuts the input into chunks grouped in
// shards, hands shards to one forked process per core (or runs them here
// for a small input), redoes the work of a process that dies, and feeds
// every report to the chain in input order.
import cluster, { type Worker } from 'node:cluster';
import { fileURLToPath } from 'node:url';
import {
  inputChanged,
  internalError,
  isInputChanged,
  isOutOfSpace,
} from '../errors.js';
import { ChunkChain, type AcceptedChunk } from './chain.js';
import type { FromShard, ToShard } from './shard-process.js';
import { ShardQueue, type Shard } from './shard-queue.js';
import type { ChunkReport, ChunkTask, JobSpec } from './task.js';

/** How the chunks of a run are cut and spread. */
export interface EngineOptions {
  processes: number;
  threads: number;
  chunkBytes: number;
  dataStart: number;
  headerLines: number;
  inputName: string;
  /** Run in this process, without forking: for inputs too small to share. */
  inline: boolean;
  onChunk?: (report: ChunkReport) => void;
  /** Told the accepted chunks, in input order, when more are accepted. */
  onAccepted?: (accepted: readonly AcceptedChunk[]) => void;
  signal?: AbortSignal;
}

const SHARD_ATTEMPTS = 3;
// How long a shard process has to end after SIGTERM before SIGKILL.
const STOP_GRACE_MS = 2000;
// A chunk that takes this long is stuck, not slow: its thread is ended.
// ORDER_BATCH_TEST_TASK_TIMEOUT_MS shortens it, for tests only.
const TASK_TIMEOUT_MS =
  Number(process.env.ORDER_BATCH_TEST_TASK_TIMEOUT_MS) || 10 * 60_000;

// Shard processes make no TLS connection: they are forked without the
// extra CA certificates that Node would otherwise read and parse as it
// starts (an empty process took 50 ms to start with the system's bundle
// named in NODE_EXTRA_CA_CERTS, 15 ms without).
const WITHOUT_TLS_SETUP = { NODE_EXTRA_CA_CERTS: undefined };

/** Processes every chunk of the input; resolves when all are accepted. */
export async function runChunks(
  job: JobSpec,
  options: EngineOptions,
): Promise<ChunkChain> {
  const tasks = planChunks(
    options.dataStart,
    job.fileBytes,
    options.chunkBytes,
  );
  const chain = new ChunkChain(
    tasks,
    options.dataStart,
    options.headerLines,
    options.inputName,
  );
  if (tasks.length === 0) return chain;
  if (options.inline) {
    await runInline(job, tasks, chain, options);
    return chain;
  }
  await runOnProcesses(job, tasks, chain, options);
  return chain;
}

/** Cuts [dataStart, fileBytes) into chunks of `chunkBytes` (at least 1). */
export function planChunks(
  dataStart: number,
  fileBytes: number,
  chunkBytes: number,
): ChunkTask[] {
  const tasks: ChunkTask[] = [];
  for (let start = dataStart; start < fileBytes; start += chunkBytes) {
    const nominalEnd = Math.min(start + chunkBytes, fileBytes);
    tasks.push({
      index: tasks.length,
      nominalStart: start,
      nominalEnd,
      attempt: 1,
    });
  }
  if (tasks.length > 0) tasks[0].exactStart = dataStart;
  return tasks;
}

// Yields to the event loop every few milliseconds, so that a signal can
// still stop a run that never leaves this process.
async function runInline(
  job: JobSpec,
  tasks: ChunkTask[],
  chain: ChunkChain,
  options: EngineOptions,
): Promise<void> {
  // Loaded here only: a run on shard processes never needs it in the
  // primary, which then forks them sooner.
  const { runChunk } = await import('./run-chunk.js');
  const queue = [...tasks];
  let yieldedMs = Date.now();
  while (queue.length > 0) {
    if (Date.now() - yieldedMs > 20) {
      await new Promise(setImmediate);
      options.signal?.throwIfAborted();
      yieldedMs = Date.now();
    }
    let report: ChunkReport;
    try {
      report = runChunk(job, queue.shift()!);
    } catch (error) {
      throw isInputChanged(error) ? inputChanged(options.inputName) : error;
    }
    options.onChunk?.(report);
    const redo = chain.offer(report);
    if (redo) queue.unshift(redo);
    options.onAccepted?.(chain.accepted);
  }
}

function runOnProcesses(
  job: JobSpec,
  tasks: ChunkTask[],
  chain: ChunkChain,
  options: EngineOptions,
): Promise<void> {
  const shards = new ShardQueue(tasks, options.processes);
  // Shards held by each process that said it is ready.
  const busy = new Map<Worker, Set<Shard>>();
  const workers = new Set<Worker>();
  let forks = 0;
  let finished = false;

  cluster.setupPrimary({
    exec: fileURLToPath(new URL('./shard-process.js', import.meta.url)),
    serialization: 'advanced',
    silent: true,
  });

  return new Promise<void>((resolve, reject) => {
    const finish = (error?: Error) => {
      if (finished) return;
      finished = true;
      for (const worker of workers) worker.process.kill('SIGTERM');
      // A process that ignores SIGTERM (stopped, or stuck) would keep this
      // one waiting for it forever.
      setTimeout(() => {
        for (const worker of workers) worker.process.kill('SIGKILL');
      }, STOP_GRACE_MS).unref();
      if (error) reject(error);
      else resolve();
    };
    options.signal?.addEventListener(
      'abort',
      () => finish(options.signal!.reason as Error),
      {
        once: true,
      },
    );

    const fork = () => {
      // A process that cannot even start would otherwise be forked forever.
      if (++forks > options.processes * (SHARD_ATTEMPTS + 1)) {
        finish(internalError('shard processes keep failing to start'));
        return;
      }
      const worker = cluster.fork({
        ORDER_BATCH_PROCESS: String(forks),
        ...WITHOUT_TLS_SETUP,
      });
      workers.add(worker);
      // A message sent to a process that has just died fails (EPIPE) before
      // its 'exit' comes; that 'exit' then hands its shards out again.
      worker.on('error', () => undefined);
      forwardMessages(worker);
      worker.on('message', (message: FromShard) => onMessage(worker, message));
      worker.on('exit', (code, signal) =>
        onExit(worker, signal ?? `exit code ${code}`),
      );
    };

    const dispatch = () => {
      for (const [worker, held] of busy) {
        while (held.size < 2) {
          const shard = shards.next();
          if (!shard) return;
          held.add(shard);
          const left = shard.tasks.filter(
            (task) => !shard.reported.has(task.index),
          );
          send(worker, {
            type: 'shard',
            shard: shard.id,
            attempt: shard.attempt,
            tasks: left,
          });
        }
      }
    };

    const retry = (shard: Shard, why: string) => {
      if (shard.attempt >= SHARD_ATTEMPTS) {
        finish(
          internalError(
            `shard ${shard.id} failed ${SHARD_ATTEMPTS} times (${why})`,
          ),
        );
        return;
      }
      shards.retry(shard);
    };

    const onMessage = (worker: Worker, message: FromShard) => {
      if (finished) return;
      if (message.type === 'ready') {
        send(worker, {
          type: 'job',
          job,
          threads: options.threads,
          taskTimeoutMs: TASK_TIMEOUT_MS,
        });
        busy.set(worker, new Set());
        dispatch();
        return;
      }
      const shard = shards.get(message.shard);
      if (!shard || message.attempt !== shard.attempt) return;
      if (message.type === 'chunks') {
        for (const report of message.reports) {
          shard.reported.add(report.index);
          options.onChunk?.(report);
          try {
            const redo = chain.offer(report);
            if (redo) shards.redo(redo);
          } catch (error) {
            finish(error as Error);
            return;
          }
        }
        if (chain.complete) finish();
        else options.onAccepted?.(chain.accepted);
      } else {
        busy.get(worker)?.delete(shard);
        // Running the chunks of a changed input, or on a full disk, again
        // cannot help.
        if (message.type === 'shard-failed' && isInputChanged(message)) {
          finish(inputChanged(options.inputName));
          return;
        }
        if (message.type === 'shard-failed' && isOutOfSpace(message)) {
          finish(new Error(message.message));
          return;
        }
        if (message.type === 'shard-failed') retry(shard, message.message);
      }
      dispatch();
    };

    const onExit = (worker: Worker, why: string) => {
      const held = busy.get(worker) ?? new Set<Shard>();
      busy.delete(worker);
      workers.delete(worker);
      if (finished) return;
      for (const shard of held) retry(shard, `its process ended by ${why}`);
      if (finished) return;
      fork();
      dispatch();
    };

    for (let i = 0; i < options.processes; i++) fork();
    dispatch();
  });
}

// A shard process's own messages (its logger's lines) reach standard error;
// a crash's stack trace only with ORDER_BATCH_DEBUG, so that a failed run
// ends with the primary's one line.
function forwardMessages(worker: Worker): void {
  const debug = Boolean(process.env.ORDER_BATCH_DEBUG);
  worker.process.stdout?.resume();
  worker.process.stderr?.setEncoding('utf8').on('data', (text: string) => {
    for (const line of text.split('\n')) {
      if (line && (debug || line.startsWith('order-batch'))) {
        process.stderr.write(`${line}\n`);
      }
    }
  });
}

function send(worker: Worker, message: ToShard): void {
  worker.send(message);
}

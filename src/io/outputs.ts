// The run's outputs: each written under a temporary name beside its target
// and renamed into place when complete, the summary last; a lock file that
// keeps two runs from writing the same outputs; and the clean-up that
// leaves nothing behind when a run stops early.
import {
  closeSync,
  existsSync,
  mkdirSync,
  openSync,
  readFileSync,
  readSync,
  renameSync,
  rmSync,
  writeFileSync,
  writeSync,
} from 'node:fs';
import { rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { basename, dirname, join } from 'node:path';
import {
  cannotCreate,
  describeSystemError,
  ioError,
  OrderBatchError,
} from '../errors.js';
import {
  isFolder,
  isSpecialFile,
  resolveLink,
  temporaryPath,
  type OutputPaths,
} from './output-paths.js';

/** Owns a run's lock, temporary files and spill folder until commit. */
export class OutputSet {
  readonly paths: OutputPaths;
  readonly spillDir: string;
  readonly #temporaries: string[] = [];
  /** The lock files this run holds, one beside each output file. */
  readonly #locks: string[] = [];
  #spillRemoval: Promise<void> | undefined;

  constructor(paths: OutputPaths) {
    this.paths = {
      invoices: resolveLink(paths.invoices),
      rejects: resolveLink(paths.rejects),
      summary: resolveLink(paths.summary),
    };
    this.spillDir = isSpecialFile(this.paths.rejects)
      ? join(tmpdir(), `order-batch.${process.pid}.tmp.d`)
      : `${this.paths.rejects}.${process.pid}.tmp.d`;
  }

  /**
   * Takes a lock beside every output file, or fails with exit 75 naming the
   * run that holds one. A lock whose run is gone is taken over, and that
   * run's leftovers removed.
   */
  lock(): void {
    // Devices and pipes (-o /dev/null) are nobody's output to guard.
    const targets = Object.values(this.paths).filter(
      (path) => path !== '-' && !isSpecialFile(path),
    );
    try {
      for (const target of new Set(targets)) this.#lockOne(target);
    } catch (error) {
      this.cleanUp();
      throw error;
    }
  }

  #lockOne(target: string): void {
    const lockPath = `${target}.lock`;
    for (let tries = 0; tries < 2; tries++) {
      try {
        writeFileSync(lockPath, `${process.pid}\n`, { flag: 'wx' });
        this.#locks.push(lockPath);
        return;
      } catch (error) {
        if ((error as NodeJS.ErrnoException).code !== 'EEXIST') {
          throw cannotCreate(target, error);
        }
      }
      const holder = Number.parseInt(readFileSync(lockPath, 'utf8'), 10);
      if (Number.isInteger(holder) && isRunning(holder)) {
        throw new OrderBatchError(
          'OB_LOCKED',
          `Cannot write ${target}: another run (pid ${holder}) is writing it; ` +
            'wait for it to end, or stop it',
        );
      }
      this.#removeLeftoversOf(holder);
      rmSync(lockPath, { force: true });
    }
    throw new OrderBatchError(
      'OB_LOCKED',
      `Cannot write ${target}: another run took and released its lock ` +
        'meanwhile; run again',
    );
  }

  /**
   * Creates the spill folder and the temporary file of each output, so that
   * an output that cannot be created stops the run before any work.
   */
  openTemporaries(): { invoices: number; rejects: number } {
    // A folder where an output goes could not be renamed over at the end,
    // when the outputs before it would be published already.
    for (const target of Object.values(this.paths)) {
      if (isFolder(target)) {
        throw new OrderBatchError(
          'OB_OUTPUT_CREATE',
          `Cannot create ${target}: a folder stands there; name a file`,
        );
      }
    }
    try {
      // Not recursive: a missing folder is the user's to create.
      mkdirSync(this.spillDir);
    } catch (error) {
      throw cannotCreate(this.paths.rejects, error);
    }
    if (this.paths.summary !== '-') {
      closeSync(this.#open(this.paths.summary));
    }
    return {
      invoices: this.#open(
        this.paths.invoices === '-'
          ? join(this.spillDir, 'invoices')
          : this.paths.invoices,
      ),
      rejects: this.#open(this.paths.rejects),
    };
  }

  /** The temporary path of the invoices (inside the spill dir for "-"). */
  get invoicesTemporary(): string {
    return this.paths.invoices === '-'
      ? join(this.spillDir, 'invoices')
      : temporaryPath(this.paths.invoices);
  }

  /** Renames the invoices and rejects into place, then writes the summary. */
  publish(summaryText: string | undefined): void {
    const { invoices, rejects, summary } = this.paths;
    const published: string[] = [];
    // Failing past the first rename, the run says what it did publish.
    const step = (target: string, action: () => void) => {
      try {
        action();
      } catch (error) {
        throw failedToPublish(target, error, published);
      }
    };
    const move = (target: string) => {
      step(target, () => moveIntoPlace(target));
      published.push(target);
    };
    if (invoices !== '-') move(invoices);
    move(rejects);
    if (summaryText === undefined) return;
    // On disk before it is renamed into place, as the merge made the
    // invoices and rejects (OutputWriter.sync): a summary found after a
    // crash is whole.
    const temporary = temporaryPath(summary);
    this.#temporaries.push(temporary);
    step(summary, () => writeFileSync(temporary, summaryText, { flush: true }));
    move(summary);
  }

  /**
   * Starts removing the spill folder, which nothing reads once the merge is
   * done, on a thread of libuv's pool: publish() can meanwhile rename the
   * outputs here. Each drops large files from the page cache (on 10M rows,
   * ~30 ms for the spill folder, ~100 ms for an output renamed over one of
   * a previous run), and the two then take one core each.
   */
  removeSpill(): Promise<void> {
    this.#spillRemoval ??= rm(this.spillDir, {
      recursive: true,
      force: true,
      maxRetries: 5,
    }).catch(() => undefined); // cleanUp() tries again
    return this.#spillRemoval;
  }

  /** Removes temporary files, the spill folder and the lock. */
  cleanUp(): void {
    for (const path of this.#temporaries) rmSync(path, { force: true });
    // A shard process that has not yet seen its SIGTERM may still create
    // its spill file in the folder as it is removed (ENOTEMPTY): try again.
    rmSync(this.spillDir, { recursive: true, force: true, maxRetries: 5 });
    for (const lockPath of this.#locks.splice(0)) {
      rmSync(lockPath, { force: true });
    }
  }

  #open(target: string): number {
    const path = target.startsWith(this.spillDir)
      ? target
      : temporaryPath(target);
    try {
      const fd = openSync(path, 'w');
      this.#temporaries.push(path);
      return fd;
    } catch (error) {
      throw cannotCreate(target, error);
    }
  }

  // A run killed outright leaves its temporary files; the next run that
  // takes over its lock removes them.
  #removeLeftoversOf(pid: number): void {
    if (!Number.isInteger(pid)) return;
    for (const target of Object.values(this.paths)) {
      if (target === '-') continue;
      rmSync(temporaryPath(target, pid), { force: true });
    }
    const folder = dirname(this.paths.rejects);
    const spill = `${basename(this.paths.rejects)}.${pid}.tmp.d`;
    if (existsSync(join(folder, spill)))
      rmSync(join(folder, spill), { recursive: true, force: true });
  }
}

// Why publishing `target` failed, and what was published before it.
function failedToPublish(
  target: string,
  error: unknown,
  published: string[],
): OrderBatchError {
  if (published.length === 0) return ioError(target, error);
  const were = published.length > 1 ? 'were' : 'was';
  return new OrderBatchError(
    'OB_IO',
    `Cannot finish with ${target}: ${describeSystemError(error)}; ` +
      `${published.join(' and ')} ${were} published already, the rest ` +
      'was not; run again once fixed',
    { cause: error },
  );
}

// Renames a complete temporary file over its target. A target that is no
// regular file (/dev/null, a FIFO) is written into instead, since a rename
// would replace the device or pipe itself.
function moveIntoPlace(target: string): void {
  const temporary = temporaryPath(target);
  if (isSpecialFile(target)) copyInto(temporary, target);
  else renameSync(temporary, target);
}

function copyInto(from: string, to: string): void {
  const source = openSync(from, 'r');
  const sink = openSync(to, 'w');
  try {
    const block = Buffer.allocUnsafe(1 << 20);
    for (let read; (read = readSync(source, block)) > 0;) {
      for (let done = 0; done < read;) {
        done += writeSync(sink, block, done, read - done);
      }
    }
  } finally {
    closeSync(source);
    closeSync(sink);
  }
}

/** Closes a descriptor, ignoring one already closed. */
export function closeQuietly(fd: number): void {
  try {
    closeSync(fd);
  } catch {
    // already closed
  }
}

// Whether the lock's run is alive. A pid can be reused once its run is
// gone, so where /proc tells, the process must also be an order-batch; and
// a lock naming this very process is an earlier run's that had its pid, as
// every run in a fresh container has pid 1.
function isRunning(pid: number): boolean {
  if (pid === process.pid) return false;
  try {
    process.kill(pid, 0);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'EPERM') return false;
  }
  try {
    return readFileSync(`/proc/${pid}/cmdline`, 'latin1').includes(
      'order-batch',
    );
  } catch {
    return true;
  }
}

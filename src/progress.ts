// The progress bar: bytes done of the total, rows a second and time left,
// on standard error, and only when it is a terminal (never under cron).
// cli-progress is loaded only then: it took 10-17 ms of every run's start.
import type { SingleBar } from 'cli-progress';

/** A bar fed by chunk reports from every process. */
export class Progress {
  readonly #bar: SingleBar | undefined;
  readonly #startedMs = Date.now();
  #rows = 0;
  #bytes = 0;
  #totalBytes = 0;

  /** A bar on standard error if `enabled` and it is a terminal. */
  static async create(enabled: boolean, label: string): Promise<Progress> {
    if (!enabled || !process.stderr.isTTY) return new Progress(undefined);
    const { SingleBar } = await import('cli-progress');
    const bar = new SingleBar({
      stream: process.stderr,
      format:
        `${label} {bar} {percentage}% | {done}/{size} MB | ` +
        '{rate} rows/s | {eta_formatted} left',
      hideCursor: true,
      etaBuffer: 50,
      fps: 5,
    });
    return new Progress(bar);
  }

  private constructor(bar: SingleBar | undefined) {
    this.#bar = bar;
  }

  /** Starts (or restarts, for a new stage) the bar over `totalBytes`. */
  start(totalBytes: number): void {
    this.#bytes = 0;
    this.#totalBytes = totalBytes;
    this.#bar?.start(totalBytes, 0, this.#fields());
  }

  /** Sets the bytes done so far (for spooling, where the count is known). */
  setBytes(bytes: number): void {
    this.#bytes = bytes;
    this.#bar?.update(bytes, this.#fields());
  }

  /** Adds a chunk's bytes and rows. */
  add(bytes: number, rows: number): void {
    this.#bytes += bytes;
    this.#rows += rows;
    this.#bar?.update(this.#bytes, this.#fields());
  }

  stop(): void {
    this.#bar?.stop();
  }

  #fields() {
    const seconds = Math.max((Date.now() - this.#startedMs) / 1000, 0.001);
    return {
      done: String(Math.trunc(this.#bytes / 1e6)),
      size: String(Math.trunc(this.#totalBytes / 1e6)),
      rate: Math.trunc(this.#rows / seconds).toLocaleString('en-US'),
    };
  }
}

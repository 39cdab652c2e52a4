// The one way messages reach standard error. Standard output is for data.

let prefix = 'order-batch';

// Standard error read by a pipe that closed early (`2>&1 | head -1`) fails
// each write (EPIPE): what cannot be told there is dropped, and a run that
// has published its outputs still ends with its own exit code, not 1.
process.stderr.on('error', () => undefined);

/** Marks this process's messages, e.g. with its shard worker's number. */
export function setLogPrefix(name: string): void {
  prefix = name;
}

/** Writes one line to standard error. */
export function log(message: string): void {
  process.stderr.write(`${prefix}: ${message}\n`);
}

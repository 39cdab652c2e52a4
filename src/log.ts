// The one way messages reach standard error. Standard output is for data.

let prefix = 'order-batch';

/** Marks this process's messages, e.g. with its shard worker's number. */
export function setLogPrefix(name: string): void {
  prefix = name;
}

/** Writes one line to standard error. */
export function log(message: string): void {
  process.stderr.write(`${prefix}: ${message}\n`);
}

// Parsers for the values of `bench` options. Each throws commander's
// InvalidArgumentError, so a bad value exits 64 before anything runs.
import { InvalidArgumentError } from 'commander';
import { parseSize as parseByteSize } from '../commands/process-options.js';

/** --processes and --threads: a comma-separated list, deduplicated. */
export function parseCounts(text: string): number[] {
  const counts = text.split(',').map((item) => item.trim());
  const bad = counts.find(
    (count) =>
      !/^\d+$/.test(count) || Number(count) < 1 || Number(count) > 1024,
  );
  if (bad !== undefined) {
    throw new InvalidArgumentError(
      `'${bad}' is not a whole number from 1 ` +
        'to 1024; give a list like 1,2,4',
    );
  }
  return [...new Set(counts.map(Number))];
}

/** --rows: a whole number from 1 up. */
export function parseRows(text: string): number {
  const rows = Number(text);
  if (/^\d+$/.test(text) && Number.isSafeInteger(rows) && rows >= 1) {
    return rows;
  }
  throw new InvalidArgumentError(`'${text}' is not a whole number from 1 up`);
}

/** --runs: a whole number from 1 to 1000. */
export function parseRuns(text: string): number {
  if (/^\d+$/.test(text) && Number(text) >= 1 && Number(text) <= 1000) {
    return Number(text);
  }
  throw new InvalidArgumentError(
    `'${text}' is not a whole number from 1 ` + 'to 1000',
  );
}

/**
 * --chunk-size, passed on trimmed. Checked here as `process` checks it, by
 * the same parser, so that a typo fails before any run.
 */
export function parseSize(text: string): string {
  parseByteSize(text);
  return text.trim();
}

/** --min-efficiency: a plain non-negative decimal. */
export function parseShare(text: string): number {
  if (/^(\d+\.?\d*|\.\d+)$/.test(text)) return Number(text);
  throw new InvalidArgumentError(`'${text}' is not a number like 0.7`);
}

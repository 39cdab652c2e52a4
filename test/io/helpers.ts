// What the output tests share: a fresh folder a test, the default outputs
// in it, and the error a call throws.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { expect, onTestFinished } from 'vitest';
import { OrderBatchError } from '../../src/errors.js';
import type { OutputPaths } from '../../src/io/output-paths.js';

/** A fresh folder, removed when the test ends. */
export function folder(): string {
  const dir = mkdtempSync(join(tmpdir(), 'order-batch-io-'));
  onTestFinished(() => rmSync(dir, { recursive: true, force: true }));
  return dir;
}

/** The outputs of an input `o.csv` in `dir`. */
export function pathsIn(dir: string): OutputPaths {
  return {
    invoices: join(dir, 'o.invoices.csv'),
    rejects: join(dir, 'o.rejects.csv'),
    summary: join(dir, 'o.summary.json'),
  };
}

/** The error `run` throws; fails the test when it throws none. */
export function errorOf(run: () => void): OrderBatchError {
  try {
    run();
  } catch (error) {
    expect(error).toBeInstanceOf(OrderBatchError);
    return error as OrderBatchError;
  }
  throw new Error('nothing was thrown');
}

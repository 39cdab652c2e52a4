// The outputs of a run: a folder where an output goes is refused before
// any work, and publishing that fails part way says what it published.
import {
  closeSync,
  existsSync,
  mkdirSync,
  readFileSync,
  writeSync,
} from 'node:fs';
import { describe, expect, test } from 'vitest';
import { temporaryPath } from '../../src/io/output-paths.js';
import { OutputSet } from '../../src/io/outputs.js';
import { errorOf, folder, pathsIn } from './helpers.js';

describe('OutputSet', () => {
  test('refuses a folder where an output goes, before any work (exit 73)', () => {
    const dir = folder();
    const paths = pathsIn(dir);
    mkdirSync(paths.summary);
    const outputs = new OutputSet(paths);

    const error = errorOf(() => outputs.openTemporaries());

    expect(error.exitCode).toBe(73);
    expect(error.message).toContain('a folder stands there');
    outputs.cleanUp();
  });

  test('publishing that fails part way says what it published (exit 74)', () => {
    const dir = folder();
    const paths = pathsIn(dir);
    const outputs = new OutputSet(paths);
    const fds = outputs.openTemporaries();
    writeSync(fds.invoices, 'invoices\n');
    writeSync(fds.rejects, 'rejects\n');
    closeSync(fds.invoices);
    closeSync(fds.rejects);
    // The summary's place is taken by a folder once the run has begun.
    mkdirSync(paths.summary);

    const error = errorOf(() => outputs.publish('{}'));
    outputs.cleanUp();

    expect(error.exitCode).toBe(74);
    expect(error.message).toContain(
      `${paths.invoices} and ${paths.rejects} were published already`,
    );
    expect(error.message).not.toContain('nothing was published');
    expect(readFileSync(paths.invoices, 'utf8')).toBe('invoices\n');
    expect(existsSync(`${paths.summary}/o.summary.json`)).toBe(false);
    // Its temporary file too is gone, wherever it was made.
    expect(existsSync(temporaryPath(paths.summary))).toBe(false);
  });

  test('publishing that fails at once says nothing was published', () => {
    const dir = folder();
    const paths = pathsIn(dir);
    const outputs = new OutputSet(paths);
    const fds = outputs.openTemporaries();
    closeSync(fds.invoices);
    closeSync(fds.rejects);
    mkdirSync(paths.invoices);

    const error = errorOf(() => outputs.publish('{}'));
    outputs.cleanUp();

    expect(error.exitCode).toBe(74);
    expect(error.message).toContain('nothing was published');
    expect(existsSync(paths.rejects)).toBe(false);
  });
});

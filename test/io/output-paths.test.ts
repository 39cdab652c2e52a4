// Outputs that would land on one file, or on the input, are refused
// before any work (exit 64), however the path is spelled.
import { linkSync, symlinkSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, test } from 'vitest';
import {
  checkSeparate,
  defaultOutputPaths,
  type OutputPaths,
} from '../../src/io/output-paths.js';
import { errorOf, folder, pathsIn } from './helpers.js';

describe('defaultOutputPaths', () => {
  test.each([
    ['orders.csv', 'orders'],
    ['/data/Orders.JSONL.gz', '/data/Orders'],
    ['export.txt', 'export.txt'],
    ['-', 'stdin'],
    ['/dev/fd/63', 'stdin'], // a shell's <(...)
    ['/dev/stdin', 'stdin'],
    ['/proc/self/fd/0', 'stdin'],
  ])('%s: BASE is %s', (input, base) => {
    expect(defaultOutputPaths(input, 'csv')).toEqual({
      invoices: `${base}.invoices.csv`,
      rejects: `${base}.rejects.csv`,
      summary: `${base}.summary.json`,
    });
  });
});

describe('checkSeparate', () => {
  test('accepts outputs of their own', () => {
    const dir = folder();
    writeFileSync(join(dir, 'o.csv'), 'x');
    expect(() => checkSeparate(join(dir, 'o.csv'), pathsIn(dir))).not.toThrow();
  });

  test.each([
    ['invoices and rejects', { rejects: 'o.invoices.csv' }, 'the rejects'],
    ['invoices and summary', { summary: 'o.invoices.csv' }, 'the summary'],
    ['rejects and summary', { summary: 'o.rejects.csv' }, 'the summary'],
    ['invoices and input', { invoices: 'o.csv' }, 'the invoices'],
    ['rejects and input', { rejects: 'o.csv' }, 'the rejects'],
    ['summary and input', { summary: 'o.csv' }, 'the summary'],
  ])('refuses %s on one file (exit 64)', (_name, clash, output) => {
    const dir = folder();
    writeFileSync(join(dir, 'o.csv'), 'x');
    const paths = { ...pathsIn(dir) } as Record<string, string>;
    for (const [key, name] of Object.entries(clash)) {
      paths[key] = join(dir, name);
    }

    const error = errorOf(() =>
      checkSeparate(join(dir, 'o.csv'), paths as unknown as OutputPaths),
    );

    expect(error.exitCode).toBe(64);
    expect(error.message).toContain(`Cannot write ${output} to`);
  });

  test('refuses an output on the tax table, which is read (exit 64)', () => {
    const dir = folder();
    writeFileSync(join(dir, 'o.csv'), 'x');
    const taxTable = join(dir, 'rates.csv');
    writeFileSync(taxTable, 'region,rate\n');
    const paths = { ...pathsIn(dir), invoices: taxTable };

    const error = errorOf(() =>
      checkSeparate(join(dir, 'o.csv'), paths, taxTable),
    );

    expect(error.exitCode).toBe(64);
    expect(error.message).toContain('it is the tax table');
    expect(() =>
      checkSeparate(join(dir, 'o.csv'), pathsIn(dir), taxTable),
    ).not.toThrow();
  });

  test('sees one file through another spelling, a link and a hard link', () => {
    const dir = folder();
    const input = join(dir, 'o.csv');
    writeFileSync(input, 'x');
    symlinkSync(input, join(dir, 'link.csv'));
    linkSync(input, join(dir, 'hard.csv'));

    for (const invoices of [
      `${dir}/./o.csv`,
      join(dir, 'link.csv'),
      join(dir, 'hard.csv'),
    ]) {
      const paths = { ...pathsIn(dir), invoices };
      expect(errorOf(() => checkSeparate(input, paths)).exitCode).toBe(64);
    }
  });

  test('lets devices take several outputs, and standard streams pass', () => {
    const dir = folder();
    const devices = {
      invoices: '/dev/null',
      rejects: '/dev/null',
      summary: '/dev/null',
    };
    expect(() => checkSeparate('-', devices)).not.toThrow();
    const streamed = { ...pathsIn(dir), invoices: '-', summary: '-' };
    expect(() => checkSeparate('-', streamed)).not.toThrow();
  });
});

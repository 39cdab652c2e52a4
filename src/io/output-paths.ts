// Where a run's outputs go: their default names beside the input, their
// temporary names, and the check that no two of them (nor an output and a
// file the run reads) are one file.
import { realpathSync, statSync, type Stats } from 'node:fs';
import { tmpdir } from 'node:os';
import { basename, join, resolve } from 'node:path';
import { usageError } from '../errors.js';

/** Where each output goes; `invoices` may be "-" for standard output. */
export interface OutputPaths {
  invoices: string;
  rejects: string;
  summary: string;
}

/**
 * The default output paths beside `input`; in the working folder, named
 * stdin, for "-" and for a device such as a shell's <(...) (/dev/fd/63),
 * beside which no file can be made.
 */
export function defaultOutputPaths(
  input: string,
  invoiceExtension: 'csv' | 'jsonl',
): OutputPaths {
  const base =
    input === '-' || /^\/(dev|proc)\//.test(resolve(input))
      ? 'stdin'
      : input.replace(/\.(csv|jsonl|ndjson)(\.gz)?$/i, '');
  return {
    invoices: `${base}.invoices.${invoiceExtension}`,
    rejects: `${base}.rejects.csv`,
    summary: `${base}.summary.json`,
  };
}

/**
 * Fails with exit 64 when two outputs, or an output and the input or the
 * tax table, name one file: the run would publish one over the other, or
 * over a file it reads. Devices and pipes (/dev/null, a FIFO) may take
 * several.
 */
export function checkSeparate(
  input: string,
  paths: OutputPaths,
  taxTable?: string,
): void {
  // The files named so far, and what writing over each would clash with.
  const taken: Array<[path: string, clash: string]> = [
    [input, 'it is the input'],
  ];
  if (taxTable !== undefined) taken.push([taxTable, 'it is the tax table']);
  const outputs: Array<[name: string, path: string, clash: string]> = [
    ['the invoices', paths.invoices, 'the invoices go there too'],
    ['the rejects', paths.rejects, 'the rejects go there too'],
    ['the summary', paths.summary, 'the summary goes there too'],
  ];
  const isFile = (path: string) => path !== '-' && !isSpecialFile(path);
  for (const [name, path, clash] of outputs) {
    if (!isFile(path)) continue;
    const other = taken.find(
      ([named]) => isFile(named) && sameFile(named, path),
    );
    if (other) {
      throw usageError(
        `Cannot write ${name} to ${path}: ${other[1]}; ` +
          'give each output a file of its own',
      );
    }
    taken.push([path, clash]);
  }
}

// Whether two paths name one file: the same path once links are resolved,
// or, for files that exist, the same inode (a hard link).
function sameFile(a: string, b: string): boolean {
  if (resolve(resolveLink(a)) === resolve(resolveLink(b))) return true;
  const [first, second] = [a, b].map(statOf);
  return (
    first !== undefined &&
    second !== undefined &&
    first.dev === second.dev &&
    first.ino === second.ino
  );
}

/** The temporary name of a target, marked with this process's pid. */
export function temporaryPath(target: string, pid = process.pid): string {
  // Beside a device or a pipe no file can be made: use the temporary folder.
  if (isSpecialFile(target)) {
    return join(tmpdir(), `order-batch.${basename(target)}.${pid}.tmp`);
  }
  return `${target}.${pid}.tmp`;
}

/** Whether a folder stands at `path`. */
export function isFolder(path: string): boolean {
  return statOf(path)?.isDirectory() ?? false;
}

// What stands at `path`, or undefined when nothing can be seen there: the
// creation of an output reports why.
function statOf(path: string): Stats | undefined {
  try {
    return statSync(path);
  } catch {
    return undefined;
  }
}

/** Whether `path` is a device, a pipe or anything but a regular file. */
export function isSpecialFile(path: string): boolean {
  try {
    return !statSync(path).isFile();
  } catch {
    return false;
  }
}

/** A path with any symbolic link resolved, so a rename replaces its file. */
export function resolveLink(path: string): string {
  if (path === '-') return path;
  try {
    return realpathSync(path);
  } catch {
    return path;
  }
}

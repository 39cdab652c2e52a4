// Runs the built CLI (dist/, which `npm test` builds first) as a child
// process, and gives each test a fresh temporary folder to run it in.
import {
  execFileSync,
  spawn,
  spawnSync,
  type ChildProcess,
  type StdioOptions,
} from 'node:child_process';
import {
  mkdtempSync,
  readdirSync,
  readFileSync,
  rmSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parse } from 'csv-parse/sync';
import { onTestFinished } from 'vitest';

/** The CLI entry, found from this file so that any cwd works. */
export const CLI = fileURLToPath(
  new URL('../../bin/order-batch.js', import.meta.url),
);

/** The folder of committed sample inputs. */
export const FIXTURES = fileURLToPath(
  new URL('../../fixtures/', import.meta.url),
);

export const INVOICE_HEADER =
  'order_id,customer_id,currency,region,lines,quantity,subtotal,tax_rate,tax,total';

export interface CliResult {
  /** The exit code; null when a signal ended the process. */
  code: number | null;
  signal: NodeJS.Signals | null;
  stdout: string;
  stderr: string;
}

export interface CliOptions {
  cwd: string;
  /** Written to standard input, which is then closed. */
  input?: string | Buffer;
  /** The child's stdio, when a test needs its own (e.g. /dev/full). */
  stdio?: StdioOptions;
  /** Ends a run that hangs with SIGKILL, so that a bug fails, not stalls. */
  timeoutMs?: number;
  /**
   * Runs the CLI under GNU time, which writes its peak resident memory in
   * kB to this file (see peakRssMb); only where hasGnuTime() is true.
   */
  peakRssFile?: string;
}

/** A started CLI run: the child, and its result once it ends. */
export interface CliRun {
  child: ChildProcess;
  result: Promise<CliResult>;
}

/** Starts `order-batch ARGS` and returns at once. */
export function startCli(args: string[], options: CliOptions): CliRun {
  const command = [CLI, ...args];
  const [file, argv] = options.peakRssFile
    ? [GNU_TIME, ['-f', '%M', '-o', options.peakRssFile, process.execPath]]
    : [process.execPath, []];
  const child = spawn(file, [...argv, ...command], {
    cwd: options.cwd,
    stdio: options.stdio ?? ['pipe', 'pipe', 'pipe'],
  });
  let stdout = '';
  let stderr = '';
  child.stdout
    ?.setEncoding('utf8')
    .on('data', (text: string) => (stdout += text));
  child.stderr
    ?.setEncoding('utf8')
    .on('data', (text: string) => (stderr += text));
  // A child that exits before reading all its input is not a test failure.
  child.stdin?.on('error', () => undefined);
  if (options.input !== undefined) child.stdin?.end(options.input);

  const timer = options.timeoutMs
    ? setTimeout(() => child.kill('SIGKILL'), options.timeoutMs)
    : undefined;
  // No run outlives its test; outside a test (beforeAll) there is no hook.
  try {
    onTestFinished(() => {
      if (child.exitCode === null && child.signalCode === null)
        child.kill('SIGKILL');
    });
  } catch {
    // not inside a test
  }
  const result = new Promise<CliResult>((resolve, reject) => {
    child.on('error', reject);
    child.on('close', (code, signal) => {
      clearTimeout(timer);
      resolve({ code, signal, stdout, stderr });
    });
  });
  return { child, result };
}

/** Runs `order-batch ARGS` to its end. */
export function runCli(
  args: string[],
  options: CliOptions,
): Promise<CliResult> {
  const { child, result } = startCli(args, options);
  if (options.input === undefined) child.stdin?.end();
  return result;
}

const GNU_TIME = '/usr/bin/time';
let gnuTime: boolean | undefined;

/** Whether GNU time is there to measure a run's peak memory. */
export function hasGnuTime(): boolean {
  gnuTime ??=
    spawnSync(GNU_TIME, ['-f', '%M', '-o', '/dev/null', 'true']).status === 0;
  return gnuTime;
}

/**
 * The peak resident memory, in MB, GNU time wrote to `file`: the largest of
 * the CLI and of every process it waited for (its shard processes, whose
 * threads count in theirs).
 */
export function peakRssMb(file: string): number {
  return Number(readFileSync(file, 'utf8').trim().split('\n').pop()) / 1024;
}

/** A fresh folder under the system's temporary folder, removed after the test. */
export function tempDir(): string {
  const dir = mkdtempSync(join(tmpdir(), 'order-batch-e2e-'));
  onTestFinished(() => rmSync(dir, { recursive: true, force: true }));
  return dir;
}

/** A fresh folder for a whole describe block; the caller removes it. */
export function suiteDir(): string {
  return mkdtempSync(join(tmpdir(), 'order-batch-e2e-'));
}

/** Writes `name` in `dir` and returns its path. */
export function writeIn(
  dir: string,
  name: string,
  content: string | Buffer,
): string {
  const path = join(dir, name);
  writeFileSync(path, content);
  return path;
}

/** Reads `name` in `dir` as UTF-8. */
export function readIn(dir: string, name: string): string {
  return readFileSync(join(dir, name), 'utf8');
}

/** CSV text from lines, each ended with LF. */
export function csvLines(...lines: string[]): string {
  return lines.map((line) => `${line}\n`).join('');
}

/** A header with every contract column, for short inline inputs. */
export const ORDER_HEADER =
  'order_id,customer_id,sku,quantity,unit_price,currency,region';

/** A row of a rejects file. */
export interface RejectRow {
  line: number;
  order_id: string;
  code: string;
  message: string;
  record: string;
}

/** Parses a rejects file, checking its header. */
export function parseRejects(text: string): RejectRow[] {
  const [header, ...rows] = parse(text, { bom: false }) as string[][];
  if (header.join(',') !== 'line,order_id,code,message,record') {
    throw new Error(`unexpected rejects header: ${header.join(',')}`);
  }
  return rows.map(([line, order_id, code, message, record]) => ({
    line: Number(line),
    order_id,
    code,
    message,
    record,
  }));
}

/** Reads the rejects file `name` in `dir`. */
export function readRejects(dir: string, name: string): RejectRow[] {
  return parseRejects(readIn(dir, name));
}

/** [line, code] of each reject, the shape most tests assert. */
export function codesByLine(rows: RejectRow[]): Array<[number, string]> {
  return rows.map((row) => [row.line, row.code]);
}

/** Parses CSV invoices into objects keyed by the header. */
export function parseInvoices(text: string): Array<Record<string, string>> {
  return parse(text, { columns: true }) as Array<Record<string, string>>;
}

/** Files the run left under a temporary name, and locks. */
export function leftovers(dir: string): string[] {
  return readdirSync(dir).filter((name) => /\.tmp(\.d)?$|\.lock$/.test(name));
}

/** The child processes of `pid`, from ps. */
export function childPids(pid: number): number[] {
  try {
    const out = execFileSync('ps', ['-o', 'pid=', '--ppid', String(pid)], {
      encoding: 'utf8',
    });
    return out
      .split('\n')
      .map((s) => Number(s.trim()))
      .filter((n) => n > 0);
  } catch {
    return []; // ps exits 1 when there is none
  }
}

/** Whether a process is alive (and not a zombie). */
export function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
  } catch {
    return false;
  }
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    return stat.slice(stat.lastIndexOf(')') + 2)[0] !== 'Z';
  } catch {
    return false;
  }
}

/** CPU seconds (user + system) a live process has used, from /proc. */
export function cpuSeconds(pid: number): number {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    // utime and stime are fields 14 and 15 of stat(5), in clock ticks.
    return (Number(fields[11]) + Number(fields[12])) / 100;
  } catch {
    return 0;
  }
}

/** Polls `check` every 10 ms until it returns a value other than undefined. */
export async function waitFor<T>(
  what: string,
  check: () => T | undefined | false,
  timeoutMs = 20_000,
): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = check();
    if (value !== undefined && value !== false) return value;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
}

/** Runs `order-batch generate ARGS -o NAME` in `dir`, failing loudly. */
export async function generate(
  dir: string,
  name: string,
  args: string[],
): Promise<string> {
  const result = await runCli(['generate', ...args, '-o', name], { cwd: dir });
  if (result.code !== 0) throw new Error(`generate failed: ${result.stderr}`);
  return join(dir, name);
}

/** The summary JSON without the fields that differ from run to run. */
export function stableSummary(text: string): Record<string, unknown> {
  const { elapsed_ms, processes, threads, outputs, ...rest } = JSON.parse(
    text,
  ) as Record<string, unknown>;
  void elapsed_ms;
  void processes;
  void threads;
  void outputs;
  return rest;
}

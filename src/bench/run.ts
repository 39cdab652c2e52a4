// Runs `order-batch process` as a child process for every configuration:
// a round of warm-ups, then rounds of timed runs, each configuration once a
// round, so that a change in the machine's load falls on all of them alike
// (run one after the other, a busier minute went to one configuration
// alone). Each run's wall time is taken around the child, so it includes
// Node's start-up, as a user of the CLI would see.
import { spawn, spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { createReadStream, existsSync } from 'node:fs';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pipeline } from 'node:stream/promises';
import { performance } from 'node:perf_hooks';
import { ExitCode, OrderBatchError } from '../errors.js';
import { pinnedTo } from './pin.js';
import {
  configName,
  coresUsed,
  type BenchConfig,
  type ConfigTiming,
} from './stats.js';

/** What to run, and where to say how it goes. */
export interface RunnerOptions {
  /** bin/order-batch.js of this very install. */
  bin: string;
  input: string;
  configs: readonly BenchConfig[];
  runs: number;
  chunkSize?: string;
  /**
   * The CPUs to pin each run to, as many of the first as it uses; all
   * runs use every CPU when absent.
   */
  cpus?: readonly number[];
  signal: AbortSignal;
  /** Called with one line after every run; absent with --quiet. */
  onProgress?: (message: string) => void;
}

/** A configuration's timings and the SHA-256 of each run's invoices. */
export interface ConfigOutcome extends ConfigTiming {
  invoicesSha256: string[];
}

/** Everything measured, plus what `process` counted in the input. */
export interface BenchRun {
  outcomes: ConfigOutcome[];
  rows: number;
  format: string;
}

/** Runs every configuration in rounds, never two runs at once. */
export async function runBench(options: RunnerOptions): Promise<BenchRun> {
  const workDir = await mkdtemp(join(tmpdir(), 'order-batch-bench-'));
  try {
    const timeTool = findTimeTool(workDir);
    const outcomes = options.configs.map((config): ConfigOutcome => ({
      ...config,
      runSeconds: [],
      peakRssKiB: timeTool === undefined ? null : 0,
      invoicesSha256: [],
    }));
    for (let run = 0; run <= options.runs; run++) {
      for (const outcome of outcomes) {
        await runAndRecord(options, outcome, run, workDir, timeTool);
      }
    }

    const summary = JSON.parse(
      await readFile(join(workDir, 'summary.json'), 'utf8'),
    ) as { rows: number; format: string };
    return { outcomes, rows: summary.rows, format: summary.format };
  } finally {
    await rm(workDir, { recursive: true, force: true });
  }
}

/** Configurations whose invoices differ from the first run of the first. */
export function findMismatches(outcomes: readonly ConfigOutcome[]): string[] {
  const expected = outcomes[0]?.invoicesSha256[0];
  return outcomes
    .filter((outcome) =>
      outcome.invoicesSha256.some((sha256) => sha256 !== expected),
    )
    .map(configName);
}

// Runs a configuration once: run 0 is its warm-up, the others are timed.
async function runAndRecord(
  options: RunnerOptions,
  outcome: ConfigOutcome,
  run: number,
  workDir: string,
  timeTool: string | undefined,
): Promise<void> {
  const measured = await runOnce(options, outcome, workDir, timeTool);
  const label = run === 0 ? 'warm-up' : `run ${run}/${options.runs}`;
  options.onProgress?.(
    `${configName(outcome)} ${label}: ${measured.seconds.toFixed(2)} s`,
  );
  if (run === 0) return;

  outcome.runSeconds.push(measured.seconds);
  if (outcome.peakRssKiB !== null && measured.rssKiB !== null) {
    outcome.peakRssKiB = Math.max(outcome.peakRssKiB, measured.rssKiB);
  }
  outcome.invoicesSha256.push(await hashFile(join(workDir, 'invoices.csv')));
}

async function runOnce(
  options: RunnerOptions,
  config: BenchConfig,
  workDir: string,
  timeTool: string | undefined,
): Promise<{ seconds: number; rssKiB: number | null }> {
  const rssFile = join(workDir, 'rss.txt');
  const args = [
    options.bin,
    'process',
    options.input,
    '--processes',
    String(config.processes),
    '--threads',
    String(config.threads),
    '--quiet',
    '-o',
    join(workDir, 'invoices.csv'),
    '--rejects',
    join(workDir, 'rejects.csv'),
    '--summary',
    join(workDir, 'summary.json'),
    ...(options.chunkSize ? ['--chunk-size', options.chunkSize] : []),
  ];
  const node = options.cpus
    ? pinnedTo(
        [process.execPath, ...args],
        options.cpus,
        coresUsed(config, options.cpus.length),
      )
    : [process.execPath, ...args];
  const command =
    timeTool === undefined
      ? node
      : [timeTool, '-f', '%M', '-o', rssFile, ...node];

  const started = performance.now();
  const { exitCode, stderr } = await runChild(command, options.signal);
  const seconds = (performance.now() - started) / 1000;

  // 3 means done with more rejects than --max-rejects: a user's file may
  // hold bad rows, and the invoices are still written.
  if (exitCode !== ExitCode.ok && exitCode !== ExitCode.tooManyRejects) {
    throw childFailed(config, exitCode, stderr);
  }
  const rssKiB = timeTool === undefined ? null : await readRssKiB(rssFile);
  return { seconds, rssKiB };
}

// Detached, so the child and the workers it forks share a process group
// of their own: an interrupted bench stops all of them with one kill.
function runChild(
  command: string[],
  signal: AbortSignal,
): Promise<{ exitCode: number; stderr: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn(command[0], command.slice(1), {
      detached: true,
      stdio: ['ignore', 'ignore', 'pipe'],
    });
    let stderr = '';
    child.stderr.setEncoding('utf8').on('data', (text: string) => {
      stderr = (stderr + text).slice(-4000);
    });
    const stop = () => {
      try {
        if (child.pid !== undefined) process.kill(-child.pid, 'SIGTERM');
      } catch {
        // The group has already gone: nothing left to stop.
      }
    };
    signal.addEventListener('abort', stop, { once: true });

    child.on('error', reject);
    child.on('close', (code, killedBy) => {
      signal.removeEventListener('abort', stop);
      if (signal.aborted) reject(signal.reason);
      else resolve({ exitCode: code ?? (killedBy ? 128 : 1), stderr });
    });
  });
}

function childFailed(
  config: BenchConfig,
  exitCode: number,
  stderr: string,
): OrderBatchError {
  const lines = stderr.trim().split('\n');
  const why = lines[lines.length - 1] || 'no message';
  const message =
    `Cannot benchmark ${configName(config)}: process exited ` +
    `with code ${exitCode}: ${why}`;
  if (exitCode === ExitCode.dataError) {
    return new OrderBatchError('OB_INPUT_UNUSABLE', message);
  }
  return new OrderBatchError('OB_INTERNAL', message);
}

// GNU time's %M is the ru_maxrss that wait4() reports for the child: the
// peak resident set of the largest single process among the child and the
// descendants it waited for (the shard workers), not their sum. macOS's
// time has no -f, so the probe fails there and RSS is left out.
function findTimeTool(workDir: string): string | undefined {
  const tool = '/usr/bin/time';
  if (!existsSync(tool)) return undefined;
  const probe = join(workDir, 'probe.txt');
  const result = spawnSync(
    tool,
    ['-f', '%M', '-o', probe, process.execPath, '-e', '0'],
    { stdio: 'ignore' },
  );
  return result.status === 0 ? tool : undefined;
}

// Before the number, GNU time writes "Command exited with non-zero status
// 3" when the child exits 3, so only the last line counts.
async function readRssKiB(file: string): Promise<number | null> {
  const text = await readFile(file, 'utf8').catch(() => '');
  const last = text.trim().split('\n').pop() ?? '';
  return /^\d+$/.test(last) ? Number(last) : null;
}

async function hashFile(file: string): Promise<string> {
  const hash = createHash('sha256');
  await pipeline(createReadStream(file), hash);
  return hash.digest('hex');
}

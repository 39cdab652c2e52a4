// The written forms of a benchmark: the table for standard output, the JSON
// report, and the array github-action-benchmark reads. All pure: the
// command decides where each goes.
import { availableParallelism, cpus, release, type, arch } from 'node:os';
import { configName, type BenchResult } from './stats.js';

/** The machine a benchmark ran on, as the JSON report names it. */
export interface MachineInfo {
  cpus: number;
  model: string;
  node: string;
  os: string;
}

/** The input every configuration processed. */
export interface InputInfo {
  file: string;
  bytes: number;
  rows: number;
  format: string;
}

/** One entry of github-action-benchmark's customBiggerIsBetter format. */
export interface GithubBenchmarkEntry {
  name: string;
  unit: string;
  value: number;
  extra?: string;
}

/** Describes this machine. */
export function describeMachine(): MachineInfo {
  return {
    cpus: availableParallelism(),
    model: cpus()[0]?.model.trim() ?? 'unknown',
    node: process.version,
    os: `${type()} ${release()} ${arch()}`,
  };
}

const COLUMNS: [string, (result: BenchResult) => string][] = [
  ['processes', (r) => String(r.processes)],
  ['threads', (r) => String(r.threads)],
  ['cores', (r) => String(r.coresUsed)],
  ['seconds', (r) => r.seconds.toFixed(3)],
  ['MB/s', (r) => r.mbPerSecond.toFixed(1)],
  ['rows/s', (r) => Math.round(r.rowsPerSecond).toLocaleString('en-US')],
  ['speedup', (r) => r.speedup.toFixed(2)],
  ['efficiency', (r) => r.efficiency.toFixed(2)],
  ['peak RSS MB', (r) => r.peakRssMb?.toFixed(0) ?? '-'],
];

/** The results as a table of right-aligned columns, one line per row. */
export function formatTable(results: readonly BenchResult[]): string {
  const rows = [
    COLUMNS.map(([title]) => title),
    ...results.map((result) => COLUMNS.map(([, cell]) => cell(result))),
  ];
  const widths = COLUMNS.map((_, i) =>
    Math.max(...rows.map((row) => row[i].length)),
  );

  return (
    rows
      .map((row) => row.map((cell, i) => cell.padStart(widths[i])).join('  '))
      .join('\n') + '\n'
  );
}

/**
 * The JSON report: machine, input, runs, whether each run was pinned to
 * the cores it uses, then one object per configuration.
 */
export function benchReport(
  machine: MachineInfo,
  input: InputInfo,
  runs: number,
  results: readonly BenchResult[],
  pinned: boolean,
): object {
  return {
    machine,
    input,
    runs,
    pinned,
    results: results.map((r) => ({
      processes: r.processes,
      threads: r.threads,
      cores_used: r.coresUsed,
      seconds: round(r.seconds, 3),
      mb_per_s: round(r.mbPerSecond, 2),
      rows_per_s: Math.round(r.rowsPerSecond),
      speedup: round(r.speedup, 3),
      efficiency: round(r.efficiency, 3),
      peak_rss_mb: r.peakRssMb === null ? null : round(r.peakRssMb, 1),
    })),
  };
}

// Seconds and memory are smaller-is-better, so they stay out: the format
// holds one direction only, and throughput carries the same news as time.
/** Throughput, speedup and efficiency of each configuration. */
export function githubBenchmark(
  results: readonly BenchResult[],
  runs: number,
): GithubBenchmarkEntry[] {
  return results.flatMap((r) => {
    const name = configName(r);
    const cores = r.coresUsed === 1 ? '1 core' : `${r.coresUsed} cores`;
    const extra = `median of ${runs} runs, ${cores} used`;
    const entry = (kind: string, unit: string, value: number) => ({
      name: `${kind} ${name}`,
      unit,
      value,
      extra,
    });
    return [
      entry('throughput', 'MB/s', round(r.mbPerSecond, 2)),
      entry('speedup', 'x', round(r.speedup, 3)),
      entry('efficiency', 'ratio', round(r.efficiency, 3)),
    ];
  });
}

/** JSON text with a final line break, as files on disk should end. */
export function toJsonText(value: unknown): string {
  return `${JSON.stringify(value, null, 2)}\n`;
}

function round(value: number, digits: number): number {
  const scale = 10 ** digits;
  return Math.round(value * scale) / scale;
}

// The arithmetic of a benchmark: medians, speedup and efficiency, and the
// one result row per configuration that every report is written from.
// Pure functions, no I/O, so the reports can be tested without running.

/** One point of the grid: how many processes, how many threads in each. */
export interface BenchConfig {
  processes: number;
  threads: number;
}

/** What the runner measured for one configuration, before any arithmetic. */
export interface ConfigTiming extends BenchConfig {
  /** Wall time of each timed run, warm-up excluded. */
  runSeconds: number[];
  /** Largest resident set of any one process, in KiB; null if unmeasured. */
  peakRssKiB: number | null;
}

/** One row of every report. */
export interface BenchResult extends BenchConfig {
  coresUsed: number;
  seconds: number;
  mbPerSecond: number;
  rowsPerSecond: number;
  speedup: number;
  efficiency: number;
  peakRssMb: number | null;
}

/** The middle value, or the mean of the two middle values. */
export function median(values: readonly number[]): number {
  if (values.length === 0) throw new RangeError('median of no values');

  const sorted = [...values].sort((a, b) => a - b);
  const middle = Math.floor(sorted.length / 2);
  return sorted.length % 2 === 1
    ? sorted[middle]
    : (sorted[middle - 1] + sorted[middle]) / 2;
}

/** How many times faster than the baseline: 2 means half the time. */
export function speedup(baselineSeconds: number, seconds: number): number {
  if (!(seconds > 0)) throw new RangeError(`seconds must be > 0: ${seconds}`);
  return baselineSeconds / seconds;
}

// More processes or threads than cores do not add cores: they take turns.
/** Cores a configuration can keep busy on a machine of `cores` cores. */
export function coresUsed(config: BenchConfig, cores: number): number {
  return Math.max(1, Math.min(config.processes * config.threads, cores));
}

/** Speedup per core used: 1 is perfect scaling. */
export function efficiency(speedupFactor: number, cores: number): number {
  return speedupFactor / cores;
}

/** Turns timings into result rows; `baseline` is the 1 × 1 timing. */
export function computeResults(
  timings: readonly ConfigTiming[],
  baseline: ConfigTiming,
  input: { bytes: number; rows: number },
  cores: number,
): BenchResult[] {
  const baselineSeconds = median(baseline.runSeconds);

  return timings.map((timing) => {
    const seconds = median(timing.runSeconds);
    const factor = speedup(baselineSeconds, seconds);
    const used = coresUsed(timing, cores);
    return {
      processes: timing.processes,
      threads: timing.threads,
      coresUsed: used,
      seconds,
      mbPerSecond: input.bytes / 1e6 / seconds,
      rowsPerSecond: input.rows / seconds,
      speedup: factor,
      efficiency: efficiency(factor, used),
      peakRssMb:
        timing.peakRssKiB === null ? null : (timing.peakRssKiB * 1024) / 1e6,
    };
  });
}

/**
 * The result the --min-efficiency gate judges: of those using the most
 * cores, the most efficient, since that is how well the machine can scale.
 */
export function resultAtMostCores(
  results: readonly BenchResult[],
): BenchResult | undefined {
  const most = Math.max(...results.map((result) => result.coresUsed));
  return results
    .filter((result) => result.coresUsed === most)
    .sort((a, b) => b.efficiency - a.efficiency)[0];
}

/** The default grid: powers of two below the cores, then the cores. */
export function defaultProcessCounts(cores: number): number[] {
  const counts: number[] = [];
  for (let count = 1; count < cores; count *= 2) counts.push(count);
  counts.push(Math.max(1, cores));
  return counts;
}

/** Every processes × threads pair, 1 × 1 first as the speedup baseline. */
export function planConfigs(
  processCounts: readonly number[],
  threadCounts: readonly number[],
): BenchConfig[] {
  const configs: BenchConfig[] = [{ processes: 1, threads: 1 }];
  for (const processes of processCounts) {
    for (const threads of threadCounts) {
      if (processes === 1 && threads === 1) continue;
      configs.push({ processes, threads });
    }
  }
  return configs;
}

/** The short name of a configuration: "p2 t1". */
export function configName(config: BenchConfig): string {
  return `p${config.processes} t${config.threads}`;
}

// Judges configurations against the machine's cores: a warning for a
// configuration that asks for more cores than there are, and the exit code
// of the --min-efficiency gate.
import { ExitCode } from '../errors.js';
import { log } from '../log.js';
import {
  configName,
  resultAtMostCores,
  type BenchConfig,
  type BenchResult,
} from './stats.js';

/** Warns when a configuration asks for more cores than the machine has. */
export function warnIfOversubscribed(config: BenchConfig, cores: number): void {
  const asked = config.processes * config.threads;
  if (asked <= cores) return;
  log(
    `warning: ${configName(config)} asks for ${asked} cores but this ` +
      `machine has ${cores}; its efficiency counts ${cores}`,
  );
}

// Exit 3, as `process` uses it: the work is done and the reports are
// written, but a threshold the caller set was crossed.
export function gateOnEfficiency(
  results: readonly BenchResult[],
  minimum: number | undefined,
): number {
  const judged = resultAtMostCores(results);
  if (minimum === undefined || judged === undefined) return ExitCode.ok;
  if (judged.efficiency >= minimum) return ExitCode.ok;

  log(
    `efficiency ${judged.efficiency.toFixed(2)} of ${configName(judged)} ` +
      `at ${judged.coresUsed} cores is below --min-efficiency ${minimum}: ` +
      'exit code 3',
  );
  return ExitCode.tooManyRejects;
}

// Runs a benchmark under SIGINT and SIGTERM handlers and turns its outcome,
// or any error it throws, into the exit code of `bench`.
import { ExitCode, OrderBatchError } from '../errors.js';
import { log } from '../log.js';

// SIGINT and SIGTERM stop the running child and its workers, remove the
// temporary files, and exit 130 or 143. A second signal ends it at once.
export async function runWithSignals(
  run: (signal: AbortSignal) => Promise<number>,
): Promise<number> {
  const controller = new AbortController();
  const onSignal = (name: NodeJS.Signals) => {
    const exitCode =
      name === 'SIGINT' ? ExitCode.interrupted : ExitCode.terminated;
    if (controller.signal.aborted) process.exit(exitCode);
    controller.abort(
      new OrderBatchError(
        'OB_INTERRUPTED',
        `Stopped by ${name}; no report was written`,
        { exitCode },
      ),
    );
  };
  process.on('SIGINT', onSignal).on('SIGTERM', onSignal);

  try {
    return await run(controller.signal);
  } catch (error) {
    if (error instanceof OrderBatchError) {
      log(error.message);
      return error.exitCode;
    }
    log(`Internal error: ${(error as Error).stack ?? String(error)}`);
    return ExitCode.internal;
  } finally {
    process.off('SIGINT', onSignal).off('SIGTERM', onSignal);
  }
}

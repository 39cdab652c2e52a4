// Runs a command under SIGINT and SIGTERM handlers and turns its outcome,
// or any error it throws, into an exit code and one line on standard error.
import { ExitCode, internalError, OrderBatchError } from '../errors.js';
import { log } from '../log.js';

/**
 * Runs `run` with a signal that SIGINT or SIGTERM aborts (exit 130 or 143,
 * `stopped` saying what was left undone); a second signal exits at once.
 */
export async function runWithSignals(
  run: (signal: AbortSignal) => Promise<number>,
  stopped: string,
): Promise<number> {
  const controller = new AbortController();
  const onSignal = (name: NodeJS.Signals) => {
    const exitCode =
      name === 'SIGINT' ? ExitCode.interrupted : ExitCode.terminated;
    if (controller.signal.aborted) process.exit(exitCode);
    controller.abort(
      new OrderBatchError('OB_INTERRUPTED', `Stopped by ${name}; ${stopped}`, {
        exitCode,
      }),
    );
  };
  process.on('SIGINT', onSignal).on('SIGTERM', onSignal);
  const exitCode = await outcomeOf(run, controller.signal);
  // A stopped run may still wait for its worker processes to end (up to
  // the 2 s before they are killed, longer for one stuck in the kernel);
  // a second signal in that wait must still exit at once, and with the
  // code, not die by the signal. A run that ended on its own has published
  // its outputs or said why not: a signal in the moments before the
  // process exits ends it with the run's own code, not as stopped.
  if (!controller.signal.aborted) {
    process.off('SIGINT', onSignal).off('SIGTERM', onSignal);
    const exitNow = () => process.exit(exitCode);
    process.on('SIGINT', exitNow).on('SIGTERM', exitNow);
  }
  return exitCode;
}

// The exit code of `run`, telling its error, if any, in one line.
async function outcomeOf(
  run: (signal: AbortSignal) => Promise<number>,
  signal: AbortSignal,
): Promise<number> {
  try {
    return await run(signal);
  } catch (error) {
    if (error instanceof OrderBatchError) {
      log(error.message);
      return error.exitCode;
    }
    // One line for the user; the stack when ORDER_BATCH_DEBUG is set.
    const detail = process.env.ORDER_BATCH_DEBUG
      ? ((error as Error).stack ?? String(error))
      : String((error as Error).message ?? error).split('\n')[0];
    log(internalError(detail).message);
    return ExitCode.internal;
  }
}

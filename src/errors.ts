// Every way a run can stop early: a stable code, the exit code the contract
// gives it, and one line for the user that says what to do.

export const ExitCode = {
  ok: 0,
  tooManyRejects: 3,
  usage: 64,
  dataError: 65,
  noInput: 66,
  internal: 70,
  cannotCreate: 73,
  ioError: 74,
  locked: 75,
  interrupted: 130,
  terminated: 143,
} as const;

export type ErrorCode =
  | 'OB_USAGE'
  | 'OB_INPUT_UNUSABLE'
  | 'OB_INPUT_MISSING'
  | 'OB_INTERNAL'
  | 'OB_OUTPUT_CREATE'
  | 'OB_IO'
  | 'OB_LOCKED'
  | 'OB_INTERRUPTED';

const EXIT_BY_CODE: Record<ErrorCode, number> = {
  OB_USAGE: ExitCode.usage,
  OB_INPUT_UNUSABLE: ExitCode.dataError,
  OB_INPUT_MISSING: ExitCode.noInput,
  OB_INTERNAL: ExitCode.internal,
  OB_OUTPUT_CREATE: ExitCode.cannotCreate,
  OB_IO: ExitCode.ioError,
  OB_LOCKED: ExitCode.locked,
  OB_INTERRUPTED: ExitCode.interrupted,
};

/** An error the user can meet: its message is the one line printed. */
export class OrderBatchError extends Error {
  readonly code: ErrorCode;
  readonly exitCode: number;

  constructor(
    code: ErrorCode,
    message: string,
    options?: { cause?: unknown; exitCode?: number },
  ) {
    super(message, { cause: options?.cause });
    this.code = code;
    this.exitCode = options?.exitCode ?? EXIT_BY_CODE[code];
  }
}

/** Bad command line (exit 64). */
export const usageError = (message: string) =>
  new OrderBatchError('OB_USAGE', message);

/** The input cannot be used as a whole (exit 65). */
export const unusableInput = (file: string, message: string) =>
  new OrderBatchError(
    'OB_INPUT_UNUSABLE',
    `Cannot process ${file}: ${message}`,
  );

/** The input is missing or unreadable (exit 66). */
export const missingInput = (file: string, cause: unknown) =>
  new OrderBatchError(
    'OB_INPUT_MISSING',
    `Cannot read ${file}: ${describeSystemError(cause)}; check the path and its permissions`,
    { cause },
  );

/** A bug, or work that kept failing (exit 70). */
export const internalError = (message: string, cause?: unknown) =>
  new OrderBatchError(
    'OB_INTERNAL',
    `Internal error: ${message}; nothing was published`,
    {
      cause,
    },
  );

/** An output cannot be created (exit 73). */
export const cannotCreate = (file: string, cause: unknown) =>
  new OrderBatchError(
    'OB_OUTPUT_CREATE',
    `Cannot create ${file}: ${describeSystemError(cause)}; check the folder exists and is writable`,
    { cause },
  );

/** Reading or writing failed part way (exit 74). */
export const ioError = (file: string, cause: unknown) =>
  new OrderBatchError(
    'OB_IO',
    `Cannot finish with ${file}: ${describeSystemError(cause)}; ` +
      'nothing was published, run again once fixed',
    { cause },
  );

/**
 * Marks an error thrown where the input was read, for the file changing
 * under the run (cut short, replaced). Threads and processes pass errors on
 * as messages, so the mark is a prefix of the message, not a class.
 */
export const INPUT_CHANGED = 'OB_INPUT_CHANGED';

/** Whether an error (perhaps from another thread) marks a changed input. */
export function isInputChanged(error: unknown): boolean {
  return String((error as Error)?.message ?? '').startsWith(INPUT_CHANGED);
}

/** The input changed while it was read (exit 74). */
export const inputChanged = (file: string) =>
  new OrderBatchError(
    'OB_IO',
    `Cannot finish with ${file}: it changed or was cut short while it was ` +
      'read; nothing was published, run again once it is complete',
  );

/**
 * Whether an error, perhaps passed on from a thread or a process as its
 * message, is a full disk or an exhausted quota.
 */
export function isOutOfSpace(error: unknown): boolean {
  const { code, message } = (error ?? {}) as NodeJS.ErrnoException;
  return (
    code === 'ENOSPC' ||
    code === 'EDQUOT' ||
    /^(ENOSPC|EDQUOT)\b/.test(String(message ?? ''))
  );
}

/** The disk of the outputs or the temporary files is full (exit 74). */
export const outOfSpace = (folder: string) =>
  new OrderBatchError(
    'OB_IO',
    `Cannot finish writing in ${folder}: no space left on the device ` +
      '(ENOSPC); nothing was published, run again once there is room',
  );

/** The short text of a system error: "ENOENT: no such file or directory". */
export function describeSystemError(error: unknown): string {
  if (error instanceof Error) {
    const { code } = error as NodeJS.ErrnoException;
    const text = error.message.replace(/^\w+: /, '').replace(/, \w+ '.*'$/, '');
    return code ? `${code} (${text})` : text;
  }
  return String(error);
}

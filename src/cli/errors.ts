/**
 * The command line's errors: a usage or input error is one line on stderr and
 * exit code 2 (src/cli/main.ts prints it), never a stack trace.
 */

/** A usage or input error: printed as one line, exit code 2. */
export class UsageError extends Error {
  override readonly name = 'UsageError';
}

/** Ends a message with a period. */
export function sentence(text: string): string {
  return /[.!?]$/.test(text) ? text : `${text}.`;
}

/** The Node error code of a failed file operation (ENOENT, EACCES …), else the message. */
export function errorCode(error: unknown): string {
  if (error && typeof error === 'object' && 'code' in error && typeof (error as { code: unknown }).code === 'string') {
    return (error as { code: string }).code;
  }
  return error instanceof Error ? error.message : String(error);
}

// Refusals as messages: a UserError says what is wrong and the fix, and is
// shown as one error line (with the file at fault), never as a stack trace.
/**
 * A problem the user can fix: the message says what is wrong and how to fix it.
 * `file`/`line` put a `core.error` annotation on the file at fault.
 */
export class UserError extends Error {
  readonly file?: string
  readonly line?: number

  constructor(
    message: string,
    options: { file?: string; line?: number; cause?: unknown } = {}
  ) {
    super(message, { cause: options.cause })
    this.name = 'UserError'
    this.file = options.file
    this.line = options.line
  }
}

/** The message of anything thrown, so `setFailed` never drops a non-Error throw. */
export function errorMessage(error: unknown): string {
  if (error instanceof Error) return error.message
  if (typeof error === 'string') return error
  try {
    return JSON.stringify(error) ?? String(error)
  } catch {
    return String(error)
  }
}

/** An error the CLI prints as one line (no stack) before exiting with `exitCode`. */
export class CliError extends Error {
  constructor(
    message: string,
    readonly exitCode = 1,
    /** The HTTP status the API answered, when the error is the API's answer. */
    readonly status?: number,
  ) {
    super(message);
  }
}

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

/** The CLI's exit statuses (README, CLI reference): scripts can tell a failed run from a run that needs a person. */
export const EXIT = {
  /** A command that could not be carried out (API unreachable, bad input). */
  error: 1,
  /** A command line that does not parse. */
  usage: 2,
  /** `cairn drift --fail-on-drift` found drift. */
  drift: 3,
  /** `--wait`: the run waits for an operator (retry, skip, approve). */
  awaitingOperator: 4,
  /** `--wait`: the run failed or was cancelled. */
  runFailed: 5,
} as const;

/** The CLI's exit codes, documented in docs/cli.md; scripts can branch on them. */
export const ExitCode = {
  /** The command did what it was asked; a waited job `SUCCEEDED`. */
  Success: 0,
  /** The waited job (`wait`, `run`, `export`) ended `FAILED` or was cancelled. */
  JobFailed: 1,
  /** Bad usage, a missing setting, or input that failed validation (nothing was sent). */
  Usage: 2,
  /** `wait`, `run` or `export` reached its timeout before the job finished. */
  WaitTimeout: 3,
  /** The API answered with an error, the network failed, or the server sent something refused (an unsafe link or file name). */
  ApiError: 4,
  /** Interrupted (Ctrl-C / SIGINT). */
  Interrupted: 130,
} as const;
export type ExitCode = (typeof ExitCode)[keyof typeof ExitCode];

/** The CLI's exit codes, documented in docs/cli.md; scripts can branch on them. */
export const ExitCode = {
  /** The command did what it was asked; a waited job `SUCCEEDED`. */
  Success: 0,
  /** The waited job ended `FAILED`. */
  JobFailed: 1,
  /** Bad usage, a missing setting, or input that failed validation (nothing was sent). */
  Usage: 2,
  /** `wait` or `run` reached its timeout before the job finished. */
  WaitTimeout: 3,
  /** The API answered with an error, or the network failed. */
  ApiError: 4,
  /** Interrupted (Ctrl-C / SIGINT). */
  Interrupted: 130,
} as const;
export type ExitCode = (typeof ExitCode)[keyof typeof ExitCode];

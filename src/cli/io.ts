/** What the CLI reads and writes, injected so that tests drive it without a process. */
export interface CliIo {
  /**
   * `write` returning `false` means the reader is behind: a writer of much output (profile rows)
   * waits for `'drain'` before writing more, so that memory stays bounded behind a slow pipe.
   */
  stdout: {
    write(text: string): unknown;
    isTTY?: boolean | undefined;
    columns?: number | undefined;
    once?(event: 'drain', listener: () => void): unknown;
    off?(event: 'drain', listener: () => void): unknown;
  };
  stderr: { write(text: string): unknown; isTTY?: boolean | undefined; columns?: number | undefined };
  env: Record<string, string | undefined>;
  /** Aborted on Ctrl-C. */
  signal?: AbortSignal | undefined;
  /**
   * Aborted when the reader of stdout went away (EPIPE, as in `--jsonl | head -1`): the command
   * stops quietly, and a job is never cancelled because of it.
   */
  outputClosed?: AbortSignal | undefined;
  /** Read a file given with `--file` (defaults to the file system). */
  readFile?: (path: string) => Promise<string>;
}

/** What the CLI reads and writes, injected so that tests drive it without a process. */
export interface CliIo {
  stdout: { write(text: string): unknown };
  stderr: { write(text: string): unknown; isTTY?: boolean | undefined };
  env: Record<string, string | undefined>;
  /** Aborted on Ctrl-C. */
  signal?: AbortSignal | undefined;
  /** Read a file given with `--file` (defaults to the file system). */
  readFile?: (path: string) => Promise<string>;
}

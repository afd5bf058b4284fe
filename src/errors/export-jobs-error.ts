/**
 * The base of every error this SDK throws, so one `instanceof` check catches them all.
 *
 * Errors never hold an access token, a client secret or the outgoing request: they are safe to
 * log, to `JSON.stringify` and to `util.inspect`.
 *
 * @example
 * ```ts
 * try {
 *   await client.getExportJob(42);
 * } catch (error) {
 *   if (error instanceof ExportJobsError) console.error(error.message);
 *   else throw error;
 * }
 * ```
 */
export class ExportJobsError extends Error {
  override name = 'ExportJobsError';
  /**
   * The export job the failure concerns, when known: set by `waitForCompletion` and
   * `createAndWait`, so a job created before a failed wait is never lost.
   */
  jobId?: number | string;

  /**
   * A plain object of the error's public fields, for structured loggers. A field that cannot be
   * serialised (a server body nested too deep, a cycle) is replaced by a note rather than making
   * `JSON.stringify(error)` throw.
   */
  toJSON(): Record<string, unknown> {
    const own = Object.entries(this as Record<string, unknown>)
      .filter(([key]) => key !== 'cause')
      .map(([key, value]): [string, unknown] => [key, serialisable(value)]);
    return { ...Object.fromEntries(own), name: this.name, message: this.message };
  }
}

function serialisable(value: unknown): unknown {
  try {
    JSON.stringify(value);
    return value;
  } catch {
    return '[not serialisable]';
  }
}

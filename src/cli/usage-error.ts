/** A mistake in how the CLI was called: exit code 2, message without a stack. */
export class UsageError extends Error {
  override name = 'UsageError';
}

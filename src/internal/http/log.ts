/**
 * Where the SDK writes its diagnostics. `console` fits; so do pino and winston loggers.
 * The SDK writes one `debug` line per HTTP attempt. Lines never hold a token or a secret.
 *
 * @example
 * ```ts
 * const client = new ExportJobsClient({ ...credentials, logger: console });
 * // GET /export/jobs/42 -> 503 (attempt 1, retrying in 740 ms) {"method":"GET",...}
 * ```
 */
export interface Logger {
  debug(message: string, fields?: Record<string, unknown>): void;
}

const REDACTED = '[REDACTED]';
const BEARER = /\b(Bearer\s+)[^\s"',]+/gi;

/**
 * Masks every given secret, and anything after `Bearer `, in a string. Secrets shorter than 4
 * characters are left alone: masking them would mangle ordinary words.
 */
export function redact(text: string, secrets: Iterable<string | undefined>): string {
  let result = text.replace(BEARER, `$1${REDACTED}`);
  for (const secret of secrets) {
    if (secret && secret.length >= 4) result = result.split(secret).join(REDACTED);
  }
  return result;
}

/** A logger that redacts the secrets known at call time from the message and its fields. */
export function redactingLogger(logger: Logger, secrets: () => Iterable<string | undefined>): Logger {
  const clean = (message: string, fields?: Record<string, unknown>): [string, Record<string, unknown> | undefined] => {
    const known = [...secrets()];
    const safeFields = fields === undefined ? undefined : (JSON.parse(redact(JSON.stringify(fields), known)) as Record<string, unknown>);
    return [redact(message, known), safeFields];
  };
  return { debug: (message, fields) => logger.debug(...clean(message, fields)) };
}

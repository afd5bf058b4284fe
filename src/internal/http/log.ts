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

export const REDACTED = '[REDACTED]';
const BEARER = /\b(Bearer(?:\s|\+|%20)+)[^\s"',&\\]+/gi;
/** Shorter secrets are left alone: masking them would mangle ordinary words. */
const MIN_SECRET_LENGTH = 4;

/**
 * Masks every given secret, and anything after `Bearer `, in a string. A secret is found however
 * a server may have embedded it: as is, JSON-escaped (`\/`, `\u002f`, escaped again inside a JSON
 * string), percent- or form-encoded (once or twice, either hex case), or as HTML character
 * references. Secrets shorter than 4 characters are left alone.
 */
export function redact(text: string, secrets: Iterable<string | undefined>): string {
  return redactor(secrets).redact(text);
}

/** `redact` and a test for it, with the secrets' patterns looked up once, for masking many strings. */
export interface Redactor {
  redact(text: string): string;
  /** Whether `text` holds a secret (in any form `redact` masks) or a bearer token. */
  holds(text: string): boolean;
}

export function redactor(secrets: Iterable<string | undefined>): Redactor {
  const known = matchers(secrets);
  // The cheap test first: without its anchor a secret cannot be there in any form.
  const mayHold = (matcher: Matcher, text: string) => matcher.anchor === undefined || text.includes(matcher.anchor);
  return {
    redact(text) {
      let result = text.replace(BEARER, `$1${REDACTED}`);
      for (const matcher of known) if (mayHold(matcher, result)) result = result.replace(matcher.pattern, REDACTED);
      return result;
    },
    holds(text) {
      BEARER.lastIndex = 0;
      if (BEARER.test(text)) return true;
      for (const matcher of known) {
        if (!mayHold(matcher, text)) continue;
        matcher.pattern.lastIndex = 0;
        if (matcher.pattern.test(text)) return true;
      }
      return false;
    },
  };
}

/** A logger that redacts the secrets known at call time from the message and its fields. */
export function redactingLogger(logger: Logger, secrets: () => Iterable<string | undefined>): Logger {
  const clean = (message: string, fields?: Record<string, unknown>): [string, Record<string, unknown> | undefined] => {
    const known = [...secrets()];
    return [redact(message, known), fields === undefined ? undefined : redactFields(fields, known)];
  };
  return { debug: (message, fields) => logger.debug(...clean(message, fields)) };
}

function redactFields(fields: Record<string, unknown>, known: Array<string | undefined>): Record<string, unknown> {
  try {
    return JSON.parse(redact(JSON.stringify(fields), known)) as Record<string, unknown>;
  } catch {
    // A mask that swallowed part of an escape leaves invalid JSON: drop the fields rather than leak.
    return { fields: REDACTED };
  }
}

interface Matcher {
  /** A run of the secret that no encoding changes, to look for before running the pattern. */
  anchor: string | undefined;
  pattern: RegExp;
}

// One compiled matcher per secret: redaction runs on every log line and error, and secrets change
// only when a token is renewed. Bounded, so a stream of renewed tokens cannot grow it.
const compiled = new Map<string, Matcher>();
const MAX_MATCHERS = 64;

/** The matchers of the secrets long enough to mask, longest first (a secret holding another is masked whole). */
function matchers(secrets: Iterable<string | undefined>): Matcher[] {
  const unique = [...new Set(secrets)].filter(
    (secret): secret is string => typeof secret === 'string' && secret.length >= MIN_SECRET_LENGTH,
  );
  return unique.sort((a, b) => b.length - a.length).map(matcher);
}

function matcher(secret: string): Matcher {
  let found = compiled.get(secret);
  if (!found) {
    const anchor = (secret.match(/[A-Za-z0-9._-]+/g) ?? []).reduce(
      (longest, run) => (run.length > longest.length ? run : longest),
      '',
    );
    found = {
      anchor: anchor.length >= MIN_SECRET_LENGTH ? anchor : undefined,
      pattern: new RegExp(Array.from(secret, charSource).join(''), 'g'),
    };
    if (compiled.size >= MAX_MATCHERS) compiled.delete(compiled.keys().next().value!);
    compiled.set(secret, found);
  }
  return found;
}

const JSON_SHORT_ESCAPES: Record<string, string> = {
  '"': '"',
  '\\': '\\',
  '/': '/',
  '\b': 'b',
  '\f': 'f',
  '\n': 'n',
  '\r': 'r',
  '\t': 't',
};
const HTML_NAMED: Record<string, string> = { '&': 'amp', '<': 'lt', '>': 'gt', '"': 'quot', "'": 'apos' };

/**
 * One character (a code point) in any of its encoded forms. Letters, digits and `._-` are never
 * escaped by JSON, percent, form or HTML encoders, so they stand for themselves: an access token
 * (a JWT) is then a plain string to find, which keeps redacting a 16 MiB body fast.
 */
function charSource(char: string): string {
  if (/^[A-Za-z0-9._-]$/.test(char)) return escapeRegExp(char);
  const forms = new Set<string>([escapeRegExp(char)]);
  // JSON: `\uXXXX` per UTF-16 unit, and the short escapes. One or more backslashes, for JSON
  // quoted inside another JSON string.
  forms.add(Array.from({ length: char.length }, (_, index) => `\\\\+u${hex(char.charCodeAt(index), 4)}`).join(''));
  const short = JSON_SHORT_ESCAPES[char];
  if (short !== undefined) forms.add(`\\\\+${escapeRegExp(short)}`);
  // Percent-encoding of the UTF-8 bytes, once or twice (`%2F`, `%252F`); `+` for a form's space.
  forms.add([...Buffer.from(char, 'utf8')].map((byte) => `%(?:25)?${hex(byte, 2)}`).join(''));
  if (char === ' ') forms.add('\\+');
  // HTML character references, as a proxy's error page would quote a header.
  const codePoint = char.codePointAt(0)!;
  forms.add(`&#0*${codePoint};`);
  forms.add(`&#[xX]0*${hex(codePoint, 1)};`);
  const named = HTML_NAMED[char];
  if (named !== undefined) forms.add(`&${named};`);
  return `(?:${[...forms].join('|')})`;
}

/** Hex digits in either case: servers differ (`%2f`, `\u00FC`). */
const hex = (value: number, width: number): string =>
  value
    .toString(16)
    .padStart(width, '0')
    .replace(/[a-f]/g, (digit) => `[${digit}${digit.toUpperCase()}]`);
const escapeRegExp = (text: string): string => text.replace(/[.*+?^${}()|[\]\\/-]/g, '\\$&');

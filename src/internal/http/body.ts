/**
 * Reading a response body into a string without trusting its size. `fetch` decodes gzip, deflate
 * and brotli on the fly, so a few kilobytes on the wire can be gigabytes in memory: the body is
 * read chunk by chunk and the decoded bytes are counted, and past the limit reading stops and the
 * connection is cancelled. Memory stays within the limit plus a chunk, whatever the server sends.
 */

/** The body passed the byte limit; the transport turns it into a `ResponseTooLargeError`. */
export class BodyLimitExceeded extends Error {
  override name = 'BodyLimitExceeded';
  readonly limit: number;

  // No parameter property: Node's type stripping (the examples run src/ that way) refuses them.
  constructor(limit: number) {
    super(`the response body exceeds ${limit} bytes`);
    this.limit = limit;
  }
}

/**
 * The body as UTF-8 text (a BOM dropped, like `Response.text()`), at most `limit` decoded bytes.
 * Rejects with `BodyLimitExceeded` past the limit, with the signal's reason once it aborts (at
 * once, even if the stream ignores it), and with the stream's own error if it breaks.
 */
export async function readText(
  body: ReadableStream<Uint8Array> | null,
  limit: number,
  signal: AbortSignal,
): Promise<string> {
  signal.throwIfAborted();
  if (body === null) return '';
  const reader = body.getReader();
  // Cancelling settles a pending read, so the loop ends at the abort whatever the source does.
  const onAbort = () => void reader.cancel(signal.reason).catch(() => undefined);
  signal.addEventListener('abort', onAbort, { once: true });
  const decoder = new TextDecoder();
  const parts: string[] = [];
  let total = 0;
  try {
    for (;;) {
      const { done, value } = await reader.read();
      signal.throwIfAborted();
      if (done) break;
      total += value.byteLength;
      if (total > limit) {
        // Cancelling the body makes fetch drop the connection: nothing more is read or inflated.
        void reader.cancel().catch(() => undefined);
        throw new BodyLimitExceeded(limit);
      }
      parts.push(decoder.decode(value, { stream: true }));
    }
    parts.push(decoder.decode());
    return parts.join('');
  } finally {
    signal.removeEventListener('abort', onAbort);
  }
}

/** Drops a body that will not be read, so its connection is freed rather than left half-read. */
export function discard(body: ReadableStream<Uint8Array> | null): void {
  if (body && !body.locked) void body.cancel().catch(() => undefined);
}

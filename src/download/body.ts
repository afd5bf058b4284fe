import type { FileHandle } from 'node:fs/promises';
import { ResponseValidationError } from '../errors/response-validation-error.js';

/** How a body stopped short of an error the caller must see as is. */
export type BodyEnd = { kind: 'ended' } | { kind: 'broken'; error: unknown } | { kind: 'stalled' };

export interface ReceiveOptions {
  name: string;
  status: number;
  requestId: string;
  /** The byte of the file the body starts at (the `.part` holds exactly that many). */
  position: number;
  /** The byte the body may not run past, when known. */
  end: number | undefined;
  /** How long the body may pause, in ms. */
  idleTimeout: number;
  signal: AbortSignal | undefined;
  /** Told of each chunk once it is on disk. */
  onChunk: (bytes: number, position: number) => void;
}

/**
 * Appends a response body to the open `.part`, one chunk at a time, each written before the next
 * is read: a body that breaks off or stalls leaves every byte that arrived on disk, so the next
 * attempt resumes exactly after it. The body has no deadline of its own (a file may take long),
 * but it must keep moving.
 *
 * Resolves with where the file now ends and how the body stopped; rejects with the signal's
 * reason on abort, with the file system's own error when a write fails (no retry helps a full
 * disk), and with `ResponseValidationError` before writing a byte past `end`.
 */
export async function receiveBody(
  body: ReadableStream<Uint8Array> | null,
  handle: FileHandle,
  options: ReceiveOptions,
): Promise<{ position: number; end: BodyEnd }> {
  const { signal, idleTimeout } = options;
  let position = options.position;
  if (!body) return { position, end: { kind: 'ended' } };
  const reader = body.getReader();
  const idle = new AbortController();
  let timer: NodeJS.Timeout | undefined;
  const arm = () => {
    clearTimeout(timer);
    timer = setTimeout(() => idle.abort(), idleTimeout);
  };
  // A read that waits on a silent server ends only when the stream is cancelled.
  const stop = signal ? AbortSignal.any([signal, idle.signal]) : idle.signal;
  const cancel = () => void reader.cancel().catch(() => {});
  stop.addEventListener('abort', cancel, { once: true });
  const stopped = (): BodyEnd | undefined => {
    signal?.throwIfAborted();
    return idle.signal.aborted ? { kind: 'stalled' } : undefined;
  };
  arm();
  try {
    for (;;) {
      let next: ReadableStreamReadResult<Uint8Array>;
      try {
        next = await reader.read();
      } catch (error) {
        return { position, end: stopped() ?? { kind: 'broken', error } };
      }
      const early = stopped();
      if (early) return { position, end: early };
      if (next.done) return { position, end: { kind: 'ended' } };
      arm();
      const chunk = next.value;
      if (options.end !== undefined && position + chunk.length > options.end) {
        const why = `${options.name} runs past byte ${options.end}, where the listing or the response said it ends`;
        throw new ResponseValidationError(why, { body: '', status: options.status, requestId: options.requestId });
      }
      for (let done = 0; done < chunk.length;) done += (await handle.write(chunk, done)).bytesWritten;
      position += chunk.length;
      options.onChunk(chunk.length, position);
    }
  } finally {
    clearTimeout(timer);
    stop.removeEventListener('abort', cancel);
    cancel();
  }
}

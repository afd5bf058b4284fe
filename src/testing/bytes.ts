/**
 * The simulated exported files' content: pseudo-random bytes computed from a seed and an offset,
 * so any range of a file of any size is generated on demand, in chunks, and never held whole.
 */
import { fnv1a } from './util.js';

/** The size of the chunks a file's body is generated and streamed in. */
export const CONTENT_CHUNK = 64 * 1024;

/** What a simulated file is made of: its size, and a way to read any range of it. */
export interface FileContent {
  readonly size: number;
  /** Fills `out` with the bytes at `offset` .. `offset + out.length` (within `size`). */
  read(offset: number, out: Uint8Array): void;
}

const MAGIC = [0x50, 0x41, 0x52, 0x31]; // "PAR1", parquet's header and footer

/** The seed of a file's bytes: its batch id and its name. */
export function contentSeed(batchId: string, name: string): number {
  return fnv1a(`${batchId}\n${name}`);
}

/** The 32-bit word number `index` of the stream seeded by `seed` (murmur3's finaliser over a Weyl sequence). */
function word(seed: number, index: number): number {
  let hash = (seed ^ Math.imul(index, 0x9e3779b1)) >>> 0;
  hash = Math.imul(hash ^ (hash >>> 16), 0x85ebca6b);
  hash = Math.imul(hash ^ (hash >>> 13), 0xc2b2ae35);
  return (hash ^ (hash >>> 16)) >>> 0;
}

/**
 * A generated file: `size` pseudo-random bytes from `seed`, byte `n` being byte `n % 4` (little
 * endian) of word `floor(n / 4)`, with parquet's `PAR1` magic as the first and last four bytes
 * (when the file has at least eight).
 */
export function generatedContent(seed: number, size: number): FileContent {
  return {
    size,
    read(offset, out) {
      let position = offset;
      let index = 0;
      while (index < out.length) {
        const value = word(seed, Math.floor(position / 4));
        for (let byte = position % 4; byte < 4 && index < out.length; byte += 1, index += 1, position += 1) {
          out[index] = (value >>> (byte * 8)) & 0xff;
        }
      }
      if (size >= 8) {
        for (let at = 0; at < 4; at += 1) {
          overlay(out, offset, at, MAGIC[at]!);
          overlay(out, offset, size - 4 + at, MAGIC[at]!);
        }
      }
    },
  };
}

function overlay(out: Uint8Array, offset: number, position: number, value: number): void {
  if (position >= offset && position < offset + out.length) out[position - offset] = value;
}

/** A file whose bytes are given (kept in memory: for small test files). */
export function fixedContent(bytes: Uint8Array): FileContent {
  const copy = new Uint8Array(bytes);
  return {
    size: copy.length,
    read(offset, out) {
      out.set(copy.subarray(offset, offset + out.length));
    },
  };
}

/** The whole content as one array: for tests, which compare downloads with it. */
export function readAll(content: FileContent): Uint8Array {
  const out = new Uint8Array(content.size);
  content.read(0, out);
  return out;
}

/**
 * Streams `content` from `start` (inclusive) to `end` (exclusive) in {@link CONTENT_CHUNK} chunks,
 * generated as the reader pulls them, so memory stays at a chunk or two whatever the size. An
 * abort of `signal` errors the stream with its reason (as a fetch body does); `onEnd` is called
 * once, when the stream is done, errored or cancelled.
 */
export function contentStream(
  content: FileContent,
  start: number,
  end: number,
  hooks: { signal?: AbortSignal | undefined; onEnd?: () => void } = {},
): ReadableStream<Uint8Array> {
  let position = start;
  let ended = false;
  let controller: ReadableStreamDefaultController<Uint8Array> | undefined;
  const signal = hooks.signal;
  const finish = () => {
    if (ended) return;
    ended = true;
    signal?.removeEventListener('abort', onAbort);
    hooks.onEnd?.();
  };
  const onAbort = () => {
    try {
      controller?.error(signal?.reason);
    } catch {
      // already closed
    }
    finish();
  };
  return new ReadableStream<Uint8Array>({
    start(streamController) {
      controller = streamController;
      if (signal?.aborted) onAbort();
      else signal?.addEventListener('abort', onAbort, { once: true });
    },
    pull(streamController) {
      if (ended) return;
      const length = Math.min(CONTENT_CHUNK, end - position);
      if (length > 0) {
        const chunk = new Uint8Array(length);
        content.read(position, chunk);
        position += length;
        streamController.enqueue(chunk);
      }
      if (position >= end) {
        streamController.close();
        finish();
      }
    },
    cancel() {
      finish();
    },
  });
}

/**
 * The error undici raises when a connection is lost in the middle of a body: a
 * `TypeError('terminated')` whose cause is a `SocketError` with code `UND_ERR_SOCKET`.
 */
export function brokenConnectionError(): TypeError {
  const cause = Object.assign(new Error('other side closed'), { name: 'SocketError', code: 'UND_ERR_SOCKET' });
  return new TypeError('terminated', { cause });
}

// Taken when the module loads, so that fake timers installed later do not hold the cut back.
const realSetImmediate: ((callback: () => void) => unknown) | undefined = globalThis.setImmediate?.bind(globalThis);
const realSetTimeout = globalThis.setTimeout.bind(globalThis);

function nextTurn(): Promise<void> {
  return new Promise((resolve) => (realSetImmediate ? realSetImmediate(resolve) : realSetTimeout(resolve, 0)));
}

/**
 * `body` cut off after `afterBytes` bytes: those bytes arrive, then the stream errors with
 * {@link brokenConnectionError}, as a fetch body does when the server drops the connection.
 */
export function truncatedStream(body: ReadableStream<Uint8Array>, afterBytes: number): ReadableStream<Uint8Array> {
  const reader = body.getReader();
  let sent = 0;
  return new ReadableStream<Uint8Array>({
    async pull(controller) {
      if (sent >= afterBytes) {
        // Erroring discards queued chunks, so the cut comes one pull after the last bytes, and a
        // turn of the event loop later, so that an adapter writing to a socket (msw's) has sent them.
        await nextTurn();
        await reader.cancel().catch(() => {});
        controller.error(brokenConnectionError());
        return;
      }
      const { done, value } = await reader.read();
      if (done) {
        controller.close();
        return;
      }
      const room = afterBytes - sent;
      const chunk = value.length > room ? value.subarray(0, room) : value;
      sent += chunk.length;
      if (chunk.length > 0) controller.enqueue(chunk);
    },
    async cancel(reason) {
      await reader.cancel(reason);
    },
  });
}

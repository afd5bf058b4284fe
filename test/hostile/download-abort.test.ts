/**
 * A server that stops sending part-way and never closes: an abort must end the download at once
 * (not at the idle timeout), reject with the signal's reason, and leave only the `.part`.
 */
import { existsSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { useHostile } from './download-helper.js';

const hostile = useHostile();

/** A 200 that sends `bytes` of the file, then nothing, ever. */
function stallAfter(bytes: number) {
  return ({ bytes: all }: { bytes: Uint8Array }) =>
    new Response(
      new ReadableStream<Uint8Array>({
        start(controller) {
          controller.enqueue(all.slice(0, bytes));
        },
      }),
      { status: 200, headers: { 'content-length': String(all.length) } },
    );
}

describe.each(['in process', 'over loopback'])('aborting a download whose server went silent (%s)', (mode) => {
  it("rejects with the signal's reason at once, keeping the bytes received in the .part", async () => {
    if (mode === 'over loopback') await hostile.useLoopback();
    hostile.simulator.addBatchFile('b1', 'a.parquet', 100_000);
    hostile.lie(stallAfter(40_000));
    const controller = new AbortController();
    const reason = new Error('stopped by the caller');
    const started = performance.now();
    const outcome = hostile.client
      .downloadBatchFiles('b1', {
        dir: hostile.dir,
        // The idle timeout alone would end the attempt only after a minute.
        timeout: 60_000,
        signal: controller.signal,
        onProgress: ({ fileBytes }) => void (fileBytes >= 40_000 && controller.abort(reason)),
      })
      .catch((caught: unknown) => caught);
    expect(await outcome).toBe(reason);
    expect(performance.now() - started).toBeLessThan(2_000);
    expect(existsSync(join(hostile.dir, 'a.parquet'))).toBe(false);
    const part = await readFile(join(hostile.dir, 'a.parquet.part'));
    expect(Buffer.compare(part, hostile.simulator.fileBytes('b1', 'a.parquet').subarray(0, 40_000))).toBe(0);
  });
});

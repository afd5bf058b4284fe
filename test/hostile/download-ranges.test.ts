/**
 * A Data Access that lies about ranges and sizes. Whatever it says, a file is renamed into place
 * only when its bytes are exactly the server's; a lie ends in a typed error, with the `.part`
 * that the lie would corrupt deleted, and nothing outside the download folder touched.
 */
import { existsSync } from 'node:fs';
import { mkdir, readdir, readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { ConnectionError, ResponseValidationError } from '../../src/index.js';
import { answer, snapshot, useHostile, type Lie } from './download-helper.js';

const hostile = useHostile();
const SIZE = 1_000;
/** How much of the file an earlier run left in the `.part`. */
const LEFT = 300;

/** Adds `a.parquet` (SIZE bytes) and, when `left`, a `.part` holding its first `left` bytes. */
async function fileWithPart(left: number): Promise<Uint8Array> {
  hostile.simulator.addBatchFile('b1', 'a.parquet', SIZE);
  const bytes = hostile.simulator.fileBytes('b1', 'a.parquet');
  if (left > 0) {
    await mkdir(hostile.dir, { recursive: true });
    await writeFile(join(hostile.dir, 'a.parquet.part'), bytes.subarray(0, left));
  }
  return bytes;
}

/** Runs the download against `lie` and checks the outcome every lie must have. */
async function expectRefused(lie: Lie, { left, range }: { left: number; range: string | null }): Promise<unknown> {
  await fileWithPart(left);
  hostile.lie(lie);
  const before = await snapshot(hostile.outside);
  const error = await hostile.client.downloadBatchFiles('b1', { dir: hostile.dir }).catch((caught: unknown) => caught);
  expect(error).toBeInstanceOf(ResponseValidationError);
  expect(hostile.downloads.map((request) => request.range)).toEqual([range]);
  // No final file, and no .part holding bytes the lie chose.
  expect(await readdir(hostile.dir)).toEqual([]);
  expect(await snapshot(hostile.outside)).toEqual(before);
  return error;
}

const range = (start: number, end: number, total: number | '*') => ({
  'content-range': `bytes ${start}-${end}/${total}`,
});

describe.each(['in process', 'over loopback'])('a server that lies about ranges (%s)', (mode) => {
  const setUp = async () => {
    if (mode === 'over loopback') await hostile.useLoopback();
  };

  it("refuses a 206 that answers a request sent without Range, writing nothing as the file's start", async () => {
    await setUp();
    const error = await expectRefused(({ bytes }) => answer(206, bytes.subarray(500), range(500, 999, SIZE)), {
      left: 0,
      range: null,
    });
    expect(String(error)).toMatch(/without Range/);
  });

  it('refuses a 206 that starts anywhere but the byte asked for, and drops the .part', async () => {
    await setUp();
    await expectRefused(({ bytes }) => answer(206, bytes, range(0, 999, SIZE)), {
      left: LEFT,
      range: `bytes=${LEFT}-`,
    });
  });

  it('refuses a 206 that ends before the end of the file', async () => {
    await setUp();
    await expectRefused(({ bytes }) => answer(206, bytes.subarray(LEFT, 800), range(LEFT, 799, SIZE)), {
      left: LEFT,
      range: `bytes=${LEFT}-`,
    });
  });

  it('refuses a 206 that ends past the end of the file', async () => {
    await setUp();
    const body = new Uint8Array(1_000);
    await expectRefused(() => answer(206, body, range(LEFT, LEFT + 999, SIZE)), {
      left: LEFT,
      range: `bytes=${LEFT}-`,
    });
  });

  it("refuses a 206 whose total is not the listing's length", async () => {
    await setUp();
    await expectRefused(({ bytes }) => answer(206, bytes.subarray(LEFT), range(LEFT, 999, 2_000)), {
      left: LEFT,
      range: `bytes=${LEFT}-`,
    });
  });

  it.each([
    ['no Content-Range', {}],
    ['a malformed one', { 'content-range': `bytes ${LEFT}-/${SIZE}` }],
    ['several ranges', { 'content-range': 'bytes 300-399,500-999/1000' }],
  ])('refuses a 206 with %s', async (_, headers) => {
    await setUp();
    await expectRefused(({ bytes }) => answer(206, bytes.subarray(LEFT), headers), {
      left: LEFT,
      range: `bytes=${LEFT}-`,
    });
  });

  it('refuses a 206 whose body runs past its Content-Range, before writing the extra bytes', async () => {
    await setUp();
    const body = new Uint8Array(SIZE);
    await expectRefused(() => answer(206, body, range(LEFT, 999, SIZE), { chunked: true }), {
      left: LEFT,
      range: `bytes=${LEFT}-`,
    });
  });

  it("refuses a 200 whose Content-Length is shorter than the listing's length", async () => {
    await setUp();
    await expectRefused(({ bytes }) => answer(200, bytes.subarray(0, 500)), { left: 0, range: null });
  });

  it("refuses a 200 whose body is longer than the listing's length, keeping none of it", async () => {
    await setUp();
    const body = new Uint8Array(1_500);
    await expectRefused(() => answer(200, body, {}, { chunked: true }), { left: 0, range: null });
  });

  it('refuses a success status that is neither 200 nor 206', async () => {
    await setUp();
    await expectRefused(() => answer(204, new Uint8Array()), { left: 0, range: null });
  });

  it('still completes a file from an honest 206, byte-identical (the checks refuse only lies)', async () => {
    await setUp();
    const bytes = await fileWithPart(LEFT);
    hostile.lie(({ bytes: all }) => answer(206, all.subarray(LEFT), range(LEFT, 999, SIZE)));
    const [file] = await hostile.client.downloadBatchFiles('b1', { dir: hostile.dir });
    expect(file).toMatchObject({ bytes: SIZE, resumes: 1 });
    expect(Buffer.compare(await readFile(join(hostile.dir, 'a.parquet')), bytes)).toBe(0);
  });
});

describe('a server whose 200 ends short without saying so', () => {
  it('never renames the short file into place: it resumes, and gives up typed with the honest prefix kept', async () => {
    const bytes = await fileWithPart(0);
    // A 200 without Content-Length that ends cleanly after 500 bytes, every time.
    hostile.lie(({ bytes: all }) => answer(200, all.subarray(0, 500), {}, { chunked: true }));
    const error = await hostile.client
      .downloadBatchFiles('b1', { dir: hostile.dir, maxResumes: 2 })
      .catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(ConnectionError);
    expect(existsSync(join(hostile.dir, 'a.parquet'))).toBe(false);
    // The resumes asked for the rest; the server's 200s started over each time.
    expect(hostile.downloads.map((request) => request.range)).toEqual([null, 'bytes=500-', 'bytes=500-']);
    const part = await readFile(join(hostile.dir, 'a.parquet.part'));
    expect(Buffer.compare(part, bytes.subarray(0, 500))).toBe(0);
  });
});

describe('a listing whose length is not a byte count', () => {
  it.each([[-1], [1.5], [2 ** 60]])(
    'refuses length %s with ResponseValidationError before any download',
    async (length) => {
      hostile.simulator.addBatchFile('b1', 'a.parquet', SIZE);
      hostile.rewriteListing((entry) => {
        if (entry.name !== undefined) entry.length = length;
      });
      const error = await hostile.client
        .downloadBatchFiles('b1', { dir: hostile.dir })
        .catch((caught: unknown) => caught);
      expect(error).toBeInstanceOf(ResponseValidationError);
      expect(hostile.downloads).toEqual([]);
      expect(existsSync(hostile.dir)).toBe(false);
    },
  );
});

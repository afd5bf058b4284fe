/**
 * The simulator's Catalog and Data Access routes, spoken to with plain fetch (through
 * `simulator.fetch`, the loopback server and msw), so that what they answer is checked against the
 * API contract and not against the SDK.
 */
import { http, HttpResponse } from 'msw';
import { setupServer } from 'msw/node';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import {
  DATA_ACCESS_MAX_LIMIT,
  DEFAULT_BYTES_PER_FILE,
  ExportJobsSimulator,
  startSimulatorServer,
  type ExportJobsSimulatorOptions,
  type SimulatorServer,
} from '../../src/testing/index.js';
import { simulatorHandlers } from '../../src/testing/msw.js';
import { contentSeed, generatedContent, readAll } from '../../src/testing/bytes.js';
import { parseRange } from '../../src/testing/data-access.js';

const ORG = '1BD6382559DF0C130A49422D@AdobeOrg';
const ORIGIN = 'https://platform.adobe.io';
const CATALOG = `${ORIGIN}/data/foundation/catalog`;
const EXPORT = `${ORIGIN}/data/foundation/export`;
const PROFILE_UNION = 'https://ns.adobe.com/xdm/context/profile__union';
const minimalJob = { destination: { datasetId: 'ds-1' }, schema: { name: '_xdm.context.profile' } };

let simulator: ExportJobsSimulator;

function headers(overrides: Record<string, string | undefined> = {}): Record<string, string> {
  const all: Record<string, string | undefined> = {
    authorization: 'Bearer token',
    'x-api-key': 'client-id',
    'x-gw-ims-org-id': ORG,
    'x-sandbox-name': 'dev',
    ...overrides,
  };
  return Object.fromEntries(Object.entries(all).filter((entry): entry is [string, string] => entry[1] !== undefined));
}

/** A request through `simulator.fetch`. */
function call(
  url: string,
  init: Omit<RequestInit, 'headers'> & { headers?: Record<string, string | undefined> } = {},
): Promise<Response> {
  return simulator.fetch(url, { ...init, headers: headers(init.headers) });
}

/** A Data Access (or other) JSON body, typed as far as these tests read it. */
interface ListingEntry {
  dataSetFileId: string;
  name?: string;
  length?: string;
  size?: string;
  _links: { self: { href: string } };
}
interface JsonBody {
  data: ListingEntry[];
  _page?: unknown;
  _links: { next: { href: string } };
  [key: string]: unknown;
}

async function json(response: Response): Promise<JsonBody> {
  return (await response.json()) as JsonBody;
}

/** A finished job's batch id, in sandbox `dev` of ORG. */
function finishedBatch(request: Record<string, unknown> = minimalJob, sandboxName = 'dev'): string {
  const job = simulator.addJob(request, { sandboxName, orgId: ORG, createdAt: simulator.now() - 60_000 });
  expect(job.status).toBe('SUCCEEDED');
  if (job.destination.segmentPerBatch) throw new Error('expected one batch');
  return job.destination.batchId!;
}

function make(options: ExportJobsSimulatorOptions = {}): ExportJobsSimulator {
  simulator = new ExportJobsSimulator({ clock: 'manual', ...options });
  return simulator;
}

beforeEach(() => {
  make();
});

describe('Catalog: POST /dataSets', () => {
  const body = {
    name: 'Profile Data Export',
    schemaRef: { id: PROFILE_UNION, contentType: 'application/vnd.adobe.xed+json;version=1' },
    fileDescription: { persisted: true, containerFormat: 'parquet', format: 'parquet' },
  };

  it('answers 201 with ["@/dataSets/{24-hex id}"] and keeps the dataset, per sandbox', async () => {
    const response = await call(`${CATALOG}/dataSets`, {
      method: 'POST',
      body: JSON.stringify(body),
      headers: { 'content-type': 'application/json' },
    });
    expect(response.status).toBe(201);
    const answer = await json(response);
    expect(answer).toEqual([expect.stringMatching(/^@\/dataSets\/[0-9a-f]{24}$/)]);
    const id = (answer[0] as string).split('/').at(-1)!;
    expect(response.headers.get('location')).toBe(`${CATALOG}/dataSets/${id}`);

    expect(simulator.datasets()).toEqual([
      expect.objectContaining({
        id,
        name: 'Profile Data Export',
        schemaRef: body.schemaRef,
        fileDescription: body.fileDescription,
        orgId: ORG,
        sandboxName: 'dev',
        request: body,
      }),
    ]);
    expect(simulator.datasets('dev')).toHaveLength(1);
    expect(simulator.datasets('prod')).toEqual([]);
    expect(simulator.requests.at(-1)).toMatchObject({
      service: 'catalog',
      method: 'POST',
      path: '/dataSets',
      status: 201,
      body,
    });

    const read = await call(`${CATALOG}/dataSets/${id}`);
    expect(await json(read)).toEqual({
      [id]: expect.objectContaining({
        name: 'Profile Data Export',
        imsOrg: ORG,
        schemaRef: body.schemaRef,
        viewId: expect.stringMatching(/^[0-9a-f]{24}$/),
      }),
    });
    // Another sandbox does not see it.
    expect((await call(`${CATALOG}/dataSets/${id}`, { headers: { 'x-sandbox-name': 'prod' } })).status).toBe(404);
    expect(Object.keys(await json(await call(`${CATALOG}/dataSets`)))).toEqual([id]);
  });

  it('gives each dataset its own id', async () => {
    const ids = new Set<string>();
    for (let index = 0; index < 5; index += 1) {
      const answer = await json(await call(`${CATALOG}/dataSets`, { method: 'POST', body: JSON.stringify(body) }));
      ids.add(String(answer[0]));
    }
    expect(ids.size).toBe(5);
  });

  it.each([
    ['no name', { ...body, name: undefined }, /name is required/],
    ['an empty name', { ...body, name: '  ' }, /name is required/],
    ['no schemaRef', { ...body, schemaRef: undefined }, /schemaRef is required/],
    [
      'no schemaRef.id',
      { ...body, schemaRef: { contentType: 'application/vnd.adobe.xed+json;version=1' } },
      /schemaRef\.id is required/,
    ],
    ['an unknown format', { ...body, fileDescription: { format: 'xlsx' } }, /fileDescription\.format/],
  ])('answers 400 with a platform problem for %s, and creates nothing', async (_, invalid, detail) => {
    const response = await call(`${CATALOG}/dataSets`, { method: 'POST', body: JSON.stringify(invalid) });
    expect(response.status).toBe(400);
    expect(await json(response)).toMatchObject({
      type: expect.stringContaining('ns.adobe.com/aep/errors/'),
      title: 'Bad Request',
      status: 400,
      detail: expect.stringMatching(detail),
    });
    expect(simulator.datasets()).toEqual([]);
  });

  it('answers 400 for a body that is not JSON, and the gateway errors without credentials', async () => {
    expect((await call(`${CATALOG}/dataSets`, { method: 'POST', body: '{oops' })).status).toBe(400);
    const anonymous = await call(`${CATALOG}/dataSets`, {
      method: 'POST',
      body: JSON.stringify(body),
      headers: { authorization: undefined },
    });
    expect(anonymous.status).toBe(403);
    expect(await json(anonymous)).toEqual({ error_code: '403010', message: 'Oauth token is missing' });
    expect(simulator.datasets()).toEqual([]);
  });

  it('forgets datasets on reset', async () => {
    await call(`${CATALOG}/dataSets`, { method: 'POST', body: JSON.stringify(body) });
    simulator.reset();
    expect(simulator.datasets()).toEqual([]);
  });
});

describe('Data Access: listing a batch', () => {
  it("lists a finished job batch's dataset files in the documented shape, with absolute links on the request origin", async () => {
    const batchId = finishedBatch();
    const response = await call(`${EXPORT}/batches/${batchId}/files?start=0&limit=100`);
    expect(response.status).toBe(200);
    const page = await json(response);
    const job = simulator.jobs('dev')[0]!;
    const files = simulator.batchFiles(batchId);
    expect(page).toEqual({
      data: [1, 2].map((number) => ({
        dataSetFileId: `${batchId}-${number}`,
        dataSetViewId: expect.stringMatching(/^[0-9a-f]{24}$/),
        version: '1.0.0',
        created: String(job.updateTime),
        updated: String(job.updateTime),
        isValid: true,
        // 100 profiles in two Parquet files.
        records: '50',
        size: String(files[number - 1]!.size),
        _links: { self: { href: `${EXPORT}/files/${batchId}-${number}` } },
      })),
      _page: { limit: 100, count: 2 },
    });
    expect(simulator.requests.at(-1)).toMatchObject({
      service: 'data-access',
      path: `/batches/${batchId}/files`,
      query: { start: '0', limit: '100' },
    });
  });

  it('holds nothing before the job succeeds, nor for a failed job: 404 with a platform problem', async () => {
    const job = simulator.addJob(minimalJob, { sandboxName: 'dev', orgId: ORG });
    simulator.advance(2_000); // PROCESSING: the batch id is known, the files are not there yet
    const batchId = simulator.job(job.id)!.destination.segmentPerBatch
      ? ''
      : simulator.job(job.id)!.destination.batchId!;
    const early = await call(`${EXPORT}/batches/${batchId}/files`);
    expect(early.status).toBe(404);
    expect(await json(early)).toMatchObject({
      status: 404,
      title: 'Not Found',
      detail: expect.stringContaining(batchId),
      report: { additionalContext: { 'request-id': expect.any(String) } },
    });
    simulator.advance(8_000);
    expect((await call(`${EXPORT}/batches/${batchId}/files`)).status).toBe(200);
    expect(simulator.batchFiles(batchId)).toHaveLength(2);
    expect((await call(`${EXPORT}/batches/unknown-batch/files`)).status).toBe(404);
  });

  it('keeps batches to their sandbox and organization', async () => {
    const batchId = finishedBatch();
    expect((await call(`${EXPORT}/batches/${batchId}/files`, { headers: { 'x-sandbox-name': 'prod' } })).status).toBe(
      404,
    );
    expect(
      (await call(`${EXPORT}/batches/${batchId}/files`, { headers: { 'x-gw-ims-org-id': 'OTHER@AdobeOrg' } })).status,
    ).toBe(404);
    expect((await call(`${EXPORT}/files/${batchId}-1`, { headers: { 'x-sandbox-name': 'prod' } })).status).toBe(404);
    expect((await call(`${EXPORT}/batches/${batchId}/files`, { headers: { 'x-api-key': undefined } })).status).toBe(
      403,
    );
  });

  it('pages by start and limit (at most 100), with an absolute _links.next only while more remain', async () => {
    make({ exportFiles: { filesPerBatch: 250, bytesPerFile: 10 } });
    const batchId = finishedBatch();
    const first = await json(await call(`${EXPORT}/batches/${batchId}/files`));
    expect(first._page).toEqual({ limit: DATA_ACCESS_MAX_LIMIT, count: 100 });
    expect(first._links.next.href).toBe(`${EXPORT}/batches/${batchId}/files?start=100&limit=100`);
    const second = await json(await call(first._links.next.href));
    expect(second.data[0]?.dataSetFileId).toBe(`${batchId}-101`);
    const third = await json(await call(second._links.next.href));
    expect(third).toMatchObject({ _page: { limit: 100, count: 50 } });
    expect(third._links).toBeUndefined();
    expect(third.data.at(-1)?.dataSetFileId).toBe(`${batchId}-250`);

    const small = await json(await call(`${EXPORT}/batches/${batchId}/files?start=245&limit=2`));
    expect(small.data.map((entry) => entry.dataSetFileId)).toEqual([`${batchId}-246`, `${batchId}-247`]);
    expect(small._links.next.href).toBe(`${EXPORT}/batches/${batchId}/files?start=247&limit=2`);
    expect((await json(await call(`${EXPORT}/batches/${batchId}/files?limit=500`)))._page).toEqual({
      limit: 100,
      count: 100,
    });
    expect((await json(await call(`${EXPORT}/batches/${batchId}/files?start=900`))).data).toEqual([]);
    for (const bad of ['start=-1', 'start=x', 'limit=0', 'limit=ten']) {
      expect((await call(`${EXPORT}/batches/${batchId}/files?${bad}`)).status, bad).toBe(400);
    }
  });

  it('gives one batch per segment with segmentPerBatch, each with files of its own', async () => {
    const job = simulator.addJob(
      {
        ...minimalJob,
        destination: { datasetId: 'ds-1', segmentPerBatch: true },
        filter: { segments: [{ segmentId: 'seg-a' }, { segmentId: 'seg-b' }] },
      },
      { sandboxName: 'dev', orgId: ORG, createdAt: simulator.now() - 60_000 },
    );
    if (!job.destination.segmentPerBatch) throw new Error('expected batches');
    const [a, b] = job.destination.batches.map((batch) => batch.batchId);
    expect(a).not.toBe(b);
    const [filesA, filesB] = [simulator.batchFiles(a!), simulator.batchFiles(b!)];
    expect(filesA).toHaveLength(2);
    expect(filesA[0]!.name).not.toBe(filesB[0]!.name);
    expect(simulator.fileBytes(a!, filesA[0]!.name)).not.toEqual(simulator.fileBytes(b!, filesB[0]!.name));
    expect((await call(`${EXPORT}/batches/${b}/files`)).status).toBe(200);
  });

  it('gives no files to a job that failed', async () => {
    make({ failingSegments: ['broken'] });
    const job = simulator.addJob(
      { ...minimalJob, filter: { segments: [{ segmentId: 'broken' }] } },
      { sandboxName: 'dev', orgId: ORG, createdAt: simulator.now() - 60_000 },
    );
    expect(job.status).toBe('FAILED');
    expect(
      (await call(`${EXPORT}/batches/${job.destination.segmentPerBatch ? '' : job.destination.batchId}/files`)).status,
    ).toBe(404);
  });
});

describe('Data Access: a dataset file', () => {
  it('lists its file with a string length and a self link carrying ?path=', async () => {
    const batchId = finishedBatch();
    const [file] = simulator.batchFiles(batchId);
    expect(file!.name).toMatch(
      /^part-00000-[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-a[0-9a-f]{3}-[0-9a-f]{12}-c000\.snappy\.parquet$/,
    );
    const listing = await json(await call(`${EXPORT}/files/${batchId}-1`));
    expect(listing).toEqual({
      data: [
        {
          name: file!.name,
          length: String(file!.size),
          _links: { self: { href: `${EXPORT}/files/${batchId}-1?path=${file!.name}` } },
        },
      ],
      _page: { limit: 100, count: 1 },
    });
    expect((await call(`${EXPORT}/files/${batchId}-9`)).status).toBe(404);
    expect((await call(`${EXPORT}/files/no-such-file`)).status).toBe(404);
  });

  it('is a directory of dataset files with directories: true, paged like the batch', async () => {
    make({ exportFiles: { directories: true, filesPerBatch: 120, bytesPerFile: 8 } });
    const batchId = finishedBatch();
    const batch = await json(await call(`${EXPORT}/batches/${batchId}/files`));
    expect(batch.data).toEqual([expect.objectContaining({ dataSetFileId: `${batchId}-0`, size: String(120 * 8) })]);
    const directory = await json(await call(batch.data[0]!._links.self.href));
    expect(directory.data).toHaveLength(100);
    expect(directory.data[0]).toMatchObject({
      dataSetFileId: `${batchId}-1`,
      _links: { self: { href: `${EXPORT}/files/${batchId}-1` } },
    });
    expect(directory.data[0]?.name).toBeUndefined();
    expect(directory._links.next.href).toBe(`${EXPORT}/files/${batchId}-0?start=100&limit=100`);
    const rest = await json(await call(directory._links.next.href));
    expect(rest.data.map((entry) => entry.dataSetFileId).at(-1)).toBe(`${batchId}-120`);
    const child = await json(await call(`${EXPORT}/files/${batchId}-120`));
    expect(child.data[0]).toMatchObject({ name: expect.stringMatching(/^part-00119-/), length: '8' });
  });

  it('serves the bytes: 200 whole with Content-Length and Accept-Ranges, identical to fileBytes', async () => {
    const batchId = finishedBatch();
    const [file] = simulator.batchFiles(batchId);
    const response = await call(`${EXPORT}/files/${batchId}-1?path=${encodeURIComponent(file!.name)}`);
    expect(response.status).toBe(200);
    expect(Object.fromEntries(response.headers)).toMatchObject({
      'content-type': 'application/octet-stream',
      'content-length': String(file!.size),
      'accept-ranges': 'bytes',
    });
    expect(response.body).toBeInstanceOf(ReadableStream);
    const bytes = new Uint8Array(await response.arrayBuffer());
    expect(bytes).toEqual(simulator.fileBytes(batchId, file!.name));
    // Real Parquet (read back in test/testing/parquet.test.ts): PAR1 at both ends.
    expect(Buffer.from(bytes.subarray(0, 4)).toString()).toBe('PAR1');
    expect(Buffer.from(bytes.subarray(-4)).toString()).toBe('PAR1');
    expect((await call(`${EXPORT}/files/${batchId}-1?path=other.parquet`)).status).toBe(404);
    expect((await call(`${EXPORT}/files/${batchId}-2?path=${encodeURIComponent(file!.name)}`)).status).toBe(404);
  });

  it('computes the bytes from the batch id and the name alone, the same in every simulator', () => {
    make({ exportFiles: { bytesPerFile: DEFAULT_BYTES_PER_FILE } });
    const batchId = finishedBatch();
    const [file] = simulator.batchFiles(batchId);
    const expected = readAll(generatedContent(contentSeed(batchId, file!.name), file!.size));
    expect(simulator.fileBytes(batchId, file!.name)).toEqual(expected);
    const other = new ExportJobsSimulator({ clock: 'manual', exportFiles: { bytesPerFile: DEFAULT_BYTES_PER_FILE } });
    other.addJob(minimalJob, { sandboxName: 'dev', orgId: ORG, createdAt: other.now() - 60_000 });
    expect(other.fileBytes(batchId, file!.name)).toEqual(expected);
    expect(() => simulator.fileBytes(batchId, 'nope.parquet')).toThrow(RangeError);
  });

  it('answers Range with 206 and Content-Range, and an unsatisfiable range with 416', async () => {
    simulator.addBatchFile('batch-r', 'r.parquet', 1_000);
    const url = `${EXPORT}/files/batch-r-1?path=r.parquet`;
    const whole = simulator.fileBytes('batch-r', 'r.parquet');
    for (const [range, start, end] of [
      ['bytes=0-99', 0, 100],
      ['bytes=900-', 900, 1000],
      ['bytes=990-5000', 990, 1000],
      ['bytes=-10', 990, 1000],
      ['bytes=999-999', 999, 1000],
    ] as const) {
      const response = await call(url, { headers: { range } });
      expect(response.status, range).toBe(206);
      expect(response.headers.get('content-range'), range).toBe(`bytes ${start}-${end - 1}/1000`);
      expect(response.headers.get('content-length'), range).toBe(String(end - start));
      expect(new Uint8Array(await response.arrayBuffer()), range).toEqual(whole.subarray(start, end));
    }
    const outside = await call(url, { headers: { range: 'bytes=1000-' } });
    expect(outside.status).toBe(416);
    expect(outside.headers.get('content-range')).toBe('bytes */1000');
    expect(await json(outside)).toMatchObject({ status: 416 });
    // Malformed or multiple ranges may be ignored: the whole file.
    for (const range of ['bytes=5-1', 'items=0-1', 'bytes=0-1,5-6'])
      expect((await call(url, { headers: { range } })).status, range).toBe(200);
  });

  it('answers HEAD with the headers only', async () => {
    simulator.addBatchFile('batch-h', 'h.parquet', 12_345);
    const response = await call(`${EXPORT}/files/batch-h-1?path=h.parquet`, { method: 'HEAD' });
    expect(response.status).toBe(200);
    expect(Object.fromEntries(response.headers)).toMatchObject({
      'content-length': '12345',
      'accept-ranges': 'bytes',
      'content-type': 'application/octet-stream',
    });
    expect(response.body).toBeNull();
    expect((await call(`${EXPORT}/files/batch-h-1`, { method: 'HEAD' })).status).toBe(400);
    expect((await call(`${EXPORT}/files/batch-h-1?path=h.parquet`, { method: 'DELETE' })).status).toBe(405);
  });

  it('ignores Range with ranges: false', async () => {
    make({ exportFiles: { ranges: false } });
    simulator.addBatchFile('batch-n', 'n.parquet', 500);
    const response = await call(`${EXPORT}/files/batch-n-1?path=n.parquet`, { headers: { range: 'bytes=100-' } });
    expect(response.status).toBe(200);
    expect(response.headers.get('accept-ranges')).toBeNull();
    expect(new Uint8Array(await response.arrayBuffer())).toHaveLength(500);
  });

  it('generates any range of a huge file on demand, without building the file', async () => {
    simulator.addBatchFile('batch-huge', 'huge.parquet', 8 * 1024 ** 3); // 8 GiB: could never be held in memory
    const started = performance.now();
    const tail = await call(`${EXPORT}/files/batch-huge-1?path=huge.parquet`, { headers: { range: 'bytes=-8' } });
    expect(tail.headers.get('content-range')).toBe(`bytes ${8 * 1024 ** 3 - 8}-${8 * 1024 ** 3 - 1}/${8 * 1024 ** 3}`);
    const bytes = new Uint8Array(await tail.arrayBuffer());
    expect(Buffer.from(bytes.subarray(4)).toString()).toBe('PAR1');
    // The whole-file GET only starts a stream: cancelling it ends it.
    const whole = await call(`${EXPORT}/files/batch-huge-1?path=huge.parquet`);
    expect(whole.headers.get('content-length')).toBe(String(8 * 1024 ** 3));
    const reader = whole.body!.getReader();
    expect((await reader.read()).value).toHaveLength(64 * 1024);
    await reader.cancel();
    expect(performance.now() - started).toBeLessThan(2_000);
  });

  it('counts downloads in flight until their bodies are read or cancelled', async () => {
    simulator.addBatchFile('batch-f', 'f.parquet', 300_000);
    const url = `${EXPORT}/files/batch-f-1?path=f.parquet`;
    const [one, two] = await Promise.all([call(url), call(url)]);
    expect(simulator.downloadsInFlight).toBe(2);
    await one.arrayBuffer();
    expect(simulator.downloadsInFlight).toBe(1);
    await two.body!.cancel();
    expect(simulator.downloadsInFlight).toBe(0);
    expect(simulator.peakDownloadsInFlight).toBe(2);
    await call(`${EXPORT}/files/batch-f-1`); // a listing is not a download
    expect(simulator.peakDownloadsInFlight).toBe(2);
    simulator.reset();
    expect(simulator.peakDownloadsInFlight).toBe(0);
  });

  it('ends the body stream when the request is aborted', async () => {
    simulator.addBatchFile('batch-a', 'a.parquet', 10_000_000);
    const controller = new AbortController();
    const response = await call(`${EXPORT}/files/batch-a-1?path=a.parquet`, { signal: controller.signal });
    const reader = response.body!.getReader();
    await reader.read();
    controller.abort(new Error('stop'));
    await expect(reader.read()).rejects.toThrow('stop');
    expect(simulator.downloadsInFlight).toBe(0);
  });
});

describe('addBatchFile', () => {
  it('serves any name as given, exact bytes or a size, and a listing length that may disagree', async () => {
    const evil = new TextEncoder().encode('owned');
    expect(simulator.addBatchFile('batch-x', '../evil.parquet', evil)).toEqual({
      batchId: 'batch-x',
      dataSetFileId: 'batch-x-1',
      name: '../evil.parquet',
      size: 5,
      length: 5,
    });
    simulator.addBatchFile('batch-x', '/etc/passwd', 10);
    simulator.addBatchFile('batch-x', 'short.parquet', 100, { length: 200 });
    const listing = await json(await call(`${EXPORT}/files/batch-x-1`));
    expect(listing.data[0]).toEqual({
      name: '../evil.parquet',
      length: '5',
      _links: { self: { href: `${EXPORT}/files/batch-x-1?path=..%2Fevil.parquet` } },
    });
    expect(await (await call(listing.data[0]!._links.self.href)).text()).toBe('owned');
    expect((await json(await call(`${EXPORT}/files/batch-x-2`))).data[0]?.name).toBe('/etc/passwd');
    expect((await json(await call(`${EXPORT}/files/batch-x-3`))).data[0]?.length).toBe('200');
    expect((await call(`${EXPORT}/files/batch-x-3?path=short.parquet`)).headers.get('content-length')).toBe('100');
  });

  it("appends to a job's batch, and keeps to a sandbox when told", async () => {
    const batchId = finishedBatch();
    simulator.addBatchFile(batchId, 'extra.parquet', 3);
    expect(simulator.batchFiles(batchId).map((file) => file.dataSetFileId)).toEqual([
      `${batchId}-1`,
      `${batchId}-2`,
      `${batchId}-3`,
    ]);
    simulator.addBatchFile('batch-prod', 'p.parquet', 3, { sandboxName: 'prod' });
    expect((await call(`${EXPORT}/batches/batch-prod/files`)).status).toBe(404);
    expect((await call(`${EXPORT}/batches/batch-prod/files`, { headers: { 'x-sandbox-name': 'prod' } })).status).toBe(
      200,
    );
    simulator.reset();
    expect(simulator.batchFiles('batch-prod')).toEqual([]);
  });

  it('takes names from exportFiles.names, for hostile listings of job batches', () => {
    make({
      exportFiles: {
        names: (_, index) => (index === 0 ? '../escape.parquet' : `ok-${index}.parquet`),
        bytesPerFile: (_, index) => 10 + index,
      },
    });
    const batchId = finishedBatch();
    expect(simulator.batchFiles(batchId).map(({ name, size }) => [name, size])).toEqual([
      ['../escape.parquet', 10],
      ['ok-1.parquet', 11],
    ]);
  });

  it('refuses what it cannot serve', () => {
    expect(() => simulator.addBatchFile('', 'a', 1)).toThrow(TypeError);
    expect(() => simulator.addBatchFile('b', 'a', -1)).toThrow(RangeError);
    expect(() => new ExportJobsSimulator({ exportFiles: { filesPerBatch: -1 } })).toThrow(RangeError);
    expect(() => simulator.inject({ kind: 'drop', afterBytes: -5 })).toThrow(RangeError);
  });
});

describe('parseRange', () => {
  it('reads the forms RFC 9110 allows', () => {
    expect(parseRange(null, 10)).toBeUndefined();
    expect(parseRange('bytes=2-4', 10)).toEqual([2, 5]);
    expect(parseRange('bytes=2-', 10)).toEqual([2, 10]);
    expect(parseRange('bytes=-3', 10)).toEqual([7, 10]);
    expect(parseRange('bytes=-30', 10)).toEqual([0, 10]);
    expect(parseRange('bytes=10-', 10)).toBe('unsatisfiable');
    expect(parseRange('bytes=-0', 10)).toBe('unsatisfiable');
    expect(parseRange('bytes=0-', 0)).toBe('unsatisfiable');
  });

  it('serves the whole file for a header it cannot or need not honour', () => {
    expect(parseRange('bytes=4-2', 10)).toBeUndefined(); // reversed: malformed
    expect(parseRange('bytes=x-3', 10)).toBeUndefined();
    expect(parseRange('items=0-3', 10)).toBeUndefined(); // another unit
    expect(parseRange('bytes=0-1, 5-6', 10)).toBeUndefined(); // several ranges: no multipart answers
    expect(parseRange('bytes=-3', 0)).toBeUndefined(); // a suffix of an empty file is the (empty) file
  });
});

describe('faults on Data Access', () => {
  it('match by service and query, so a download fault leaves the listings alone', async () => {
    simulator.addBatchFile('batch-q', 'q.parquet', 10);
    const fault = simulator.inject(
      { kind: 'status', status: 503 },
      { match: { service: 'data-access', path: '/files/:id', query: { path: true } } },
    );
    expect((await call(`${EXPORT}/files/batch-q-1`)).status).toBe(200);
    expect((await call(`${EXPORT}/files/batch-q-1?path=q.parquet`)).status).toBe(503);
    expect(fault.hits).toBe(1);
    const catalogOnly = simulator.inject({ kind: 'status', status: 500 }, { match: { service: 'catalog' } });
    expect((await call(`${EXPORT}/files/batch-q-1`)).status).toBe(200);
    expect(catalogOnly.remaining).toBe(1);
    // A fault with no match at all hits Data Access too: it is part of the API.
    simulator.inject({ kind: 'status', status: 502 }, { match: { service: 'data-access' } });
    expect((await call(`${EXPORT}/batches/batch-q/files`)).status).toBe(502);
    expect(() => simulator.inject({ kind: 'drop' }, { match: { service: 'nope' as never } })).toThrow(TypeError);
  });

  it('drop afterBytes through simulator.fetch: the headers, exactly that many bytes, then undici\'s TypeError("terminated")', async () => {
    simulator.addBatchFile('batch-d', 'd.parquet', 500_000);
    simulator.inject({ kind: 'drop', afterBytes: 200_000 }, { match: { path: '/files/:id', query: { path: true } } });
    const response = await call(`${EXPORT}/files/batch-d-1?path=d.parquet`);
    expect(response.status).toBe(200);
    expect(response.headers.get('content-length')).toBe('500000');
    const { received, error } = await drain(response.body!);
    expect(received).toEqual(simulator.fileBytes('batch-d', 'd.parquet').subarray(0, 200_000));
    expect(error).toBeInstanceOf(TypeError);
    expect(error).toMatchObject({ message: 'terminated', cause: { code: 'UND_ERR_SOCKET' } });
    expect(simulator.requests.at(-1)).toMatchObject({ status: 200, faults: ['drop'] });
    expect(simulator.downloadsInFlight).toBe(0);
    // The next download is whole.
    expect((await drain((await call(`${EXPORT}/files/batch-d-1?path=d.parquet`)).body!)).received).toHaveLength(
      500_000,
    );
  });

  it('drop afterBytes on a JSON answer cuts it too, and a body shorter than afterBytes arrives whole', async () => {
    simulator.addBatchFile('batch-j', 'j.parquet', 10);
    simulator.inject({ kind: 'drop', afterBytes: 10 }, { match: { path: '/files/:id' } });
    const cut = await call(`${EXPORT}/files/batch-j-1`);
    const { received, error } = await drain(cut.body!);
    expect(received).toHaveLength(10);
    expect(Number(cut.headers.get('content-length'))).toBeGreaterThan(10);
    expect(error).toMatchObject({ message: 'terminated' });
    simulator.inject({ kind: 'drop', afterBytes: 1_000 }, { match: { path: '/files/:id' } });
    expect((await drain((await call(`${EXPORT}/files/batch-j-1?path=j.parquet`)).body!)).error).toBeUndefined();
  });

  it('a plain drop still loses the connection before any answer', async () => {
    simulator.inject({ kind: 'drop' }, { match: { service: 'data-access' } });
    await expect(call(`${EXPORT}/batches/b/files`)).rejects.toThrow('fetch failed');
  });
});

describe('over the loopback server', () => {
  let server: SimulatorServer;

  beforeEach(async () => {
    server = await startSimulatorServer(simulator);
  });
  afterEach(async () => {
    await server.close();
  });

  it('gives the Catalog and Data Access base URLs, and builds links on its own origin', async () => {
    expect(server.catalogUrl).toBe(`${server.url}/data/foundation/catalog`);
    expect(server.dataAccessUrl).toBe(`${server.url}/data/foundation/export`);
    const batchId = finishedBatch();
    const page = await json(await fetch(`${server.dataAccessUrl}/batches/${batchId}/files`, { headers: headers() }));
    expect(page.data[0]!._links.self.href).toBe(`${server.dataAccessUrl}/files/${batchId}-1`);
    const created = await fetch(`${server.catalogUrl}/dataSets`, {
      method: 'POST',
      headers: headers(),
      body: JSON.stringify({ name: 'n', schemaRef: { id: PROFILE_UNION } }),
    });
    expect(created.status).toBe(201);
  });

  it('streams a file with its Content-Length, answers Range and HEAD', async () => {
    simulator.addBatchFile('batch-s', 's.parquet', 3_000_000);
    const url = `${server.dataAccessUrl}/files/batch-s-1?path=s.parquet`;
    const whole = await fetch(url, { headers: headers() });
    expect(whole.headers.get('content-length')).toBe('3000000');
    expect(Buffer.compare(Buffer.from(await whole.arrayBuffer()), simulator.fileBytes('batch-s', 's.parquet'))).toBe(0);
    const part = await fetch(url, { headers: headers({ range: 'bytes=2999990-' }) });
    expect(part.status).toBe(206);
    expect(new Uint8Array(await part.arrayBuffer())).toEqual(
      simulator.fileBytes('batch-s', 's.parquet').subarray(2_999_990),
    );
    const head = await fetch(url, { method: 'HEAD', headers: headers() });
    expect(head.headers.get('content-length')).toBe('3000000');
    expect(simulator.downloadsInFlight).toBe(0);
  });

  it('drop afterBytes writes that many bytes, then destroys the socket: undici fails the body with UND_ERR_SOCKET', async () => {
    simulator.addBatchFile('batch-d', 'd.parquet', 2_000_000);
    simulator.inject({ kind: 'drop', afterBytes: 1_000_000 }, { match: { path: '/files/:id', query: { path: true } } });
    const response = await fetch(`${server.dataAccessUrl}/files/batch-d-1?path=d.parquet`, { headers: headers() });
    expect(response.headers.get('content-length')).toBe('2000000');
    const { received, error } = await drain(response.body!);
    expect(received).toEqual(simulator.fileBytes('batch-d', 'd.parquet').subarray(0, 1_000_000));
    expect(error).toBeInstanceOf(TypeError);
    expect(error).toMatchObject({ message: 'terminated', cause: { code: 'UND_ERR_SOCKET' } });
    await expect.poll(() => simulator.downloadsInFlight).toBe(0);
  });

  it('stops generating when the client goes away', async () => {
    simulator.addBatchFile('batch-g', 'g.parquet', 200_000_000);
    const controller = new AbortController();
    const response = await fetch(`${server.dataAccessUrl}/files/batch-g-1?path=g.parquet`, {
      headers: headers(),
      signal: controller.signal,
    });
    const reader = response.body!.getReader();
    await reader.read();
    expect(simulator.downloadsInFlight).toBe(1);
    controller.abort();
    await expect.poll(() => simulator.downloadsInFlight).toBe(0);
  });
});

describe('through msw', () => {
  const mswServer = setupServer();
  beforeEach(() => mswServer.listen({ onUnhandledFrame: 'error' }));
  afterEach(() => mswServer.close());

  it('answers Catalog and Data Access next to the API, on the default URLs derived from baseUrl', async () => {
    mswServer.use(...simulatorHandlers(simulator, { baseUrl: 'https://platform.test/data/core/ups' }));
    const created = await fetch('https://platform.test/data/foundation/catalog/dataSets', {
      method: 'POST',
      headers: headers(),
      body: JSON.stringify({ name: 'n', schemaRef: { id: PROFILE_UNION } }),
    });
    expect(created.status).toBe(201);
    simulator.addBatchFile('batch-m', 'm.parquet', 100_000);
    const page = await json(
      await fetch('https://platform.test/data/foundation/export/batches/batch-m/files', { headers: headers() }),
    );
    expect(page.data[0]!._links.self.href).toBe('https://platform.test/data/foundation/export/files/batch-m-1');
    simulator.inject({ kind: 'drop', afterBytes: 5_000 }, { match: { path: '/files/:id', query: { path: true } } });
    const cut = await fetch('https://platform.test/data/foundation/export/files/batch-m-1?path=m.parquet', {
      headers: headers(),
    });
    const { received, error } = await drain(cut.body!);
    expect(received).toHaveLength(5_000);
    expect(error).toMatchObject({ message: 'terminated' });
  });

  it('mounts them on custom URLs, or leaves them out', async () => {
    mswServer.use(
      ...simulatorHandlers(simulator, {
        baseUrl: 'https://platform.test/data/core/ups',
        catalogUrl: 'https://catalog.test/v2',
        dataAccessUrl: false,
      }),
      http.all('https://platform.test/data/foundation/export/*', () => HttpResponse.json({ mine: true })),
    );
    const created = await fetch('https://catalog.test/v2/dataSets', {
      method: 'POST',
      headers: headers(),
      body: JSON.stringify({ name: 'n', schemaRef: { id: PROFILE_UNION } }),
    });
    expect(created.status).toBe(201);
    expect(created.headers.get('location')).toMatch(/^https:\/\/catalog\.test\/v2\/dataSets\/[0-9a-f]{24}$/);
    expect(await json(await fetch('https://platform.test/data/foundation/export/batches/b/files'))).toEqual({
      mine: true,
    });
  });
});

/** Reads a body to its end or its error. */
async function drain(body: ReadableStream<Uint8Array>): Promise<{ received: Uint8Array; error: unknown }> {
  const chunks: Uint8Array[] = [];
  let error: unknown;
  try {
    for await (const chunk of body) chunks.push(chunk);
  } catch (caught) {
    error = caught;
  }
  return { received: new Uint8Array(Buffer.concat(chunks)), error };
}

/**
 * listBatchFiles against the simulated Data Access: a finished job's batches, pagination past 100
 * files by start/limit and absolute `_links.next`, directories, and links that must not be followed.
 */
import { http, HttpResponse, passthrough } from 'msw';
import { beforeEach, describe, expect, it, vi } from 'vitest';
import {
  ExportJobsClient,
  ExportJobsError,
  NotFoundError,
  RequestValidationError,
  UnsafeResponseError,
  type ExportJob,
} from '../src/index.js';
import { ExportJobsSimulator, type ExportJobsSimulatorOptions } from '../src/testing/index.js';
import { simulatorHandlers } from '../src/testing/msw.js';
import { BASE_URL, makeClient, server, TOKEN, useMsw } from './helpers/msw.js';

useMsw();

const EXPORT_URL = 'https://platform.test/data/foundation/export';
const ORG = '1BD6382559DF0C130A49422D@AdobeOrg';

let simulator: ExportJobsSimulator;
let client: ExportJobsClient;

function useSimulator(options: ExportJobsSimulatorOptions = {}): ExportJobsSimulator {
  simulator = new ExportJobsSimulator({ clock: 'manual', credentials: { accessToken: TOKEN, orgId: ORG }, ...options });
  server.use(...simulatorHandlers(simulator, { baseUrl: BASE_URL }));
  return simulator;
}

/** Creates a job through the client and lets it finish. */
async function finishedJob(
  request: Partial<Parameters<ExportJobsClient['createExportJob']>[0]> = {},
): Promise<ExportJob> {
  const job = await client.createExportJob({
    destination: { datasetId: 'ds-1' },
    schema: { name: '_xdm.context.profile' },
    ...request,
  });
  simulator.advance(10_000);
  const done = await client.getExportJob(job.id);
  expect(done.status).toBe('SUCCEEDED');
  return done;
}

function batchIdOf(job: ExportJob): string {
  if (job.destination.segmentPerBatch || !job.destination.batchId) throw new Error('expected a single batch');
  return job.destination.batchId;
}

/** The Data Access requests the simulator saw: path and query. */
function dataAccessCalls(): Array<[string, Record<string, string>]> {
  return simulator.requests
    .filter((request) => request.service === 'data-access')
    .map((request) => [request.path, { ...request.query }]);
}

beforeEach(() => {
  useSimulator();
  client = makeClient({ maxRetries: 0 });
  vi.spyOn(Math, 'random').mockReturnValue(0);
});

describe('listBatchFiles', () => {
  it('lists the files of a single-batch export, with name, length and where to download each', async () => {
    const batchId = batchIdOf(await finishedJob());
    const files = await client.listBatchFiles(batchId);
    const expected = simulator.batchFiles(batchId);
    expect(expected).toHaveLength(2);
    expect(files).toEqual(
      expected.map((file) => ({
        dataSetFileId: file.dataSetFileId,
        name: file.name,
        length: file.length,
        downloadPath: `files/${file.dataSetFileId}?path=${file.name}`,
      })),
    );
    expect(dataAccessCalls()).toEqual([
      [`/batches/${batchId}/files`, { start: '0', limit: '100' }],
      [`/files/${batchId}-1`, { start: '0', limit: '100' }],
      [`/files/${batchId}-2`, { start: '0', limit: '100' }],
    ]);
  });

  it('lists each batch of a segmentPerBatch export on its own', async () => {
    const job = await finishedJob({
      destination: { datasetId: 'ds-1', segmentPerBatch: true },
      filter: { segments: [{ segmentId: 'seg-a' }, { segmentId: 'seg-b' }, { segmentId: 'seg-c' }] },
    });
    if (!job.destination.segmentPerBatch) throw new Error('expected batches');
    expect(job.destination.batches).toHaveLength(3);
    const names = new Set<string>();
    for (const { batchId } of job.destination.batches) {
      const files = await client.listBatchFiles(batchId!);
      expect(files.map((file) => file.name)).toEqual(simulator.batchFiles(batchId!).map((file) => file.name));
      for (const file of files) names.add(file.name);
    }
    expect(names.size).toBe(6);
  });

  it('pages past 100 dataset files with start/limit, following the absolute _links.next', async () => {
    useSimulator({ exportFiles: { filesPerBatch: 230, bytesPerFile: 16 } });
    const batchId = batchIdOf(await finishedJob());
    const files = await client.listBatchFiles(batchId);
    expect(files).toHaveLength(230);
    expect(files.map((file) => file.name)).toEqual(simulator.batchFiles(batchId).map((file) => file.name));
    expect(files.every((file) => file.length === 16)).toBe(true);
    const pages = dataAccessCalls().filter(([path]) => path.startsWith('/batches/'));
    expect(pages).toEqual([
      [`/batches/${batchId}/files`, { start: '0', limit: '100' }],
      [`/batches/${batchId}/files`, { start: '100', limit: '100' }],
      [`/batches/${batchId}/files`, { start: '200', limit: '100' }],
    ]);
  });

  it('resolves a directory into its files, paging its children too', async () => {
    useSimulator({ exportFiles: { directories: true, filesPerBatch: 130, bytesPerFile: 8 } });
    const batchId = batchIdOf(await finishedJob());
    const files = await client.listBatchFiles(batchId);
    expect(files.map((file) => file.name)).toEqual(simulator.batchFiles(batchId).map((file) => file.name));
    expect(files[0]).toMatchObject({ dataSetFileId: `${batchId}-1`, length: 8 });
    const calls = dataAccessCalls();
    expect(calls.slice(0, 3)).toEqual([
      [`/batches/${batchId}/files`, { start: '0', limit: '100' }],
      [`/files/${batchId}-0`, { start: '0', limit: '100' }],
      [`/files/${batchId}-1`, { start: '0', limit: '100' }],
    ]);
    expect(calls).toContainEqual([`/files/${batchId}-0`, { start: '100', limit: '100' }]);
    expect(calls).toHaveLength(1 + 2 + 130);
  });

  it("answers NotFoundError for a batch that holds nothing yet, an unknown one, or another sandbox's", async () => {
    const job = await client.createExportJob({
      destination: { datasetId: 'ds-1' },
      schema: { name: '_xdm.context.profile' },
    });
    simulator.advance(2_000);
    const processing = await client.getExportJob(job.id);
    const batchId = batchIdOf(processing);
    await expect(client.listBatchFiles(batchId)).rejects.toBeInstanceOf(NotFoundError);
    await expect(client.listBatchFiles('0123456789abcdef0123456789abcdef')).rejects.toBeInstanceOf(NotFoundError);
    simulator.advance(8_000);
    await expect(client.listBatchFiles(batchId)).resolves.toHaveLength(2);
    await expect(client.listBatchFiles(batchId, { sandboxName: 'prod' })).rejects.toBeInstanceOf(NotFoundError);
  });

  it.each([['../x'], ['a/b'], ['a?b'], ['a#b'], ['a\\b'], ['']])(
    'refuses the batch id %j before sending anything',
    async (batchId) => {
      await expect(client.listBatchFiles(batchId)).rejects.toBeInstanceOf(RequestValidationError);
      expect(simulator.requests).toEqual([]);
    },
  );

  it('lists over the loopback server, where the links carry 127.0.0.1', async () => {
    const local = new ExportJobsSimulator({
      clock: 'manual',
      exportFiles: { filesPerBatch: 120, bytesPerFile: 4, directories: true },
    });
    const loopback = await local.listen();
    // Real sockets: msw lets them through.
    server.use(http.all(`${loopback.url}/*`, () => passthrough()));
    try {
      const direct = new ExportJobsClient({
        accessToken: 't',
        apiKey: 'k',
        orgId: ORG,
        sandboxName: 'dev',
        baseUrl: loopback.baseUrl,
        maxRetries: 0,
      });
      const job = await direct.createExportJob({
        destination: { datasetId: 'ds-1' },
        schema: { name: '_xdm.context.profile' },
      });
      local.advance(10_000);
      const batchId = batchIdOf(await direct.getExportJob(job.id));
      const files = await direct.listBatchFiles(batchId);
      expect(files.map((file) => file.name)).toEqual(local.batchFiles(batchId).map((file) => file.name));
    } finally {
      await loopback.close();
    }
  });
});

describe('links listBatchFiles will not follow', () => {
  /** Records anything that reaches another origin. */
  function trap(): string[] {
    const reached: string[] = [];
    server.use(
      http.all('https://evil.test/*', ({ request }) => {
        reached.push(request.url);
        return HttpResponse.json({ data: [] });
      }),
    );
    return reached;
  }

  function entry(id: string) {
    return { dataSetFileId: id, _links: { self: { href: `${EXPORT_URL}/files/${id}` } } };
  }

  it.each([
    ['another origin', 'https://evil.test/data/foundation/export/batches/b1/files?start=100&limit=100'],
    ['another scheme on the same host', 'http://platform.test/data/foundation/export/batches/b1/files?start=100'],
    ['a protocol-relative link', '//evil.test/data/foundation/export/batches/b1/files?start=100'],
    ['a path outside Data Access', 'https://platform.test/data/core/ups/export/jobs'],
    ['a backslash trick', 'https://platform.test\\@evil.test/data/foundation/export/batches/b1/files'],
  ])('refuses a _links.next to %s, and sends nothing there', async (_, href) => {
    const reached = trap();
    simulator.addBatchFile('b1', 'a.parquet', 10);
    server.use(
      http.get(`${EXPORT_URL}/batches/b1/files`, () =>
        HttpResponse.json({ data: [entry('b1-1')], _page: { limit: 100, count: 1 }, _links: { next: { href } } }),
      ),
    );
    const error = await client.listBatchFiles('b1').catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(UnsafeResponseError);
    expect(error).toMatchObject({ field: '_links.next.href', value: href });
    expect(reached).toEqual([]);
  });

  it('refuses a file self link to another origin, and a directory page whose next leaves', async () => {
    const reached = trap();
    simulator.addBatchFile('b1', 'a.parquet', 10);
    server.use(
      http.get(`${EXPORT_URL}/files/b1-1`, () =>
        HttpResponse.json({
          data: [
            {
              name: 'a.parquet',
              length: '10',
              _links: { self: { href: 'https://evil.test/files/b1-1?path=a.parquet' } },
            },
          ],
        }),
      ),
    );
    await expect(client.listBatchFiles('b1')).rejects.toMatchObject({
      name: 'UnsafeResponseError',
      field: 'file link',
    });

    server.use(
      http.get(`${EXPORT_URL}/files/b1-1`, () =>
        HttpResponse.json({
          data: [{ name: 'a.parquet', length: '10' }],
          _links: { next: { href: 'https://evil.test/data/foundation/export/files/b1-1?start=1' } },
        }),
      ),
    );
    await expect(client.listBatchFiles('b1')).rejects.toMatchObject({
      name: 'UnsafeResponseError',
      field: '_links.next.href',
    });
    expect(reached).toEqual([]);
  });

  it('stops at a _links.next that repeats a page, and at directories that loop', async () => {
    simulator.addBatchFile('b1', 'a.parquet', 10);
    const self = `${EXPORT_URL}/batches/b1/files?start=0&limit=100`;
    server.use(
      http.get(`${EXPORT_URL}/batches/b1/files`, () =>
        HttpResponse.json({ data: [entry('b1-1')], _links: { next: { href: self } } }),
      ),
    );
    // The server's fault, so an UnsafeResponseError, like a link to another origin.
    const error = await client.listBatchFiles('b1').catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(UnsafeResponseError);
    expect(error).toBeInstanceOf(ExportJobsError);
    expect((error as Error).message).toMatch(/repeats a page/);

    // b2-0 lists itself as its child: visited once, no endless walk.
    server.use(
      http.get(`${EXPORT_URL}/batches/b2/files`, () => HttpResponse.json({ data: [entry('b2-0')] })),
      http.get(`${EXPORT_URL}/files/b2-0`, () =>
        HttpResponse.json({ data: [entry('b2-0'), { name: 'x.parquet', length: '1' }] }),
      ),
    );
    await expect(client.listBatchFiles('b2')).resolves.toEqual([
      expect.objectContaining({ name: 'x.parquet', dataSetFileId: 'b2-0' }),
    ]);
  });

  it('follows a relative-to-origin _links.next under Data Access', async () => {
    simulator.addBatchFile('b1', 'a.parquet', 10);
    simulator.addBatchFile('b1', 'b.parquet', 10);
    server.use(
      http.get(`${EXPORT_URL}/batches/b1/files`, ({ request }) => {
        const start = new URL(request.url).searchParams.get('start');
        return start === '0'
          ? HttpResponse.json({
              data: [entry('b1-1')],
              _links: { next: { href: '/data/foundation/export/batches/b1/files?start=1&limit=1' } },
            })
          : HttpResponse.json({ data: [entry('b1-2')] });
      }),
    );
    await expect(client.listBatchFiles('b1')).resolves.toEqual([
      expect.objectContaining({ name: 'a.parquet' }),
      expect.objectContaining({ name: 'b.parquet' }),
    ]);
  });
});

import { readdirSync, readFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import { describe, expect, expectTypeOf, it } from 'vitest';
import {
  CancelExportJobResultSchema,
  DatasetFilesPageSchema,
  DestinationSchema,
  ExportJobListSchema,
  FileListingSchema,
  ExportJobSchema,
  validateCreateExportJobRequest,
  type Batch,
  type ExportJob,
  type ExportJobList,
  type ExportJobStatus,
} from '../src/index.js';
import { readErrorDetails } from '../src/models/error-bodies.js';
import { jobBody } from './helpers/msw.js';

const FIXTURES = join(import.meta.dirname, 'fixtures');

interface Expectation {
  kind: 'job' | 'list' | 'createRequest' | 'cancel' | 'destination' | 'error' | 'other';
  source: string;
  expected: unknown;
}

function* fixtureFiles(dir: string): Generator<string> {
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) yield* fixtureFiles(path);
    else if (entry.name.endsWith('.json') && !entry.name.endsWith('.expected.json')) yield path;
  }
}

const fixtures = [...fixtureFiles(FIXTURES)].sort().map((path) => ({
  name: relative(FIXTURES, path),
  input: JSON.parse(readFileSync(path, 'utf8')) as unknown,
  ...(JSON.parse(readFileSync(path.replace(/\.json$/, '.expected.json'), 'utf8')) as Expectation),
}));

const parsers: Record<Expectation['kind'], ((input: unknown) => unknown) | undefined> = {
  job: (input) => ExportJobSchema.parse(input),
  list: (input) => ExportJobListSchema.parse(input),
  createRequest: (input) => validateCreateExportJobRequest(input),
  cancel: (input) => CancelExportJobResultSchema.parse(input),
  // Adobe's destination snippets are fragments, wrapped as `{ "destination": ... }` to be valid JSON.
  destination: (input) => DestinationSchema.parse((input as { destination: unknown }).destination),
  error: (input) => {
    const { code, requestId } = readErrorDetails(input);
    return { code: code ?? null, requestId: requestId ?? null };
  },
  other: undefined,
};

describe("Adobe's published examples", () => {
  it('cover every kind of export-jobs payload', () => {
    const kinds = new Set(fixtures.map((fixture) => fixture.kind));
    for (const kind of ['job', 'list', 'createRequest', 'cancel', 'destination']) expect(kinds).toContain(kind);
    expect(fixtures.length).toBeGreaterThanOrEqual(30);
  });

  it.each(fixtures.filter((fixture) => fixture.kind !== 'other'))(
    '$name ($source) parses to its normalised value',
    ({ kind, input, expected }) => {
      expect(parsers[kind]!(input)).toEqual(expected);
    },
  );
});

describe('ExportJobSchema normalisation', () => {
  it('renames dataSetId to datasetId in both destination branches', () => {
    expect(
      ExportJobSchema.parse(jobBody({ destination: { dataSetId: 'a', segmentPerBatch: false, batchId: 'b' } }))
        .destination,
    ).toEqual({ datasetId: 'a', segmentPerBatch: false, batchId: 'b' });
    const perBatch = ExportJobSchema.parse(
      jobBody({ destination: { dataSetId: 'a', segmentPerBatch: true, batches: [] } }),
    );
    expect(perBatch.destination).toEqual({ datasetId: 'a', segmentPerBatch: true, batches: [] });
  });

  it('reads an absent segmentPerBatch as false', () => {
    expect(
      ExportJobSchema.parse(jobBody({ destination: { datasetId: 'a', batchId: 'b' } })).destination.segmentPerBatch,
    ).toBe(false);
  });

  it('turns a single batches object into an array and a batch status string into an array', () => {
    const job = ExportJobSchema.parse(
      jobBody({
        destination: {
          datasetId: 'a',
          segmentPerBatch: true,
          batches: { segmentId: 's', segmentNs: 'ups', status: 'exited', batchId: 'b' },
        },
      }),
    );
    expect(job.destination).toEqual({
      datasetId: 'a',
      segmentPerBatch: true,
      batches: [{ segmentId: 's', segmentNs: 'ups', status: ['exited'], batchId: 'b' }],
    });
  });

  it('gives a segment-per-batch job that has not run an empty batches array', () => {
    const job = ExportJobSchema.parse(jobBody({ destination: { datasetId: 'a', segmentPerBatch: true } }));
    expect(job.destination).toEqual({ datasetId: 'a', segmentPerBatch: true, batches: [] });
  });

  it('keeps an empty batchId, empty computeGatewayJobId, partial metrics and errors as given', () => {
    const job = ExportJobSchema.parse(
      jobBody({
        status: 'FAILED',
        destination: { datasetId: 'a', segmentPerBatch: false, batchId: '' },
        computeGatewayJobId: { exportJob: '' },
        metrics: { totalTime: { startTimeInMs: 1 } },
        errors: [{ code: '0090000009', msg: 'Error writing profiles to output path', callStack: 'com.adobe...' }],
      }),
    );
    expect(job.destination).toMatchObject({ batchId: '' });
    expect(job.computeGatewayJobId).toEqual({ exportJob: '' });
    expect(job.metrics).toEqual({ totalTime: { startTimeInMs: 1 } });
    expect(job.errors?.[0]?.code).toBe('0090000009');
  });

  it('keeps unknown statuses and unknown fields instead of failing', () => {
    const job = ExportJobSchema.parse(
      jobBody({
        status: 'CANCELLED',
        brandNewField: { x: 1 },
        destination: { datasetId: 'a', batchId: 'b', region: 'va7' },
      }),
    );
    expect(job.status).toBe('CANCELLED');
    expect(job).toMatchObject({ brandNewField: { x: 1 }, destination: { region: 'va7' } });
    const segment = ExportJobSchema.parse(jobBody({ filter: { segments: [{ segmentId: 's', status: ['pending'] }] } }));
    expect(segment.filter?.segments?.[0]?.status).toEqual(['pending']);
  });

  it('reads a numeric string id as a number and refuses a job without id', () => {
    expect(ExportJobSchema.parse(jobBody({ id: '123' })).id).toBe(123);
    expect(ExportJobSchema.safeParse(jobBody({ id: undefined })).success).toBe(false);
  });

  it('reads a list without page or link as the last page', () => {
    expect(ExportJobListSchema.parse({ records: [] })).toEqual({ records: [], page: {}, link: {} });
  });
});

describe('ExportJobListSchema page metadata', () => {
  const next = '/export/jobs/?limit=2&offset=1538573416687_722';

  // The spec's example 1540974701302_96 is an unquoted YAML scalar: YAML tools serve it as 154097470130296.
  it('reads a numeric pageOffset as a string', () => {
    const list = ExportJobListSchema.parse({
      records: [jobBody()],
      page: { sortField: 'createdTime', sort: 'desc', pageOffset: 154097470130296, pageSize: 10 },
      link: { next },
    });
    expect(list.page).toEqual({ sortField: 'createdTime', sort: 'desc', pageOffset: '154097470130296', pageSize: 10 });
    expect(list.records).toHaveLength(1);
    expect(list.link.next).toBe(next);
  });

  it('reads a numeric string pageSize as a number and keeps a string pageOffset as given', () => {
    expect(
      ExportJobListSchema.parse({ records: [], page: { pageOffset: '1540974701302_96', pageSize: '2' } }).page,
    ).toEqual({ pageOffset: '1540974701302_96', pageSize: 2 });
  });

  it('never fails a page of good records on its page metadata', () => {
    const records = [jobBody({ id: 1 }), jobBody({ id: 2 })];
    for (const page of [
      { pageOffset: { cursor: 'x' }, pageSize: 'ten', sort: 1, sortField: null },
      null,
      'page',
      [1, 2],
      42,
    ]) {
      const list = ExportJobListSchema.parse({ records, page, link: { next } });
      expect(list.records.map((job) => job.id)).toEqual([1, 2]);
      expect(list.link.next).toBe(next);
      expect(list.page.pageOffset).toBeUndefined();
      expect(list.page.pageSize).toBeUndefined();
    }
  });

  it('keeps unknown page fields', () => {
    expect(ExportJobListSchema.parse({ records: [], page: { pageSize: 1, totalCount: 7 } }).page).toEqual({
      pageSize: 1,
      totalCount: 7,
    });
  });

  it('still refuses a bad record', () => {
    expect(ExportJobListSchema.safeParse({ records: [{ id: 1 }], page: {} }).success).toBe(false);
  });
});

describe('Data Access page metadata', () => {
  it('reads _page counts given as numbers or numeric strings, and never fails the page on them', () => {
    const data = [{ dataSetFileId: 'f1', size: '10', extra: true }];
    expect(DatasetFilesPageSchema.parse({ data, _page: { limit: '100', count: 1 } })).toEqual({
      data: [{ dataSetFileId: 'f1', size: 10, extra: true }],
      _page: { limit: 100, count: 1 },
    });
    expect(DatasetFilesPageSchema.parse({ data, _page: { limit: 'all', count: {} } })._page).toEqual({
      limit: undefined,
      count: undefined,
    });
    expect(FileListingSchema.parse({ data: [{ name: 'part-0.parquet', length: '5' }], _page: 'oops' })).toEqual({
      data: [{ name: 'part-0.parquet', length: 5 }],
      _page: undefined,
    });
  });
});

describe('model types', () => {
  it('narrow the destination on segmentPerBatch', () => {
    const destination = DestinationSchema.parse({ datasetId: 'a', segmentPerBatch: true, batches: [] });
    if (destination.segmentPerBatch) {
      expectTypeOf(destination.batches).toEqualTypeOf<Batch[]>();
    } else {
      expectTypeOf(destination.batchId).toEqualTypeOf<string | undefined>();
    }
    expect(destination.segmentPerBatch).toBe(true);
  });

  it('keep unknown fields at run time while the types list only the documented ones', () => {
    const job = ExportJobSchema.parse(
      jobBody({ brandNewField: 1, metrics: { totalExportedProfileCounter: 3, newCounter: 4 } }),
    );
    expect((job as Record<string, unknown>).brandNewField).toBe(1);
    expect((job.metrics as Record<string, unknown>).newCounter).toBe(4);
    expectTypeOf<ExportJob>().not.toHaveProperty('brandNewField');
    expectTypeOf<keyof ExportJob>().toEqualTypeOf<
      | 'id'
      | 'status'
      | 'jobType'
      | 'destination'
      | 'fields'
      | 'schema'
      | 'imsOrgId'
      | 'filter'
      | 'additionalFields'
      | 'mergePolicy'
      | 'profileInstanceId'
      | 'errors'
      | 'metrics'
      | 'computeGatewayJobId'
      | 'creationTime'
      | 'updateTime'
      | 'requestId'
    >();
    expectTypeOf<ExportJobList['page']['pageOffset']>().toEqualTypeOf<string | undefined>();
  });

  it('type statuses as the known union while accepting any string', () => {
    expectTypeOf<'NEW'>().toExtend<ExportJobStatus>();
    expectTypeOf<'SOMETHING_NEW'>().toExtend<ExportJobStatus>();
    expectTypeOf<ExportJob['creationTime']>().toEqualTypeOf<number>();
  });
});

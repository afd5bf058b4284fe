// A consumer of the model types, type-checked (never run) by test/types.test.ts with
// test/types/tsconfig.json. Every `@ts-expect-error` line is a mistake a user could make that must
// fail to compile: if a model type widened again (for instance if `[key: string]: unknown` came back
// from a loose zod object, which makes any misspelt property read as `unknown`), the directive would
// be unused and the check would fail. The lines without it are correct uses that must keep compiling.
//
// It imports the model modules directly (not src/index.ts) so the check only depends on the models
// and zod, and stays fast.
import type { CreateExportJobRequest, NormalizedCreateExportJobRequest } from '../../src/models/create-request.js';
import type { DatasetFile, DatasetFilesPage, FileEntry, FileListing } from '../../src/models/data-access.js';
import type {
  Batch,
  Destination,
  KnownSegmentStatus,
  SegmentPerBatchDestination,
  SegmentStatus,
  SingleBatchDestination,
} from '../../src/models/destination.js';
import type {
  GatewayErrorBody,
  ImsErrorBody,
  PlatformProblem,
  SegmentationErrorBody,
} from '../../src/models/error-bodies.js';
import type {
  ExportJob,
  ExportJobStatus,
  JobError,
  KnownExportJobStatus,
  Metrics,
} from '../../src/models/export-job.js';
import type { AdditionalFields, Filter, MergePolicy, SegmentFilter } from '../../src/models/filter.js';
import type { CancelExportJobResult, ExportJobList, ListExportJobsQuery } from '../../src/models/list.js';
import { ExportJobListSchema } from '../../src/models/list.js';
import { ExportJobSchema } from '../../src/models/export-job.js';

// ---------------------------------------------------------------------------------------------
// 1. No model a user reads has an index signature. `HasIndex<T>` is `true` when `T` accepts any
//    string key; each line below fails to compile if a model gets `[key: string]: unknown` back.
// ---------------------------------------------------------------------------------------------
type HasIndex<T> = string extends keyof T ? true : false;
type Closed<T> = HasIndex<T> extends false ? true : never;
export const closed: Array<true> = [
  true satisfies Closed<ExportJob>,
  true satisfies Closed<SingleBatchDestination>,
  true satisfies Closed<SegmentPerBatchDestination>,
  true satisfies Closed<Batch>,
  true satisfies Closed<Metrics>,
  true satisfies Closed<NonNullable<Metrics['totalTime']>>,
  true satisfies Closed<JobError>,
  true satisfies Closed<Filter>,
  true satisfies Closed<SegmentFilter>,
  true satisfies Closed<AdditionalFields>,
  true satisfies Closed<MergePolicy>,
  true satisfies Closed<NonNullable<ExportJob['schema']>>,
  true satisfies Closed<NonNullable<ExportJob['computeGatewayJobId']>>,
  true satisfies Closed<ExportJobList>,
  true satisfies Closed<ExportJobList['page']>,
  true satisfies Closed<ExportJobList['link']>,
  true satisfies Closed<CancelExportJobResult>,
  true satisfies Closed<DatasetFile>,
  true satisfies Closed<DatasetFilesPage>,
  true satisfies Closed<NonNullable<DatasetFilesPage['_page']>>,
  true satisfies Closed<FileEntry>,
  true satisfies Closed<FileListing>,
  true satisfies Closed<GatewayErrorBody>,
  true satisfies Closed<SegmentationErrorBody>,
  true satisfies Closed<PlatformProblem>,
  true satisfies Closed<ImsErrorBody>,
  true satisfies Closed<CreateExportJobRequest>,
  true satisfies Closed<NormalizedCreateExportJobRequest>,
  true satisfies Closed<ListExportJobsQuery>,
];

// The schemas' outputs are the closed model types (what the client's methods return).
export function schemasGiveClosedTypes(body: unknown): [ExportJob, ExportJobList] {
  const job = ExportJobSchema.parse(body);
  const list = ExportJobListSchema.parse(body);
  // @ts-expect-error a misspelt property of a parsed job
  void job.creationTme;
  // @ts-expect-error a misspelt property of a parsed list
  void list.recrods;
  return [job, list];
}

// ---------------------------------------------------------------------------------------------
// 2. Misspelt properties on every model a user reads.
// ---------------------------------------------------------------------------------------------
export function readJob(job: ExportJob): unknown[] {
  const read: unknown[] = [job.id, job.status, job.creationTime, job.updateTime, job.destination.datasetId];
  // @ts-expect-error creationTime misspelt
  read.push(job.creationTme);
  // @ts-expect-error datasetId is spelt with a lower-case d in the model (dataSetId is renamed on reading)
  read.push(job.destination.datasetID);
  // @ts-expect-error `errors`, not `error`
  read.push(job.error);
  // @ts-expect-error schema.name misspelt
  read.push(job.schema?.nmae);
  // @ts-expect-error computeGatewayJobId.exportJob misspelt
  read.push(job.computeGatewayJobId?.exportjob);
  // @ts-expect-error filter.segments misspelt
  read.push(job.filter?.segment);
  // @ts-expect-error additionalFields.eventList misspelt
  read.push(job.additionalFields?.eventlist);
  // @ts-expect-error mergePolicy.version misspelt
  read.push(job.mergePolicy?.verison);

  // Fields Adobe adds later are kept at run time and reached through a cast.
  read.push((job as Record<string, unknown>).someNewField);
  read.push((job.destination as Record<string, unknown>).region);
  return read;
}

export function readDestination(destination: Destination): string[] {
  // @ts-expect-error `batches` is only on the segment-per-batch branch until narrowed...
  void destination.batches.length;
  // @ts-expect-error ...and a misspelt property is on no branch
  void destination.datasetID;
  if (destination.segmentPerBatch) {
    const perBatch: SegmentPerBatchDestination = destination;
    // @ts-expect-error `batches`, not `batch`
    void perBatch.batch;
    return perBatch.batches.map((batch: Batch) => {
      // @ts-expect-error segmentId misspelt
      void batch.segmentID;
      // @ts-expect-error batchId misspelt
      void batch.batchid;
      const statuses: SegmentStatus[] | undefined = batch.status;
      void statuses;
      return batch.batchId ?? '';
    });
  }
  const single: SingleBatchDestination = destination;
  // @ts-expect-error batchId misspelt
  void single.batchID;
  return single.batchId ? [single.batchId] : [];
}

export function readMetricsAndErrors(metrics: Metrics, error: JobError): unknown[] {
  const read: unknown[] = [
    metrics.totalExportedProfileCounter,
    metrics.totalTime?.totalTimeInMs,
    error.code,
    error.msg,
  ];
  // @ts-expect-error totalExportedProfileCounter misspelt
  read.push(metrics.totalExportedProfileCount);
  // @ts-expect-error totalTimeInMs misspelt
  read.push(metrics.totalTime?.totalTimeMs);
  // @ts-expect-error a job error's text is `msg`
  read.push(error.message);
  return read;
}

export function readFilter(
  filter: Filter,
  segment: SegmentFilter,
  extra: AdditionalFields,
  policy: MergePolicy,
): unknown[] {
  const read: unknown[] = [filter.segments?.[0]?.segmentId, segment.status, extra.eventList?.fields, policy.id];
  // @ts-expect-error fromIngestTimestamp misspelt
  read.push(filter.fromIngestTimeStamp);
  // @ts-expect-error segmentNs misspelt
  read.push(segment.segmentNS);
  // @ts-expect-error eventList.filter misspelt
  read.push(extra.eventList?.filters);
  // @ts-expect-error mergePolicy.id misspelt
  read.push(policy.ID);
  return read;
}

export function readList(list: ExportJobList, cancel: CancelExportJobResult): unknown[] {
  // Page metadata is normalised: pageOffset is always a string, pageSize always a number.
  const offset: string | undefined = list.page.pageOffset;
  const size: number | undefined = list.page.pageSize;
  const next: string | undefined = list.link.next;
  const read: unknown[] = [list.records.length, offset, size, next, cancel.status, cancel.message];
  // @ts-expect-error records misspelt
  read.push(list.recrods);
  // @ts-expect-error pageOffset misspelt
  read.push(list.page.pageOfset);
  // @ts-expect-error link.next misspelt
  read.push(list.link.nxt);
  // @ts-expect-error the cancel result's text is `message`
  read.push(cancel.msg);
  return read;
}

export function readDataAccess(
  page: DatasetFilesPage,
  file: DatasetFile,
  listing: FileListing,
  entry: FileEntry,
): unknown[] {
  const read: unknown[] = [
    page.data[0]?.dataSetFileId,
    file.size,
    listing.data[0]?.name,
    entry.length,
    page._page?.count,
  ];
  // @ts-expect-error `data`, not `dta`
  read.push(page.dta);
  // @ts-expect-error dataSetFileId has a capital S
  read.push(file.datasetFileId);
  // @ts-expect-error _links misspelt
  read.push(listing.links);
  // @ts-expect-error a file entry's size is `length`
  read.push(entry.size);
  // @ts-expect-error _page.count misspelt
  read.push(page._page?.total);
  return read;
}

export function readErrorBodies(
  gateway: GatewayErrorBody,
  service: SegmentationErrorBody,
  problem: PlatformProblem,
  ims: ImsErrorBody,
): unknown[] {
  const read: unknown[] = [
    gateway.error_code,
    service.requestId,
    problem.report?.additionalContext?.['request-id'],
    ims.error_description,
  ];
  // @ts-expect-error the gateway's code is `error_code`
  read.push(gateway.errorCode);
  // @ts-expect-error requestId misspelt
  read.push(service.request_id);
  // @ts-expect-error detail misspelt
  read.push(problem.detials);
  // @ts-expect-error IMS uses snake case
  read.push(ims.errorDescription);
  // A field outside the documented shape (kept at run time) through a cast.
  read.push((problem as Record<string, unknown>)['error-chain']);
  return read;
}

// ---------------------------------------------------------------------------------------------
// 3. Exact inputs: the create request and the list query. (Excess-property checks apply to object
//    literals, as everywhere in TypeScript; a variable holding extra keys is refused at run time.)
// ---------------------------------------------------------------------------------------------
export const request: CreateExportJobRequest = {
  fields: ['identities.id', 'personalEmail.address'],
  filter: { segments: [{ segmentId: 's', status: ['realized', 'exited'] }], emptyProfiles: false },
  destination: { datasetId: 'd', segmentPerBatch: true },
  schema: { name: '_xdm.context.profile' },
};
// A single status string and a readonly array are accepted (and normalised to an array).
export const readonlyStatuses: CreateExportJobRequest = {
  filter: {
    segments: [
      { segmentId: 's', status: 'realized' },
      { segmentId: 't', status: ['realized'] as const },
    ],
  },
  destination: { datasetId: 'd' },
  schema: { name: '_xdm.context.profile' },
};

export const badStatus: CreateExportJobRequest = {
  // @ts-expect-error a segment status is a string (or strings), not a number
  filter: { segments: [{ segmentId: 's', status: 42 }] },
  destination: { datasetId: 'd' },
  schema: { name: '_xdm.context.profile' },
};
export const misspeltSegmentKey: CreateExportJobRequest = {
  // @ts-expect-error segmentId misspelt
  filter: { segments: [{ segmentID: 's' }] },
  destination: { datasetId: 'd' },
  schema: { name: '_xdm.context.profile' },
};
export const misspeltDestinationKey: CreateExportJobRequest = {
  // @ts-expect-error segmentPerBatch misspelt
  destination: { datasetId: 'd', segmentsPerBatch: true },
  schema: { name: '_xdm.context.profile' },
};
export const misspeltTopLevelKey: CreateExportJobRequest = {
  destination: { datasetId: 'd' },
  schema: { name: '_xdm.context.profile' },
  // @ts-expect-error mergePolicy misspelt
  mergePolicies: { id: 'timestampOrdered-none-mp' },
};
// @ts-expect-error destination is required
export const noDestination: CreateExportJobRequest = { schema: { name: '_xdm.context.profile' } };

export const query: ListExportJobsQuery = { limit: 10, offset: '1538573416687_722', status: 'SUCCEEDED' };
// @ts-expect-error the list filter is a closed enum: a misspelt status is a compile error
export const misspeltQueryStatus: ListExportJobsQuery = { status: 'SUCEEDED' };
// @ts-expect-error the list filter has no PROCESSING value
export const processingQuery: ListExportJobsQuery = { status: 'PROCESSING' };
// @ts-expect-error status misspelt
export const misspeltQueryKey: ListExportJobsQuery = { stauts: 'NEW' };

// ---------------------------------------------------------------------------------------------
// 4. Open string unions (job status, segment status, job type).
//
// `ExportJobStatus` is `'NEW' | 'PROCESSING' | 'SUCCEEDED' | 'FAILED' | (string & {})`: the known
// values autocomplete and narrow, and any other string Adobe sends (a cancelled job's status is
// undocumented) is accepted. The price: `job.status === 'SUCEEDED'` is NOT a compile error, and
// cannot be: TypeScript only reports a comparison (TS2367) when the two types have no overlap, and
// `string & {}` overlaps every string literal. The same holds for `case 'SUCEEDED':` in a switch,
// and for assigning a misspelt literal to `ExportJobStatus`. Closing the union would catch those,
// but would also refuse the real, undocumented statuses users must be able to compare against.
//
// What IS caught, and how to get it:
// - a misspelt literal checked against `KnownExportJobStatus` (`satisfies`, or a typed variable);
// - a lookup table typed `Record<KnownExportJobStatus, ...>`: a misspelt key is an excess property
//   and a forgotten known status is a missing property, i.e. exhaustiveness over the known values;
// - not a `switch`: its `default` branch still holds `string & {}`, so neither a misspelt `case` nor
//   a forgotten known status is detected there; prefer the table for exhaustiveness.
// - the list query's `status` filter is a closed enum, so a typo there is always caught (section 3).
// ---------------------------------------------------------------------------------------------
export function statuses(job: ExportJob): string {
  // Narrowing on a known value works, and the known values autocomplete.
  if (job.status === 'FAILED') return `failed: ${job.errors?.length ?? 0} errors`;
  // Not caught (documented limitation above): a misspelt known status compiles against the open union.
  if (job.status === 'SUCEEDED') return 'never true at run time';
  // An undocumented status is a legitimate comparison and must compile.
  if (job.status === 'CANCELLED') return 'cancelled';

  // Caught: a misspelt literal checked against the known statuses.
  // @ts-expect-error 'SUCEEDED' is not a known status
  if (job.status === ('SUCEEDED' satisfies KnownExportJobStatus)) return 'unreachable';
  if (job.status === ('SUCCEEDED' satisfies KnownExportJobStatus)) return 'done';

  // Caught: a table over the known statuses is exhaustive and refuses misspelt keys.
  const labels: Record<KnownExportJobStatus, string> = {
    NEW: 'queued',
    PROCESSING: 'running',
    SUCCEEDED: 'done',
    FAILED: 'failed',
  };
  // @ts-expect-error 'SUCEEDED' is an excess key, and SUCCEEDED is missing
  const misspelt: Record<KnownExportJobStatus, string> = { NEW: 'q', PROCESSING: 'r', SUCEEDED: 'd', FAILED: 'f' };
  // @ts-expect-error FAILED is missing: the table is exhaustive over the known values
  const incomplete: Record<KnownExportJobStatus, string> = { NEW: 'q', PROCESSING: 'r', SUCCEEDED: 'd' };
  void misspelt;
  void incomplete;
  const status: ExportJobStatus = job.status;
  return status in labels ? labels[status as KnownExportJobStatus] : status;
}

export function segmentStatuses(segment: SegmentFilter): boolean {
  // @ts-expect-error 'realised' is not a known segment status
  const misspelt: KnownSegmentStatus = 'realised';
  void misspelt;
  // A segment status is open too: an unknown one compiles and is kept at run time.
  return segment.status?.includes('realized') === true || segment.status?.includes('pending') === true;
}

import { join } from 'node:path';
import type { ExportJobsClient } from './client.js';
import { RequestValidationError } from './errors/request-validation-error.js';
import type { DownloadedFile, DownloadProgress } from './download.js';
import type { CreateExportJobRequest } from './models/create-request.js';
import { validateCreateExportJobRequest } from './resources/export-jobs.js';
import type { ExportJob } from './models/export-job.js';
import { createAndWait, waitForCompletion, type WaitOptions } from './wait.js';
import { pickRequestOptions } from './options.js';

/**
 * Options of {@link exportSegments}: what to export, where the profiles go in AEP (an existing
 * dataset, or a new one), and where the files land on disk.
 *
 * @example
 * ```ts
 * const options: ExportSegmentsOptions = {
 *   segments: ['52c26d0d-45f2-47a2-ab30-ed06abc981ff'],
 *   createDataset: { name: 'Weekly audience export' },
 *   dir: './export',
 *   segmentPerBatch: true,
 * };
 * ```
 */
export interface ExportSegmentsOptions extends Omit<WaitOptions, 'resolveOnFailure'> {
  /** The segment ids to export (not used with `jobId`). */
  segments?: readonly string[];
  /** The folder the files are written to; with `segmentPerBatch`, one sub-folder per segment. */
  dir: string;
  /** An existing profile export dataset to write into. */
  datasetId?: string;
  /**
   * Resume an earlier export instead of starting one: wait for this job (if it is still running)
   * and download its batches; files already complete are skipped and `.part` files resume.
   * `segments` and the dataset options are then not used.
   */
  jobId?: number;
  /** Or create one with this name (Catalog, profile union schema). */
  createDataset?: { name: string; description?: string };
  /** One batch (and folder) per segment. Default false. */
  segmentPerBatch?: boolean;
  /** Profile fields to export (all when omitted). */
  fields?: string | string[];
  /** Which segment members to export. Default: the API's default. */
  segmentStatus?: string[];
  /** The merge policy; the default one when omitted. */
  mergePolicy?: { id: string; version?: number };
  /** Files downloaded at once. Default 4. */
  concurrency?: number;
  /** Told of the job once it is known, before the wait: just created, or read back when resuming with `jobId`. */
  onCreated?: (job: ExportJob) => void;
  /** Told of each downloaded chunk, per batch. */
  onDownloadProgress?: (progress: DownloadProgress & { batchId: string; segmentId: string | undefined }) => void;
}

/** What {@link exportSegments} did. */
export interface ExportSegmentsResult {
  datasetId: string;
  /** The finished job. */
  job: ExportJob;
  /** Every file written, with the batch (and segment) it came from. */
  files: Array<DownloadedFile & { batchId: string; segmentId: string | undefined }>;
}

/**
 * From segments to files, the whole way: reuses or creates the target dataset, creates the
 * export job, waits for it, then downloads every exported batch (with `segmentPerBatch`, one
 * folder per segment). The job id reaches `onCreated` as soon as it exists, and a failed wait
 * carries it as `error.jobId`.
 *
 * @example
 * ```ts
 * const { job, files } = await exportSegments(client, {
 *   segments: ['52c26d0d-45f2-47a2-ab30-ed06abc981ff'],
 *   datasetId: '5b7c86968f7b6501e21ba9df',
 *   dir: './export',
 * });
 * console.log(`job ${job.id}: ${files.length} files`);
 * ```
 */
export async function exportSegments(client: ExportJobsClient, options: ExportSegmentsOptions): Promise<ExportSegmentsResult> {
  const { segments = [], dir, datasetId: given, createDataset, jobId, segmentPerBatch = false, concurrency, onDownloadProgress, ...wait } = options;
  // The dataset and the downloads go to the same sandbox, with the same headers and signal, as the job.
  const requestOptions = pickRequestOptions(wait);
  let job: ExportJob;
  let datasetId: string;
  if (jobId !== undefined) {
    if (given !== undefined || createDataset !== undefined || options.segments?.length) {
      throw new RequestValidationError('export', [{ path: 'jobId', message: 'resumes an earlier export: give no segments, datasetId or createDataset with it' }]);
    }
    wait.onCreated?.(await client.getExportJob(jobId, requestOptions));
    job = await waitForCompletion(client, jobId, wait);
    datasetId = job.destination.datasetId;
  } else {
    if ((given === undefined) === (createDataset === undefined)) {
      throw new RequestValidationError('export', [{ path: given === undefined ? 'datasetId' : 'createDataset', message: 'give exactly one of datasetId and createDataset' }]);
    }
    if (segments.length === 0) throw new RequestValidationError('export', [{ path: 'segments', message: 'must name at least one segment' }]);
    const request: CreateExportJobRequest = {
      ...(options.fields === undefined ? {} : { fields: options.fields }),
      ...(options.mergePolicy === undefined ? {} : { mergePolicy: options.mergePolicy }),
      filter: { segments: segments.map((segmentId) => ({ segmentId, ...(options.segmentStatus ? { status: options.segmentStatus } : {}) })) },
      destination: { datasetId: given ?? 'pending', segmentPerBatch },
      schema: { name: '_xdm.context.profile' },
    };
    // Validate before a dataset is created for a request that could never be sent.
    validateCreateExportJobRequest(request);
    datasetId = given ?? (await client.createProfileExportDataset(createDataset!, requestOptions));
    job = await createAndWait(client, { ...request, destination: { datasetId, segmentPerBatch } }, wait);
  }

  const batches = job.destination.segmentPerBatch
    ? job.destination.batches.map((batch) => ({ batchId: batch.batchId, segmentId: batch.segmentId }))
    : [{ batchId: job.destination.batchId, segmentId: undefined }];
  const folders = new SegmentFolders();
  const files: ExportSegmentsResult['files'] = [];
  for (const { batchId, segmentId } of batches) {
    // A failed segment's batch id is "": there is nothing to download for it.
    if (!batchId) continue;
    const target = job.destination.segmentPerBatch && segmentId ? join(dir, folders.of(segmentId)) : dir;
    const written = await client.downloadBatchFiles(batchId, {
      ...requestOptions,
      dir: target,
      ...(concurrency === undefined ? {} : { concurrency }),
      ...(onDownloadProgress ? { onProgress: (progress: DownloadProgress) => onDownloadProgress({ ...progress, batchId, segmentId }) } : {}),
    });
    files.push(...written.map((file) => ({ ...file, batchId, segmentId })));
  }
  return { datasetId, job, files };
}

/**
 * One folder name per segment id: safe characters only, and distinct for distinct ids (`a/b` and
 * `a_b` would otherwise share one).
 */
class SegmentFolders {
  readonly #bySegment = new Map<string, string>();
  readonly #taken = new Set<string>();

  of(segmentId: string): string {
    const known = this.#bySegment.get(segmentId);
    if (known) return known;
    const base = segmentFolder(segmentId);
    let name = base;
    for (let index = 2; this.#taken.has(name); index++) name = `${base}_${index}`;
    this.#bySegment.set(segmentId, name);
    this.#taken.add(name);
    return name;
  }
}

/** A segment id as one safe folder name. */
function segmentFolder(segmentId: string): string {
  const name = segmentId.replace(/[^A-Za-z0-9._-]/g, '_');
  return name === '' || name === '.' || name === '..' ? `segment_${encodeURIComponent(segmentId)}` : name;
}

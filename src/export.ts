import { join } from 'node:path';
import type { ExportJobsClient } from './client.js';
import { RequestValidationError } from './errors/request-validation-error.js';
import type { DownloadedFile, DownloadProgress } from './download.js';
import type { CreateExportJobRequest } from './models/create-request.js';
import { validateCreateExportJobRequest } from './resources/export-jobs.js';
import type { ExportJob } from './models/export-job.js';
import { createAndWait, waitForCompletion, type WaitOptions } from './wait.js';
import { checkFunction, pickRequestOptions, type RequestOptions } from './options.js';
import { pickCreateOptions, type CreateOptions } from './reconcile.js';

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
export interface ExportSegmentsOptions
  extends Omit<WaitOptions, 'resolveOnFailure'>, Pick<CreateOptions, 'reconcile' | 'onReconcile'> {
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
  /** Told of the dataset's id as soon as `createDataset` has made it, before the job is created. */
  onDatasetCreated?: (datasetId: string) => void;
  /** Told of each downloaded chunk, per batch. */
  onDownloadProgress?: (progress: DownloadProgress & { batchId: string; segmentId: string | undefined }) => void;
  /**
   * Told of each file once it is complete on disk (downloaded, or already there and skipped),
   * with the batch (and segment) it came from, exactly as `files` in the result will hold it. Files
   * are told in the order of `files`: batches in the job's order, each batch's files in its
   * listing's order, each as soon as it and every file before it are on disk (with `concurrency`
   * above 1, a file that finishes early waits for those listed before it). Use it to start on the
   * files (read, upload, convert) while later ones download. A callback that throws stops the export with its error.
   *
   * @example
   * ```ts
   * await exportSegments(client, {
   *   segments: ['seg-1', 'seg-2'],
   *   datasetId: '5b7c86968f7b6501e21ba9df',
   *   dir: './export',
   *   segmentPerBatch: true,
   *   onFileDownloaded: ({ path, bytes, segmentId }) => console.log(`${segmentId}: ${path} (${bytes} bytes)`),
   * });
   * ```
   */
  onFileDownloaded?: (file: DownloadedFile & { batchId: string; segmentId: string | undefined }) => void;
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
 * The ids an error thrown by {@link exportSegments} carries once they exist, so a rerun can reuse
 * what the failed run made (`datasetId` instead of `createDataset`, `jobId` to resume) rather than
 * create it again. Set on the thrown error itself (an `ExportJobsError`, or Node's own error for a
 * file-system failure); an abort rejects with the signal's reason unchanged, so use `onCreated`
 * and `onDatasetCreated` to keep the ids then.
 *
 * @example
 * ```ts
 * try {
 *   await exportSegments(client, { segments, createDataset: { name: 'Weekly export' }, dir: './export' });
 * } catch (error) {
 *   const { datasetId, jobId } = error as ExportSegmentsErrorIds;
 *   if (datasetId) console.error(`rerun with datasetId: '${datasetId}'${jobId ? ` or jobId: ${jobId}` : ''}`);
 *   throw error;
 * }
 * ```
 */
export interface ExportSegmentsErrorIds {
  /** The dataset the export writes to: given, or created by this call. */
  datasetId?: string;
  /** The export job, once it exists. */
  jobId?: number | string;
}

/**
 * From segments to files, the whole way: reuses or creates the target dataset, creates the
 * export job, waits for it, then downloads every exported batch (with `segmentPerBatch`, one
 * folder per segment). Both creates happen exactly once (see `reconcile` on
 * {@link ExportJobsClient.createExportJob}). The job id reaches `onCreated` and the created
 * dataset's id `onDatasetCreated` as soon as they exist, and an error thrown after that carries
 * them as `error.datasetId` and `error.jobId` ({@link ExportSegmentsErrorIds}); a created dataset
 * is also named in the message, so that a rerun reuses it.
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
export async function exportSegments(
  client: ExportJobsClient,
  options: ExportSegmentsOptions,
): Promise<ExportSegmentsResult> {
  const {
    segments = [],
    dir,
    datasetId: given,
    createDataset,
    jobId,
    segmentPerBatch = false,
    concurrency,
    onDownloadProgress,
    onFileDownloaded,
    onDatasetCreated,
    reconcile,
    onReconcile,
    ...wait
  } = options;
  // Refused before a dataset or a job is made, not when the first file arrives or the job is polled.
  const callbacks = { onDownloadProgress, onFileDownloaded, onDatasetCreated, onReconcile } as const;
  for (const [name, callback] of Object.entries(callbacks)) checkFunction(name, callback);
  for (const name of ['onCreated', 'onPoll', 'onStatusChange', 'onCancel'] as const) checkFunction(name, wait[name]);
  // The dataset and the downloads go to the same sandbox, with the same headers and signal, as the job.
  const requestOptions = pickRequestOptions(wait);
  const createOptions = pickCreateOptions({ reconcile, onReconcile });
  const known: { datasetId?: string; created?: string; jobId?: number } = {};
  const onCreated = (job: ExportJob) => {
    known.jobId = job.id;
    wait.onCreated?.(job);
  };
  try {
    let job: ExportJob;
    let datasetId: string;
    if (jobId !== undefined) {
      if (given !== undefined || createDataset !== undefined || options.segments?.length) {
        throw new RequestValidationError('export', [
          { path: 'jobId', message: 'resumes an earlier export: give no segments, datasetId or createDataset with it' },
        ]);
      }
      known.jobId = jobId;
      onCreated(await client.getExportJob(jobId, requestOptions));
      job = await waitForCompletion(client, jobId, wait);
      datasetId = known.datasetId = job.destination.datasetId;
    } else {
      if ((given === undefined) === (createDataset === undefined)) {
        throw new RequestValidationError('export', [
          {
            path: given === undefined ? 'datasetId' : 'createDataset',
            message: 'give exactly one of datasetId and createDataset',
          },
        ]);
      }
      if (segments.length === 0)
        throw new RequestValidationError('export', [{ path: 'segments', message: 'must name at least one segment' }]);
      const request: CreateExportJobRequest = {
        ...(options.fields === undefined ? {} : { fields: options.fields }),
        ...(options.mergePolicy === undefined ? {} : { mergePolicy: options.mergePolicy }),
        filter: {
          segments: segments.map((segmentId) => ({
            segmentId,
            ...(options.segmentStatus ? { status: options.segmentStatus } : {}),
          })),
        },
        destination: { datasetId: given ?? 'pending', segmentPerBatch },
        schema: { name: '_xdm.context.profile' },
      };
      // Validate before a dataset is created for a request that could never be sent.
      validateCreateExportJobRequest(request);
      if (given !== undefined) datasetId = known.datasetId = given;
      else {
        datasetId =
          known.datasetId =
          known.created =
            await client.createProfileExportDataset(createDataset!, { ...requestOptions, ...createOptions });
        onDatasetCreated?.(datasetId);
      }
      job = await createAndWait(
        client,
        { ...request, destination: { datasetId, segmentPerBatch } },
        { ...wait, ...createOptions, onCreated },
      );
    }

    const files = await downloadAll(client, job, {
      dir,
      concurrency,
      onDownloadProgress,
      onFileDownloaded,
      requestOptions,
    });
    return { datasetId, job, files };
  } catch (error) {
    throw withIds(error, known);
  }
}

/** Every exported batch of a finished job, downloaded into `dir` (one folder per segment with `segmentPerBatch`). */
async function downloadAll(
  client: ExportJobsClient,
  job: ExportJob,
  options: Pick<ExportSegmentsOptions, 'dir' | 'concurrency' | 'onDownloadProgress' | 'onFileDownloaded'> & {
    requestOptions: RequestOptions;
  },
): Promise<ExportSegmentsResult['files']> {
  const { dir, concurrency, onDownloadProgress, onFileDownloaded, requestOptions } = options;
  const batches = job.destination.segmentPerBatch
    ? job.destination.batches.map((batch) => ({ batchId: batch.batchId, segmentId: batch.segmentId }))
    : [{ batchId: job.destination.batchId, segmentId: undefined }];
  const folders = new SegmentFolders();
  const files: ExportSegmentsResult['files'] = [];
  for (const { batchId, segmentId } of batches) {
    // A failed segment's batch id is "": there is nothing to download for it.
    if (!batchId) continue;
    const target = job.destination.segmentPerBatch && segmentId ? join(dir, folders.of(segmentId)) : dir;
    // Files complete in any order: each is told once every file listed before it is done too.
    const done = new Map<number, DownloadedFile>();
    let next = 0;
    const written = await client.downloadBatchFiles(batchId, {
      ...requestOptions,
      dir: target,
      ...(concurrency === undefined ? {} : { concurrency }),
      ...(onDownloadProgress
        ? { onProgress: (progress: DownloadProgress) => onDownloadProgress({ ...progress, batchId, segmentId }) }
        : {}),
      ...(onFileDownloaded
        ? {
            onFileDone: (file: DownloadedFile, index: number) => {
              done.set(index, file);
              for (let ready = done.get(next); ready; ready = done.get(next)) {
                done.delete(next++);
                onFileDownloaded({ ...ready, batchId, segmentId });
              }
            },
          }
        : {}),
    });
    files.push(...written.map((file) => ({ ...file, batchId, segmentId })));
  }
  return files;
}

/**
 * The error, carrying the ids of what the call made or used ({@link ExportSegmentsErrorIds}), so
 * that a rerun does not make them again. An error's own `jobId` is kept. A value that is not an
 * `Error` (an abort reason) is the caller's own, and passes unchanged.
 */
function withIds(error: unknown, known: { datasetId?: string; created?: string; jobId?: number }): unknown {
  if (!(error instanceof Error) || Object.isFrozen(error)) return error;
  const target = error as Error & ExportJobsErrorIdsWritable;
  if (known.datasetId !== undefined && target.datasetId === undefined) target.datasetId = known.datasetId;
  if (known.jobId !== undefined && target.jobId === undefined) target.jobId = known.jobId;
  if (known.created !== undefined && !error.message.includes(known.created)) {
    // Said in the message too: a dataset is what a rerun would otherwise make a second time.
    const id = known.created;
    error.message += ` (this export created dataset ${id}: rerun with datasetId '${id}' to reuse it)`;
  }
  return error;
}

interface ExportJobsErrorIdsWritable {
  datasetId?: string;
  jobId?: number | string;
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

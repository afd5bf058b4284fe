/**
 * From segments to files in one call: `exportSegments` reuses (or creates) the target dataset,
 * creates the export job, waits for it, then downloads every exported file into a folder.
 *
 *   AEP_SEGMENT_IDS=52c26d0d-45f2-47a2-ab30-ed06abc981ff AEP_DATASET_ID=5c8c3c555033b814b69f947f \
 *     npm run example -- examples/segments-to-files.ts [folder]
 *
 * Without AEP_DATASET_ID a profile export dataset is created; without a folder the files go to a
 * new temporary folder. AEP_SEGMENT_PER_BATCH=1 writes one sub-folder per segment.
 */
import { mkdtemp } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { exportSegments, type ExportJobsClient, type ExportSegmentsResult, type WaitOptions } from '../src/index.js';
import { checkUsage, clientFromEnv, requireEnv } from './env-client.js';

export interface SegmentsToFilesInput extends Pick<WaitOptions, 'minDelay' | 'maxDelay' | 'maxWait' | 'signal'> {
  segmentIds: readonly string[];
  /** An existing profile export dataset; without it, one is created. */
  datasetId?: string;
  /** The name of the dataset created when `datasetId` is not given. */
  datasetName?: string;
  /** Where the files go. Default: a new folder under the system's temporary directory. */
  dir?: string;
  /** One batch, and one sub-folder, per segment. */
  segmentPerBatch?: boolean;
  log?: (line: string) => void;
}

/** Exports the segments into files; resolves with what `exportSegments` did and the folder used. */
export async function exportSegmentsToFiles(
  client: ExportJobsClient,
  input: SegmentsToFilesInput,
): Promise<ExportSegmentsResult & { dir: string }> {
  // `dir` is taken out of `wait`, which is spread below: an unset `dir` must not override the folder chosen here.
  const {
    segmentIds,
    datasetId,
    datasetName,
    dir: folder,
    segmentPerBatch = false,
    log = console.log,
    ...wait
  } = input;
  const dir = folder ?? (await mkdtemp(join(tmpdir(), 'aep-export-')));
  let filesDone = -1;
  const result = await exportSegments(client, {
    segments: segmentIds,
    dir,
    ...(datasetId === undefined
      ? { createDataset: { name: datasetName ?? `Segment export ${new Date().toISOString()}` } }
      : { datasetId }),
    segmentPerBatch,
    maxWait: 60 * 60_000,
    ...wait,
    onCreated: (job) => log(`export job ${job.id} created, writing to dataset ${job.destination.datasetId}`),
    onStatusChange: (_previous, job) => log(`export job ${job.id}: ${job.status}`),
    onDownloadProgress: (progress) => {
      // One line per finished file rather than one per chunk.
      if (progress.filesDone === filesDone) return;
      filesDone = progress.filesDone;
      log(`batch ${progress.batchId}: ${progress.filesDone}/${progress.filesTotal} files, ${progress.bytes} bytes`);
    },
  });
  for (const file of result.files) log(`${file.path} (${file.bytes} bytes${file.skipped ? ', already there' : ''})`);
  log(`export job ${result.job.id}: ${result.files.length} files in ${dir}`);
  return { ...result, dir };
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  const [dir] = process.argv.slice(2);
  checkUsage({
    command:
      'AEP_SEGMENT_IDS=<id>,<id>... [AEP_DATASET_ID=<dataset id>] [AEP_SEGMENT_PER_BATCH=1] ' +
      'npm run example -- examples/segments-to-files.ts [folder]',
    env: ['AEP_SEGMENT_IDS'],
  });
  await exportSegmentsToFiles(clientFromEnv(), {
    segmentIds: requireEnv('AEP_SEGMENT_IDS')
      .split(',')
      .map((id) => id.trim())
      .filter(Boolean),
    datasetId: process.env.AEP_DATASET_ID?.trim() || undefined,
    ...(dir === undefined ? {} : { dir }),
    segmentPerBatch: process.env.AEP_SEGMENT_PER_BATCH === '1',
  });
}

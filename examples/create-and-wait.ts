/**
 * Creates an export job for some segments and waits for it to finish.
 *
 *   AEP_DATASET_ID=5c8c3c555033b814b69f947f AEP_SEGMENT_IDS=52c26d0d-45f2-47a2-ab30-ed06abc981ff \
 *     npm run example -- examples/create-and-wait.ts
 *
 * AEP_DATASET_ID is required; without AEP_SEGMENT_IDS every profile is exported.
 */
import { fileURLToPath } from 'node:url';
import { createAndWait, type ExportJob, type ExportJobsClient, type WaitOptions } from '../src/index.js';
import { checkUsage, clientFromEnv, requireEnv } from './env-client.js';

export interface CreateAndWaitInput extends Pick<WaitOptions, 'minDelay' | 'maxDelay' | 'maxWait' | 'signal'> {
  /** The target dataset, of the Profile union schema. */
  datasetId: string;
  /** The segments whose realized members to export; none: every profile. */
  segmentIds?: readonly string[];
  /** The profile fields to export; none: every field. */
  fields?: readonly string[];
  log?: (line: string) => void;
}

/** Exports the realized members of the segments to the dataset; resolves with the SUCCEEDED job. */
export async function createAndWaitForExport(client: ExportJobsClient, input: CreateAndWaitInput): Promise<ExportJob> {
  const { datasetId, segmentIds = [], fields = [], log = console.log, ...wait } = input;
  const job = await createAndWait(
    client,
    {
      ...(fields.length > 0 ? { fields: [...fields] } : {}),
      ...(segmentIds.length > 0
        ? { filter: { segments: segmentIds.map((segmentId) => ({ segmentId, status: ['realized'] })) } }
        : {}),
      destination: { datasetId },
      schema: { name: '_xdm.context.profile' },
    },
    {
      maxWait: 60 * 60_000,
      ...wait,
      onCreated: (created) => log(`created export job ${created.id}`),
      onStatusChange: (previous, current) =>
        log(`export job ${current.id}: ${previous?.status ?? 'start'} -> ${current.status}`),
    },
  );
  const batches = job.destination.segmentPerBatch
    ? job.destination.batches.map((batch) => batch.batchId)
    : [job.destination.batchId];
  const profiles = job.metrics?.totalExportedProfileCounter ?? '?';
  const dataset = job.destination.datasetId;
  log(`export job ${job.id} wrote ${profiles} profiles to dataset ${dataset}, batch ${batches.join(', ')}`);
  return job;
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  checkUsage({
    command:
      'AEP_DATASET_ID=<dataset id> [AEP_SEGMENT_IDS=<id>,<id>...] npm run example -- examples/create-and-wait.ts',
    env: ['AEP_DATASET_ID'],
  });
  await createAndWaitForExport(clientFromEnv(), {
    datasetId: requireEnv('AEP_DATASET_ID'),
    segmentIds: process.env.AEP_SEGMENT_IDS?.split(',')
      .map((id) => id.trim())
      .filter(Boolean),
  });
}

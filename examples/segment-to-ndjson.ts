/**
 * From a segment to an NDJSON file of its profiles: `exportSegments` exports the segment and
 * downloads its Parquet files, then `readExportedProfiles` reads them back one row group at a
 * time and `toNdjsonLines` streams them to the file, one profile a line, in bounded memory.
 *
 *   AEP_SEGMENT_ID=52c26d0d-45f2-47a2-ab30-ed06abc981ff AEP_DATASET_ID=5c8c3c555033b814b69f947f \
 *     npm run example -- examples/segment-to-ndjson.ts profiles.ndjson [field,field...]
 *
 * Without AEP_DATASET_ID a profile export dataset is created. The Parquet files go to a temporary
 * folder, removed at the end.
 */
import { createWriteStream } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { fileURLToPath } from 'node:url';
import {
  exportSegments,
  readExportedProfiles,
  toNdjsonLines,
  type ExportJobsClient,
  type WaitOptions,
} from '../src/index.js';
import { checkUsage, clientFromEnv, requireEnv } from './env-client.js';

export interface SegmentToNdjsonInput extends Pick<WaitOptions, 'minDelay' | 'maxDelay' | 'maxWait' | 'signal'> {
  segmentId: string;
  /** An existing profile export dataset; without it, one is created. */
  datasetId?: string;
  /** The NDJSON file written. */
  out: string;
  /** The profile fields to export and write, as dot paths; default the export's. */
  fields?: readonly string[];
}

/** Exports one segment and writes its profiles to `out` as NDJSON; resolves with the job id and the profile count. */
export async function exportSegmentToNdjson(
  client: ExportJobsClient,
  input: SegmentToNdjsonInput,
): Promise<{ jobId: number | string; profiles: number }> {
  const { segmentId, datasetId, out, fields, ...wait } = input;
  const dir = await mkdtemp(join(tmpdir(), 'aep-ndjson-'));
  try {
    const { job } = await exportSegments(client, {
      segments: [segmentId],
      dir,
      ...(datasetId === undefined ? { createDataset: { name: `Segment ${segmentId} to NDJSON` } } : { datasetId }),
      ...(fields ? { fields: [...fields] } : {}),
      maxWait: 60 * 60_000,
      ...wait,
    });
    let profiles = 0;
    const rows = readExportedProfiles(dir, { ...(fields ? { fields } : {}), signal: wait.signal });
    const counted = async function* () {
      for await (const row of rows) {
        profiles += 1;
        yield row;
      }
    };
    await pipeline(Readable.from(toNdjsonLines(counted())), createWriteStream(out));
    return { jobId: job.id, profiles };
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  const [out, fields] = process.argv.slice(2);
  checkUsage({
    command:
      'AEP_SEGMENT_ID=<id> [AEP_DATASET_ID=<id>] npm run example -- examples/segment-to-ndjson.ts <file> [fields]',
    env: ['AEP_SEGMENT_ID'],
    problems: [out === undefined && 'the NDJSON file to write is missing'],
  });
  const { jobId, profiles } = await exportSegmentToNdjson(clientFromEnv(), {
    segmentId: requireEnv('AEP_SEGMENT_ID'),
    datasetId: process.env.AEP_DATASET_ID?.trim() || undefined,
    out: out!,
    ...(fields ? { fields: fields.split(',') } : {}),
  });
  console.log(`export job ${jobId}: ${profiles} profiles written to ${out}`);
}

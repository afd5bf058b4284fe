// A TypeScript consumer of the packed package, type-checked (never run) by test/package.test.ts
// under tsconfig.nodenext.json and tsconfig.bundler.json. The `@ts-expect-error` lines make sure
// the public types stay precise: if they widened to `any`, those lines would fail the check.
import {
  ApiError,
  ConfigurationError,
  ExportJobsClient,
  NotFoundError,
  RateLimitError,
  VERSION,
  type Batch,
  type CreateExportJobRequest,
  type ExportJob,
  type ExportJobsClientOptions,
} from 'aep-export-jobs';

const options: ExportJobsClientOptions = {
  accessToken: async () => 'token',
  apiKey: 'api-key',
  orgId: '1BD6382559DF0C130A49422D@AdobeOrg',
  sandboxName: 'dev',
  timeout: 30_000,
  maxRetries: 3,
};
export const client = new ExportJobsClient(options);

// @ts-expect-error sandboxName is required
export const noSandbox = new ExportJobsClient({ accessToken: 'token', apiKey: 'api-key', orgId: 'org' });

export const request: CreateExportJobRequest = {
  fields: ['identities.id', 'personalEmail.address'],
  filter: { segments: [{ segmentId: '52c26d0d-45f2-47a2-ab30-ed06abc981ff', status: ['realized'] }] },
  destination: { datasetId: '5b7c86968f7b6501e21ba9df', segmentPerBatch: true },
  schema: { name: '_xdm.context.profile' },
};

export const badRequest: CreateExportJobRequest = {
  destination: { datasetId: '5b7c86968f7b6501e21ba9df' },
  schema: { name: '_xdm.context.profile' },
  // @ts-expect-error unknown keys are not part of the request type
  segmentPerBatch: true,
};

/** The batch ids a job wrote, whichever kind of destination it has. */
export function batchIds(job: ExportJob): string[] {
  // @ts-expect-error `batches` may be absent until the destination is narrowed
  job.destination.batches.map((batch: Batch) => batch.batchId);

  if (job.destination.segmentPerBatch) {
    const batches: Batch[] = job.destination.batches;
    return batches.flatMap((batch) => (batch.batchId === undefined ? [] : [batch.batchId]));
  }
  const batchId: string | undefined = job.destination.batchId;
  return batchId === undefined || batchId === '' ? [] : [batchId];
}

export async function exportSegment(): Promise<string[]> {
  try {
    const job = await client.createExportJob(request, { timeout: 10_000, sandboxName: 'prod' });
    const id: number = job.id;
    const status: string = job.status;
    const created: number = job.creationTime;
    console.log(VERSION, id, status, new Date(created).toISOString());
    return batchIds(job);
  } catch (error) {
    if (error instanceof NotFoundError) return [];
    if (error instanceof RateLimitError) {
      const wait: number | undefined = error.retryAfter;
      console.log('retry after', wait);
    }
    if (error instanceof ApiError) {
      const status: number = error.status;
      const code: string | undefined = error.code;
      const requestId: string | undefined = error.requestId;
      console.error(status, code, requestId, error.body);
    }
    if (error instanceof ConfigurationError) console.error(error.option);
    throw error;
  }
}

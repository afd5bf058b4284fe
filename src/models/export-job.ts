import { z } from 'zod';
import { openEnum } from './common.js';
import { DestinationSchema } from './destination.js';
import { AdditionalFieldsSchema, FilterSchema, MergePolicySchema } from './filter.js';

/** The documented job statuses. A cancelled job's status is undocumented: unknown strings are kept. */
export const ExportJobStatusSchema = openEnum(['NEW', 'PROCESSING', 'SUCCEEDED', 'FAILED']);
/** `NEW`, `PROCESSING`, `SUCCEEDED`, `FAILED`, or a status Adobe adds later. */
export type ExportJobStatus = z.infer<typeof ExportJobStatusSchema>;

/** An error a job met while running (present on `FAILED` jobs, and sometimes on others). */
export const JobErrorSchema = z.looseObject({
  code: z.string().optional(),
  msg: z.string().optional(),
  callStack: z.string().optional(),
});
/** One entry of a job's `errors`. */
export type JobError = z.infer<typeof JobErrorSchema>;

const TimingSchema = z.looseObject({
  startTimeInMs: z.number().optional(),
  endTimeInMs: z.number().optional(),
  totalTimeInMs: z.number().optional(),
});

/** How long the job took and how many profiles it exported; any part may be missing. */
export const MetricsSchema = z.looseObject({
  totalTime: TimingSchema.optional(),
  profileExportTime: TimingSchema.optional(),
  aCPDatasetWriteTime: TimingSchema.optional(),
  totalExportedProfileCounter: z.number().optional(),
  exportedProfileByNamespaceCounter: z.record(z.string(), z.number()).optional(),
});
/** A job's metrics. */
export type Metrics = z.infer<typeof MetricsSchema>;

/** A job id: a number in JSON; a string of digits is read as a number. Either must be a safe integer, so it can be sent back unchanged. */
const SafeId = z.number().int().nonnegative().refine(Number.isSafeInteger, 'must be a safe integer');
const JobIdSchema = z.union([SafeId, z.string().regex(/^\d+$/).transform(Number).pipe(SafeId)]);

/**
 * An export job, as create, get and list return it. Read leniently: unknown fields are kept and
 * unknown status strings pass through, so a response never fails because Adobe added something.
 * `creationTime` and `updateTime` are epoch milliseconds.
 *
 * @example
 * ```ts
 * const job = await client.getExportJob(42);
 * if (job.status === 'FAILED') console.error(job.errors);
 * console.log(new Date(job.creationTime).toISOString());
 * ```
 */
export const ExportJobSchema = z.looseObject({
  id: JobIdSchema,
  status: ExportJobStatusSchema,
  jobType: openEnum(['BATCH', 'STREAMING']).optional(),
  destination: DestinationSchema,
  fields: z.string().optional(),
  schema: z.looseObject({ name: z.string() }).optional(),
  imsOrgId: z.string().optional(),
  filter: FilterSchema.optional(),
  additionalFields: AdditionalFieldsSchema.optional(),
  mergePolicy: MergePolicySchema.optional(),
  profileInstanceId: z.string().optional(),
  errors: z.array(JobErrorSchema).optional(),
  metrics: MetricsSchema.optional(),
  /** May be `{}`, or carry `exportJob: ""`. */
  computeGatewayJobId: z.looseObject({ exportJob: z.string().optional(), pushJob: z.string().optional() }).optional(),
  /** Epoch milliseconds (the spec's prose says seconds; its examples and the service use ms). */
  creationTime: z.number(),
  /** Epoch milliseconds. */
  updateTime: z.number().optional(),
  requestId: z.string().optional(),
});
/** An export job. */
export type ExportJob = z.infer<typeof ExportJobSchema>;

import { z } from 'zod';
import { lenientObject, openEnum } from './common.js';
import { DestinationSchema } from './destination.js';
import { AdditionalFieldsSchema, FilterSchema, MergePolicySchema } from './filter.js';

const EXPORT_JOB_STATUSES = ['NEW', 'PROCESSING', 'SUCCEEDED', 'FAILED'] as const;
const ExportJobStatusUnion = openEnum(EXPORT_JOB_STATUSES);

/**
 * The documented job statuses: `NEW`, `PROCESSING`, `SUCCEEDED`, `FAILED`. Use it where a typo
 * should fail to compile, e.g. `Record<KnownExportJobStatus, string>` or
 * `job.status === ('SUCCEEDED' satisfies KnownExportJobStatus)`.
 *
 * @useDeclaredType
 */
export type KnownExportJobStatus = (typeof EXPORT_JOB_STATUSES)[number];
/**
 * `NEW`, `PROCESSING`, `SUCCEEDED`, `FAILED`, or a status Adobe adds later (a cancelled job's
 * status is undocumented). The known values autocomplete and narrow; any other string is accepted,
 * so `job.status === 'SUCEEDED'` is not a compile error: see {@link KnownExportJobStatus}.
 */
export type ExportJobStatus = KnownExportJobStatus | (string & {});
/** The documented job statuses; unknown strings are kept. */
export const ExportJobStatusSchema: z.ZodType<ExportJobStatus, ExportJobStatus> = ExportJobStatusUnion;

const JobErrorObject = lenientObject({
  /** Such as `0090000009`, or `unknown`. */
  code: z.string().optional(),
  /** What went wrong. */
  msg: z.string().optional(),
  /** The service's stack trace. */
  callStack: z.string().optional(),
});
/**
 * An error a job met while running (present on `FAILED` jobs, and sometimes on others).
 *
 * Fields Adobe adds later are kept on the parsed object but are not part of this type: read one
 * with `(error as Record<string, unknown>).newField`.
 */
export interface JobError extends z.output<typeof JobErrorObject> {}
/** One entry of a job's `errors`; unknown fields are kept. */
export const JobErrorSchema: z.ZodType<JobError> = JobErrorObject;

/** A phase's timing, epoch milliseconds; any part may be missing. */
const TimingSchema = lenientObject({
  startTimeInMs: z.number().optional(),
  endTimeInMs: z.number().optional(),
  totalTimeInMs: z.number().optional(),
});

const MetricsObject = lenientObject({
  /** The whole job: start, end and duration in ms. */
  totalTime: TimingSchema.optional(),
  /** Reading the profiles. */
  profileExportTime: TimingSchema.optional(),
  /** Writing the dataset. */
  aCPDatasetWriteTime: TimingSchema.optional(),
  /** How many profiles were exported. */
  totalExportedProfileCounter: z.number().optional(),
  /** Exported profiles per identity namespace. */
  exportedProfileByNamespaceCounter: z.record(z.string(), z.number()).optional(),
});
/**
 * How long the job took and how many profiles it exported; any part may be missing.
 *
 * Fields Adobe adds later are kept on the parsed object but are not part of this type: read one
 * with `(metrics as Record<string, unknown>).newField`.
 */
export interface Metrics extends z.output<typeof MetricsObject> {}
/** A job's metrics; unknown fields are kept. */
export const MetricsSchema: z.ZodType<Metrics> = MetricsObject;

/**
 * A job id: a number in JSON; a string of digits is read as a number. Either must be a safe
 * integer, so it can be sent back unchanged.
 */
const SafeId = z.number().int().nonnegative().refine(Number.isSafeInteger, 'must be a safe integer');
const JobIdSchema = z.union([SafeId, z.string().regex(/^\d+$/).transform(Number).pipe(SafeId)]);

const ExportJobObject = lenientObject({
  /** The job id: a number in JSON (a string of digits is read as a number). */
  id: JobIdSchema,
  /** `NEW`, `PROCESSING`, `SUCCEEDED`, `FAILED`, or an undocumented status (kept as sent). */
  status: ExportJobStatusSchema,
  /** `BATCH` or `STREAMING` (or a type Adobe adds later). */
  jobType: openEnum(['BATCH', 'STREAMING']).optional(),
  /** Where the profiles were written; narrow on `segmentPerBatch`. */
  destination: DestinationSchema,
  /** The exported profile fields, comma-separated dot paths; absent: all fields. */
  fields: z.string().optional(),
  /** The schema exported, `_xdm.context.profile`. */
  schema: lenientObject({ name: z.string() }).optional(),
  /** The organisation that owns the job (`...@AdobeOrg`). */
  imsOrgId: z.string().optional(),
  /** Which profiles were exported. */
  filter: FilterSchema.optional(),
  /** Experience events exported with each profile. */
  additionalFields: AdditionalFieldsSchema.optional(),
  /** The merge policy used. */
  mergePolicy: MergePolicySchema.optional(),
  /** The profile instance (`ups`). */
  profileInstanceId: z.string().optional(),
  /** What went wrong, on `FAILED` jobs (sometimes present on others too). */
  errors: z.array(JobErrorSchema).optional(),
  /** Timings and counts, once the job has run. */
  metrics: MetricsSchema.optional(),
  /** May be `{}`, or carry `exportJob: ""`. */
  computeGatewayJobId: lenientObject({ exportJob: z.string().optional(), pushJob: z.string().optional() }).optional(),
  /** Epoch milliseconds (the spec's prose says seconds; its examples and the service use ms). */
  creationTime: z.number(),
  /** Epoch milliseconds. */
  updateTime: z.number().optional(),
  /** The request that created the job. */
  requestId: z.string().optional(),
});

/**
 * An export job, as create, get and list return it. Read leniently: unknown status strings pass
 * through, so a response never fails because Adobe added something. `creationTime` and
 * `updateTime` are epoch milliseconds.
 *
 * The type lists the documented fields only, so a misspelt property (`job.creationTme`) is a
 * compile error. Fields Adobe adds later are still kept on the parsed object: read one with
 * `(job as Record<string, unknown>).newField`.
 *
 * @example
 * ```ts
 * const job = await client.getExportJob(42);
 * if (job.status === 'FAILED') console.error(job.errors);
 * console.log(new Date(job.creationTime).toISOString());
 * const extra = (job as Record<string, unknown>).someNewField;
 * ```
 */
export interface ExportJob extends z.output<typeof ExportJobObject> {}
/** Reads an {@link ExportJob}, normalising Adobe's variants; unknown fields are kept. */
export const ExportJobSchema: z.ZodType<ExportJob> = ExportJobObject;

import { z } from 'zod';
import { lenientObject, oneOrMany, openEnum, renameDataSetId } from './common.js';

const SEGMENT_STATUSES = ['realized', 'existing', 'exited'] as const;
const SegmentStatusUnion = openEnum(SEGMENT_STATUSES);

/**
 * The membership statuses the docs give: `realized`, `existing`, `exited`. Use it where a typo
 * should fail to compile, e.g. `Record<KnownSegmentStatus, number>` or `'realized' satisfies KnownSegmentStatus`.
 *
 * @useDeclaredType
 */
export type KnownSegmentStatus = (typeof SEGMENT_STATUSES)[number];
/**
 * `realized`, `existing`, `exited`, or a status Adobe adds later: the known values autocomplete
 * and narrow, and any other string is accepted (so comparing with a misspelt value is not a compile
 * error; see {@link KnownSegmentStatus}).
 */
export type SegmentStatus = KnownSegmentStatus | (string & {});
/** A segment's membership status: the docs give realized, existing and exited; other strings are kept. */
export const SegmentStatusSchema: z.ZodType<SegmentStatus, SegmentStatus> = SegmentStatusUnion;

const BatchObject = lenientObject({
  /** The segment whose profiles the batch holds. */
  segmentId: z.string().optional(),
  /** The segment's namespace (`ups`, `AAM`...). */
  segmentNs: z.string().optional(),
  /** Normalised to an array: Adobe's examples also send a single string (`"exited"`). */
  status: oneOrMany(SegmentStatusSchema).optional(),
  /** The batch holding the segment's profiles. */
  batchId: z.string().optional(),
});
/**
 * One exported batch of a `segmentPerBatch: true` job: the segment and the batch holding its profiles.
 *
 * Fields Adobe adds later are kept on the parsed object but are not part of this type: read one
 * with `(batch as Record<string, unknown>).newField`.
 */
export interface Batch extends z.output<typeof BatchObject> {}
/** One batch of a segment-per-batch export; unknown fields are kept. */
export const BatchSchema: z.ZodType<Batch> = BatchObject;

const batches = oneOrMany(BatchSchema);

const SingleBatchDestinationObject = lenientObject({
  /** The dataset the profiles were written to. */
  datasetId: z.string(),
  /** `false`: one batch holds every segment's profiles. Absent in some responses, read as `false`. */
  segmentPerBatch: z.literal(false),
  /** The batch written; `""` on a failed job, absent before the job has run. */
  batchId: z.string().optional(),
  /** Some responses carry `batches` here too (with `segmentPerBatch: false`); kept as given. */
  batches: batches.optional(),
});
/**
 * A destination where one batch holds every segment's profiles (`segmentPerBatch` false or absent).
 *
 * Fields Adobe adds later are kept on the parsed object but are not part of this type: read one
 * with `(destination as Record<string, unknown>).newField`.
 */
export interface SingleBatchDestination extends z.output<typeof SingleBatchDestinationObject> {}
/** The `segmentPerBatch: false` branch of {@link DestinationSchema}; unknown fields are kept. */
export const SingleBatchDestinationSchema: z.ZodType<SingleBatchDestination> = SingleBatchDestinationObject;

const SegmentPerBatchDestinationObject = lenientObject({
  /** The dataset the profiles were written to. */
  datasetId: z.string(),
  /** `true`: each segment has a batch of its own. */
  segmentPerBatch: z.literal(true),
  /** One entry per segment; normalised to an array (the spec sends a single object), empty before the job has run. */
  batches: batches.default([]),
  /** Some responses carry a `batchId` here too; kept as given. */
  batchId: z.string().optional(),
});
/**
 * A destination where each segment has a batch of its own (`segmentPerBatch: true`).
 *
 * Fields Adobe adds later are kept on the parsed object but are not part of this type: read one
 * with `(destination as Record<string, unknown>).newField`.
 */
export interface SegmentPerBatchDestination extends z.output<typeof SegmentPerBatchDestinationObject> {}
/** The `segmentPerBatch: true` branch of {@link DestinationSchema}; unknown fields are kept. */
export const SegmentPerBatchDestinationSchema: z.ZodType<SegmentPerBatchDestination> = SegmentPerBatchDestinationObject;

function normaliseDestination(value: unknown): unknown {
  const renamed = renameDataSetId(value);
  if (typeof renamed !== 'object' || renamed === null || Array.isArray(renamed)) return renamed;
  const record = renamed as Record<string, unknown>;
  return record.segmentPerBatch === undefined ? { ...record, segmentPerBatch: false } : record;
}

/**
 * A job's destination, a union discriminated on `segmentPerBatch`: narrow on it to reach
 * `batches` ({@link SegmentPerBatchDestination}) or `batchId` ({@link SingleBatchDestination}).
 *
 * @example
 * ```ts
 * if (job.destination.segmentPerBatch) {
 *   for (const batch of job.destination.batches) console.log(batch.segmentId, batch.batchId);
 * } else {
 *   console.log(job.destination.batchId);
 * }
 * ```
 */
export type Destination = SegmentPerBatchDestination | SingleBatchDestination;

/**
 * Reads a job's {@link Destination}, normalising Adobe's variants: `dataSetId` becomes
 * `datasetId`, an absent `segmentPerBatch` becomes `false`, `batches` as one object becomes an
 * array and a batch `status` string becomes an array. Unknown fields are kept.
 */
export const DestinationSchema: z.ZodType<Destination> = z.preprocess(
  normaliseDestination,
  z.discriminatedUnion('segmentPerBatch', [SegmentPerBatchDestinationObject, SingleBatchDestinationObject]),
);

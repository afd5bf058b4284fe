import { z } from 'zod';
import { oneOrMany, openEnum, renameDataSetId } from './common.js';

/** A segment's membership statuses: the docs give realized, existing and exited. */
export const SegmentStatusSchema = openEnum(['realized', 'existing', 'exited']);
/** `realized`, `existing`, `exited`, or a status Adobe adds later. */
export type SegmentStatus = z.infer<typeof SegmentStatusSchema>;

/** One exported batch of a `segmentPerBatch: true` job: the segment and the batch holding its profiles. */
export const BatchSchema = z.looseObject({
  segmentId: z.string().optional(),
  segmentNs: z.string().optional(),
  /** Normalised to an array: Adobe's examples also send a single string (`"exited"`). */
  status: oneOrMany(SegmentStatusSchema).optional(),
  batchId: z.string().optional(),
});
/** One batch of a segment-per-batch export. */
export type Batch = z.infer<typeof BatchSchema>;

const batches = oneOrMany(BatchSchema);

/** Where one batch holds every segment's profiles (`segmentPerBatch` false or absent). */
export const SingleBatchDestinationSchema = z.looseObject({
  datasetId: z.string(),
  segmentPerBatch: z.literal(false),
  /** The batch written; `""` on a failed job, absent before the job has run. */
  batchId: z.string().optional(),
  /** Some responses carry `batches` here too (with `segmentPerBatch: false`); kept as given. */
  batches: batches.optional(),
});

/** Where each segment has a batch of its own (`segmentPerBatch: true`). */
export const SegmentPerBatchDestinationSchema = z.looseObject({
  datasetId: z.string(),
  segmentPerBatch: z.literal(true),
  /** One entry per segment; normalised to an array (the spec sends a single object), empty before the job has run. */
  batches: batches.default([]),
  batchId: z.string().optional(),
});

function normaliseDestination(value: unknown): unknown {
  const renamed = renameDataSetId(value);
  if (typeof renamed !== 'object' || renamed === null || Array.isArray(renamed)) return renamed;
  const record = renamed as Record<string, unknown>;
  return record.segmentPerBatch === undefined ? { ...record, segmentPerBatch: false } : record;
}

/**
 * A job's destination, a union discriminated on `segmentPerBatch`. Reading normalises Adobe's
 * variants: `dataSetId` becomes `datasetId`, an absent `segmentPerBatch` becomes `false`,
 * `batches` as one object becomes an array and a batch `status` string becomes an array.
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
export const DestinationSchema = z.preprocess(
  normaliseDestination,
  z.discriminatedUnion('segmentPerBatch', [SegmentPerBatchDestinationSchema, SingleBatchDestinationSchema]),
);
/** A job's destination; narrow on `segmentPerBatch`. */
export type Destination = z.infer<typeof DestinationSchema>;

import { z } from 'zod';
import { lenientObject, oneOrMany } from './common.js';
import { SegmentStatusSchema } from './destination.js';

const SegmentFilterObject = lenientObject({
  /** The segment (audience) id. */
  segmentId: z.string(),
  /** The segment's namespace: `ups` (also sent as `UPS`), `AAM`, `AdCloud`... */
  segmentNs: z.string().optional(),
  /** Which members were exported; a single string is read as an array. */
  status: oneOrMany(SegmentStatusSchema).optional(),
});
/**
 * A segment a job exported, and which of its members (realized, existing, exited).
 *
 * Fields Adobe adds later are kept on the parsed object but are not part of this type: read one
 * with `(segment as Record<string, unknown>).newField`.
 */
export interface SegmentFilter extends z.output<typeof SegmentFilterObject> {}
/** One segment of a job's filter; unknown fields are kept. */
export const SegmentFilterSchema: z.ZodType<SegmentFilter> = SegmentFilterObject;

const FilterObject = lenientObject({
  /** The segments exported. */
  segments: z.array(SegmentFilterSchema).optional(),
  /** Only profiles that qualified for the segments in this window (RFC 3339 strings). */
  segmentQualificationTime: lenientObject({
    startTime: z.string().optional(),
    endTime: z.string().optional(),
  }).optional(),
  /** Only profiles updated since then (an RFC 3339 string). */
  fromIngestTimestamp: z.string().optional(),
  /** Whether profiles without any of the requested fields were exported too. */
  emptyProfiles: z.boolean().optional(),
});
/**
 * Which profiles a job exported, as the API reports it. Timestamps are RFC 3339 strings.
 *
 * Fields Adobe adds later are kept on the parsed object but are not part of this type: read one
 * with `(filter as Record<string, unknown>).newField`.
 */
export interface Filter extends z.output<typeof FilterObject> {}
/** A job's filter; unknown fields are kept. */
export const FilterSchema: z.ZodType<Filter> = FilterObject;

const AdditionalFieldsObject = lenientObject({
  /** The experience events exported with each profile: which fields, and from which ingestion window. */
  eventList: lenientObject({
    fields: z.string().optional(),
    filter: lenientObject({
      fromIngestTimestamp: z.string().optional(),
      toIngestTimestamp: z.string().optional(),
    }).optional(),
  }).optional(),
});
/**
 * Experience events exported with each profile (a job's `additionalFields`).
 *
 * Fields Adobe adds later are kept on the parsed object but are not part of this type: read one
 * with `(additionalFields as Record<string, unknown>).newField`.
 */
export interface AdditionalFields extends z.output<typeof AdditionalFieldsObject> {}
/** A job's `additionalFields`; unknown fields are kept. */
export const AdditionalFieldsSchema: z.ZodType<AdditionalFields> = AdditionalFieldsObject;

const MergePolicyObject = lenientObject({
  /** The merge policy's id, such as `timestampOrdered-none-mp`. */
  id: z.string(),
  /** The version used; absent means the latest. */
  version: z.number().optional(),
});
/**
 * The merge policy a job used; `version` absent means the latest.
 *
 * Fields Adobe adds later are kept on the parsed object but are not part of this type: read one
 * with `(mergePolicy as Record<string, unknown>).newField`.
 */
export interface MergePolicy extends z.output<typeof MergePolicyObject> {}
/** A merge policy reference; unknown fields are kept. */
export const MergePolicySchema: z.ZodType<MergePolicy> = MergePolicyObject;

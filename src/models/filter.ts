import { z } from 'zod';
import { oneOrMany } from './common.js';
import { SegmentStatusSchema } from './destination.js';

/** A segment to export, and which of its members (realized, existing, exited). */
export const SegmentFilterSchema = z.looseObject({
  segmentId: z.string(),
  /** The segment's namespace: `ups` (also sent as `UPS`), `AAM`, `AdCloud`... */
  segmentNs: z.string().optional(),
  status: oneOrMany(SegmentStatusSchema).optional(),
});
/** One segment of a job's filter. */
export type SegmentFilter = z.infer<typeof SegmentFilterSchema>;

/** Which profiles a job exported, as the API reports it. Timestamps are RFC 3339 strings. */
export const FilterSchema = z.looseObject({
  segments: z.array(SegmentFilterSchema).optional(),
  segmentQualificationTime: z.looseObject({ startTime: z.string().optional(), endTime: z.string().optional() }).optional(),
  fromIngestTimestamp: z.string().optional(),
  emptyProfiles: z.boolean().optional(),
});
/** A job's filter. */
export type Filter = z.infer<typeof FilterSchema>;

/** Experience events exported with each profile. */
export const AdditionalFieldsSchema = z.looseObject({
  eventList: z
    .looseObject({
      fields: z.string().optional(),
      filter: z.looseObject({ fromIngestTimestamp: z.string().optional(), toIngestTimestamp: z.string().optional() }).optional(),
    })
    .optional(),
});
/** A job's `additionalFields`. */
export type AdditionalFields = z.infer<typeof AdditionalFieldsSchema>;

/** The merge policy the job used; `version` absent means the latest. */
export const MergePolicySchema = z.looseObject({
  id: z.string(),
  version: z.number().optional(),
});
/** A merge policy reference. */
export type MergePolicy = z.infer<typeof MergePolicySchema>;

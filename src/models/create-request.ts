import { z } from 'zod';
import { oneOrMany, renameDataSetId, Rfc3339 } from './common.js';
import { SegmentStatusSchema } from './destination.js';

const nonEmpty = z.string().trim().min(1, 'must not be empty');
/** Comma-separated dot paths; an array of paths is joined for you. */
const FieldList = z.union([z.string(), z.array(nonEmpty).min(1).transform((paths) => paths.join(','))]);

const RequestDestinationObject = z.strictObject({
  /** The dataset the profiles are written to (a profile union schema dataset). */
  datasetId: nonEmpty,
  /** `true`: one batch per segment. Default `false`: one batch for all segments. */
  segmentPerBatch: z.boolean().default(false),
});
// Typed as the spec's form; at run time Adobe's `dataSetId` spelling is accepted too and renamed.
const RequestDestinationSchema = z.preprocess((value: z.input<typeof RequestDestinationObject>) => renameDataSetId(value), RequestDestinationObject);

const RequestSegmentSchema = z.strictObject({
  segmentId: nonEmpty,
  /** `ups` (default), `AAM`, `AdCloud`... */
  segmentNs: nonEmpty.optional(),
  /** Which members to export. Older docs default to `["realized", "existing"]`, newer to `["realized"]`. */
  status: oneOrMany(SegmentStatusSchema).optional(),
});

/**
 * The body of `createExportJob`, validated strictly before anything is sent: `destination.datasetId`
 * and `schema.name` are required and non-empty, each segment needs a `segmentId`, timestamps are
 * RFC 3339 with `Z` or an offset, `mergePolicy.version` is a positive integer, and unknown keys are
 * refused (a typo would otherwise be dropped silently by the API). `dataSetId` is accepted and sent
 * as `datasetId`.
 *
 * @example
 * ```ts
 * const request: CreateExportJobRequest = {
 *   fields: ['identities.id', 'personalEmail.address'],
 *   filter: { segments: [{ segmentId: '52c26d0d-45f2-47a2-ab30-ed06abc981ff', status: ['realized'] }] },
 *   destination: { datasetId: '5b7c86968f7b6501e21ba9df', segmentPerBatch: false },
 *   schema: { name: '_xdm.context.profile' },
 * };
 * ```
 */
export const CreateExportJobRequestSchema = z.strictObject({
  /** The profile fields to export; all fields when omitted. */
  fields: FieldList.optional(),
  mergePolicy: z
    .strictObject({
      id: nonEmpty,
      /** Omitted: the latest version. */
      version: z.number().int('must be an integer').positive('must be a positive integer').optional(),
    })
    .optional(),
  filter: z
    .strictObject({
      segments: z.array(RequestSegmentSchema).optional(),
      segmentQualificationTime: z.strictObject({ startTime: Rfc3339.optional(), endTime: Rfc3339.optional() }).optional(),
      fromIngestTimestamp: Rfc3339.optional(),
      emptyProfiles: z.boolean().optional(),
    })
    .optional(),
  additionalFields: z
    .strictObject({
      eventList: z
        .strictObject({
          fields: FieldList.optional(),
          filter: z.strictObject({ fromIngestTimestamp: Rfc3339.optional(), toIngestTimestamp: Rfc3339.optional() }).optional(),
        })
        .optional(),
    })
    .optional(),
  destination: RequestDestinationSchema,
  schema: z.strictObject({ name: nonEmpty }),
  evaluationInfo: z.strictObject({ segmentation: z.boolean().optional() }).optional(),
});
/** What you pass to `createExportJob`. */
export type CreateExportJobRequest = z.input<typeof CreateExportJobRequestSchema>;
/** The request as it is sent, after validation and normalisation. */
export type NormalizedCreateExportJobRequest = z.output<typeof CreateExportJobRequestSchema>;

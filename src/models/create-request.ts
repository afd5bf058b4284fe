import { z } from 'zod';
import { oneOrMany, renameDataSetId, Rfc3339 } from './common.js';
import { SegmentStatusSchema } from './destination.js';

const nonEmpty = z.string().trim().min(1, 'must not be empty');
/** Comma-separated dot paths; an array of paths is joined for you. */
const FieldList = z.union([
  z.string(),
  z
    .array(nonEmpty)
    .min(1)
    .transform((paths) => paths.join(',')),
]);

const RequestDestinationObject = z.strictObject({
  /** The dataset the profiles are written to (a profile union schema dataset). */
  datasetId: nonEmpty,
  /** `true`: one batch per segment. Default `false`: one batch for all segments. */
  segmentPerBatch: z.boolean().default(false),
});
// Typed as the spec's form; at run time Adobe's `dataSetId` spelling is accepted too and renamed.
const RequestDestinationSchema = z.preprocess(
  (value: z.input<typeof RequestDestinationObject>) => renameDataSetId(value),
  RequestDestinationObject,
);

const RequestSegmentSchema = z.strictObject({
  /** The segment (audience) id. */
  segmentId: nonEmpty,
  /** `ups` (default), `AAM`, `AdCloud`... */
  segmentNs: nonEmpty.optional(),
  /** Which members to export. Older docs default to `["realized", "existing"]`, newer to `["realized"]`. */
  status: oneOrMany(SegmentStatusSchema).optional(),
});

const CreateExportJobRequestObject = z.strictObject({
  /**
   * The profile fields to export: comma-separated dot paths, or an array of paths (joined for
   * you); all fields when omitted.
   */
  fields: FieldList.optional(),
  /** The merge policy to use (`id`, and a positive integer `version`; omitted: the latest version). */
  mergePolicy: z
    .strictObject({
      id: nonEmpty,
      /** Omitted: the latest version. */
      version: z.number().int('must be an integer').positive('must be a positive integer').optional(),
    })
    .optional(),
  /**
   * Which profiles to export: `segments` (each with a `segmentId`, and which members by `status`),
   * a `segmentQualificationTime` window, `fromIngestTimestamp`, `emptyProfiles`. Timestamps are RFC 3339.
   */
  filter: z
    .strictObject({
      segments: z.array(RequestSegmentSchema).optional(),
      segmentQualificationTime: z
        .strictObject({ startTime: Rfc3339.optional(), endTime: Rfc3339.optional() })
        .optional(),
      fromIngestTimestamp: Rfc3339.optional(),
      emptyProfiles: z.boolean().optional(),
    })
    .optional(),
  /** Experience events to export with each profile: `eventList.fields` and an ingestion window `eventList.filter`. */
  additionalFields: z
    .strictObject({
      eventList: z
        .strictObject({
          fields: FieldList.optional(),
          filter: z
            .strictObject({ fromIngestTimestamp: Rfc3339.optional(), toIngestTimestamp: Rfc3339.optional() })
            .optional(),
        })
        .optional(),
    })
    .optional(),
  /** Where to write the profiles: `datasetId` (required) and `segmentPerBatch` (default `false`). */
  destination: RequestDestinationSchema,
  /** The schema to export: `{ name: '_xdm.context.profile' }`. */
  schema: z.strictObject({ name: nonEmpty }),
  /** `segmentation: true` evaluates the segments before exporting. */
  evaluationInfo: z.strictObject({ segmentation: z.boolean().optional() }).optional(),
});

/**
 * What you pass to `createExportJob`: the body of `POST /export/jobs`. Exact: an unknown or
 * misspelt key, or a value of the wrong type (such as a segment `status` that is not a string),
 * is a compile error, and is refused at run time too.
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
export interface CreateExportJobRequest extends z.input<typeof CreateExportJobRequestObject> {}
/**
 * The request as it is sent, after validation and normalisation: `fields` joined into one string,
 * `destination.segmentPerBatch` filled in, segment `status` an array.
 */
export interface NormalizedCreateExportJobRequest extends z.output<typeof CreateExportJobRequestObject> {}

/**
 * Validates a {@link CreateExportJobRequest} strictly before anything is sent:
 * `destination.datasetId` and `schema.name` are required and non-empty, each segment needs a
 * `segmentId`, timestamps are RFC 3339 with `Z` or an offset, `mergePolicy.version` is a positive
 * integer, and unknown keys are refused (a typo would otherwise be dropped silently by the API).
 * `dataSetId` is accepted and sent as `datasetId`. Its output is the
 * {@link NormalizedCreateExportJobRequest}.
 */
export const CreateExportJobRequestSchema: z.ZodType<NormalizedCreateExportJobRequest, CreateExportJobRequest> =
  CreateExportJobRequestObject;

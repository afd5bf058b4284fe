/**
 * The create request as the simulated service reads it. Written by hand rather than with the SDK's
 * zod schemas on purpose: a simulator that shared the client's rules would agree with the client
 * by construction and could never catch it sending something the API refuses.
 */
import { isObject, isText } from './util.js';

/** A segment of a create request's filter, as stored. */
export interface StoredSegment {
  segmentId: string;
  segmentNs?: string;
  status?: string[] | string;
  [key: string]: unknown;
}

/** The parts of a create request the service keeps and echoes. */
export interface StoredRequest {
  fields?: string;
  filter?: { segments?: StoredSegment[]; [key: string]: unknown };
  additionalFields?: Record<string, unknown>;
  mergePolicy: { id: string; version: number };
  schema: { name: string };
  datasetId: string;
  segmentPerBatch: boolean;
}

/** The one schema the export jobs API writes to. */
export const PROFILE_SCHEMA = '_xdm.context.profile';
/** The merge policy a job gets when the request names none. */
export const DEFAULT_MERGE_POLICY = { id: 'timestampOrdered-none-mp', version: 1 } as const;

const RFC3339 = /^\d{4}-\d{2}-\d{2}[Tt]\d{2}:\d{2}:\d{2}(\.\d+)?([Zz]|[+-]\d{2}:\d{2})$/;

type Problems = string[];

/** Reads a create body: the stored request, or every problem found, in the API's words where known. */
export function readCreateRequest(body: unknown): { request: StoredRequest } | { problems: Problems } {
  const problems: Problems = [];
  if (!isObject(body))
    return {
      problems: ['There is a problem extracting the user JSON, field(s) missing or invalid. Correct and try again.'],
    };

  const destination = body.destination;
  let datasetId = '';
  let segmentPerBatch = false;
  if (!isObject(destination)) {
    problems.push('destination is required: { "datasetId": "...", "segmentPerBatch": false }');
  } else {
    // `dataSetId` appears in Adobe's own examples, so the service evidently takes it.
    const id = destination.datasetId ?? destination.dataSetId;
    if (!isText(id)) problems.push('destination.datasetId is required and must be a non-empty string');
    else datasetId = id;
    if (destination.segmentPerBatch !== undefined && typeof destination.segmentPerBatch !== 'boolean') {
      problems.push('destination.segmentPerBatch must be a boolean');
    } else segmentPerBatch = destination.segmentPerBatch === true;
  }

  const schema = body.schema;
  if (!isObject(schema) || !isText(schema.name))
    problems.push('schema.name is required and must be a non-empty string');
  // Export jobs write profiles only; the docs name no other schema.
  else if (schema.name !== PROFILE_SCHEMA)
    problems.push(`schema.name must be "${PROFILE_SCHEMA}", got "${schema.name}"`);

  if (body.fields !== undefined && typeof body.fields !== 'string')
    problems.push('fields must be a comma-separated string of field paths');

  let mergePolicy: StoredRequest['mergePolicy'] = { ...DEFAULT_MERGE_POLICY };
  if (body.mergePolicy !== undefined) {
    const policy = body.mergePolicy;
    if (!isObject(policy) || !isText(policy.id)) problems.push('mergePolicy.id is required when mergePolicy is given');
    else if (policy.version !== undefined && !(Number.isInteger(policy.version) && (policy.version as number) > 0)) {
      problems.push('mergePolicy.version must be a positive integer');
    } else {
      // An omitted version means the latest, which the simulator's policies are all at: 1.
      mergePolicy = { id: policy.id, version: (policy.version as number | undefined) ?? 1 };
    }
  }

  if (body.filter !== undefined) checkFilter(body.filter, problems);
  if (body.additionalFields !== undefined) checkAdditionalFields(body.additionalFields, problems);
  if (body.evaluationInfo !== undefined) {
    const info = body.evaluationInfo;
    if (!isObject(info) || (info.segmentation !== undefined && typeof info.segmentation !== 'boolean')) {
      problems.push('evaluationInfo.segmentation must be a boolean');
    }
  }

  if (problems.length > 0) return { problems };
  const request: StoredRequest = {
    mergePolicy,
    schema: { name: PROFILE_SCHEMA },
    datasetId,
    segmentPerBatch,
  };
  if (typeof body.fields === 'string') request.fields = body.fields;
  if (body.filter !== undefined) request.filter = structuredClone(body.filter) as StoredRequest['filter'];
  if (body.additionalFields !== undefined)
    request.additionalFields = structuredClone(body.additionalFields) as Record<string, unknown>;
  return { request };
}

function checkFilter(filter: unknown, problems: Problems): void {
  if (!isObject(filter)) {
    problems.push('filter must be an object');
    return;
  }
  if (filter.segments !== undefined) {
    if (!Array.isArray(filter.segments)) problems.push('filter.segments must be an array');
    else {
      filter.segments.forEach((segment: unknown, index) => {
        if (!isObject(segment) || !isText(segment.segmentId)) {
          problems.push(`filter.segments[${index}].segmentId is required when segments are given`);
          return;
        }
        if (segment.segmentNs !== undefined && !isText(segment.segmentNs))
          problems.push(`filter.segments[${index}].segmentNs must be a non-empty string`);
        const status = segment.status;
        const statusOk =
          status === undefined ||
          typeof status === 'string' ||
          (Array.isArray(status) && status.every((value) => typeof value === 'string'));
        if (!statusOk)
          problems.push(`filter.segments[${index}].status must be an array of strings such as ["realized"]`);
      });
    }
  }
  if (filter.segmentQualificationTime !== undefined) {
    const time = filter.segmentQualificationTime;
    if (!isObject(time)) problems.push('filter.segmentQualificationTime must be an object');
    else {
      checkTimestamp(time.startTime, 'filter.segmentQualificationTime.startTime', problems);
      checkTimestamp(time.endTime, 'filter.segmentQualificationTime.endTime', problems);
    }
  }
  checkTimestamp(filter.fromIngestTimestamp, 'filter.fromIngestTimestamp', problems);
  if (filter.emptyProfiles !== undefined && typeof filter.emptyProfiles !== 'boolean')
    problems.push('filter.emptyProfiles must be a boolean');
}

function checkAdditionalFields(value: unknown, problems: Problems): void {
  if (!isObject(value)) {
    problems.push('additionalFields must be an object');
    return;
  }
  const eventList = value.eventList;
  if (eventList === undefined) return;
  if (!isObject(eventList)) {
    problems.push('additionalFields.eventList must be an object');
    return;
  }
  if (eventList.fields !== undefined && typeof eventList.fields !== 'string')
    problems.push('additionalFields.eventList.fields must be a string');
  if (eventList.filter !== undefined) {
    if (!isObject(eventList.filter)) problems.push('additionalFields.eventList.filter must be an object');
    else {
      checkTimestamp(
        eventList.filter.fromIngestTimestamp,
        'additionalFields.eventList.filter.fromIngestTimestamp',
        problems,
      );
      checkTimestamp(
        eventList.filter.toIngestTimestamp,
        'additionalFields.eventList.filter.toIngestTimestamp',
        problems,
      );
    }
  }
}

function checkTimestamp(value: unknown, field: string, problems: Problems): void {
  if (value === undefined) return;
  if (typeof value !== 'string' || !RFC3339.test(value) || Number.isNaN(Date.parse(value))) {
    problems.push(`${field} must be an RFC 3339 timestamp such as 2018-01-01T00:00:00Z, got ${JSON.stringify(value)}`);
  }
}

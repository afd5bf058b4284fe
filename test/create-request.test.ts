import { describe, expect, it } from 'vitest';
import { RequestValidationError, validateCreateExportJobRequest } from '../src/index.js';
import { validRequest } from './helpers/msw.js';

function problems(request: unknown): Record<string, string> {
  try {
    validateCreateExportJobRequest(request);
  } catch (error) {
    expect(error).toBeInstanceOf(RequestValidationError);
    return Object.fromEntries((error as RequestValidationError).issues.map((issue) => [issue.path, issue.message]));
  }
  return {};
}

describe('validateCreateExportJobRequest', () => {
  it('accepts the minimal request and fills in segmentPerBatch: false', () => {
    expect(
      validateCreateExportJobRequest({ destination: { datasetId: 'ds' }, schema: { name: '_xdm.context.profile' } }),
    ).toEqual({
      destination: { datasetId: 'ds', segmentPerBatch: false },
      schema: { name: '_xdm.context.profile' },
    });
  });

  it('says a missing destination and schema are required', () => {
    expect(problems({})).toEqual({ destination: 'is required', schema: 'is required' });
  });

  it('requires a non-empty datasetId and schema name', () => {
    expect(problems({ destination: {}, schema: { name: ' ' } })).toEqual({
      'destination.datasetId': 'is required',
      'schema.name': 'must not be empty',
    });
  });

  it('requires segmentId on every segment and names its index', () => {
    expect(problems({ ...validRequest, filter: { segments: [{ segmentId: 'a' }, { segmentNs: 'ups' }] } })).toEqual({
      'filter.segments.1.segmentId': 'is required',
    });
  });

  it.each([
    ['filter.fromIngestTimestamp', { filter: { fromIngestTimestamp: '2018-01-01' } }],
    ['filter.fromIngestTimestamp', { filter: { fromIngestTimestamp: '2018-01-01T00:00:00' } }],
    ['filter.segmentQualificationTime.startTime', { filter: { segmentQualificationTime: { startTime: 'yesterday' } } }],
    [
      'additionalFields.eventList.filter.toIngestTimestamp',
      { additionalFields: { eventList: { filter: { toIngestTimestamp: 1538615973895 } } } },
    ],
  ])('refuses a timestamp without Z or an offset at %s', (path, part) => {
    expect(Object.keys(problems({ ...validRequest, ...part }))).toEqual([path]);
  });

  it('accepts RFC 3339 timestamps with Z or an offset', () => {
    const request = {
      ...validRequest,
      filter: {
        fromIngestTimestamp: '2018-10-25T13:22:04-07:00',
        segmentQualificationTime: { startTime: '2018-01-01T00:00:00Z', endTime: '2018-02-01T00:00:00.123+02:00' },
      },
    };
    expect(problems(request)).toEqual({});
  });

  it.each([0, -1, 1.5, '1'])('refuses mergePolicy.version %j', (version) => {
    expect(Object.keys(problems({ ...validRequest, mergePolicy: { id: 'mp', version } }))).toEqual([
      'mergePolicy.version',
    ]);
  });

  it('reports every problem at once, not only the first', () => {
    const found = problems({
      destination: { datasetId: '' },
      schema: {},
      mergePolicy: { id: 'mp', version: 0 },
      filter: { segments: [{}] },
    });
    expect(Object.keys(found).sort()).toEqual([
      'destination.datasetId',
      'filter.segments.0.segmentId',
      'mergePolicy.version',
      'schema.name',
    ]);
  });

  it('refuses unknown keys, naming them, so a typo is not silently dropped', () => {
    expect(problems({ ...validRequest, destination: { datasetId: 'ds', segmentsPerBatch: true } })).toEqual({
      'destination.segmentsPerBatch': 'is not a field of this request',
    });
  });

  it('sends dataSetId as datasetId, a status string as an array and a field list joined', () => {
    const body = validateCreateExportJobRequest({
      ...validRequest,
      fields: ['identities.id', 'personalEmail.address'],
      destination: { dataSetId: 'ds', segmentPerBatch: true },
      filter: { segments: [{ segmentId: 's', status: 'exited' }] },
    });
    expect(body.destination).toEqual({ datasetId: 'ds', segmentPerBatch: true });
    expect(body.fields).toBe('identities.id,personalEmail.address');
    expect(body.filter?.segments?.[0]?.status).toEqual(['exited']);
  });

  it('puts each problem on its own line of the message', () => {
    expect(() => validateCreateExportJobRequest({ destination: {}, schema: {} })).toThrow(
      'Invalid create export job request, nothing was sent:\n  - destination.datasetId: is required\n  - schema.name: is required',
    );
  });
});

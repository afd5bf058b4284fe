// Names the help and the shell completion show, kept apart from the code that uses them so that
// `--help` loads nothing else.

/** The statuses the CLI knows, in the order a job goes through them (Adobe documents NEW, SUCCEEDED and FAILED). */
export const STATUSES = ['NEW', 'PROCESSING', 'SUCCEEDED', 'FAILED', 'CANCELLED'] as const;

/** The statuses the API filters on itself (`?status=`); the others are filtered by the CLI. */
export const API_STATUSES: ReadonlySet<string> = new Set(['NEW', 'SUCCEEDED', 'FAILED']);

/** The short field names of `--fields`; any other name is a path into the job's JSON. */
export const FIELD_NAMES = [
  'id',
  'status',
  'created',
  'updated',
  'duration',
  'dataset',
  'segments',
  'batches',
  'profiles',
  'fields',
] as const;
export type FieldName = (typeof FIELD_NAMES)[number];
